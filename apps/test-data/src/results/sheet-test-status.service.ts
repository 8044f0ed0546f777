import { Injectable } from '@nestjs/common';
import { DomainError } from '@mes/service-core';
import { ResultsRepository } from '@mes/test-data-store';

export interface SheetTestStatusAnswer {
  status: string;
  cellsBinned: number;
  cells: number;
  bins: { softBin: number; count: number }[];
  error?: string;
}

@Injectable()
export class SheetTestStatusService {
  constructor(private readonly store: ResultsRepository) {}

  async status(sheetTestId: string): Promise<SheetTestStatusAnswer> {
    const test = await this.store.sheetTestById(sheetTestId);
    if (!test) throw new DomainError('NOT_FOUND', `Unknown sheet test ${sheetTestId}: expected the sheetTestId a post returned`);
    return {
      status: test.status,
      cellsBinned: test.cellsBinned,
      cells: test.cellCount,
      bins: await this.store.softBinCountsOfTest(test.id, test.ruleSetVersion ?? -1),
      ...(test.error ? { error: test.error } : {}),
    };
  }
}
