import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@mes/service-core';
import { SheetTestEntity } from '@mes/test-data-store';

export interface SheetTestStatusAnswer {
  status: string;
  cellsBinned: number;
  cells: number;
  bins: { softBin: number; count: number }[];
  error?: string;
}

@Injectable()
export class SheetTestStatusService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async status(sheetTestId: string): Promise<SheetTestStatusAnswer> {
    const test = /^[0-9a-f-]{36}$/i.test(sheetTestId)
      ? await this.db.getRepository(SheetTestEntity).findOne({ where: { id: sheetTestId } })
      : null;
    if (!test) throw new DomainError('NOT_FOUND', `Unknown sheet test ${sheetTestId}: expected the sheetTestId a post returned`);
    const bins = await this.db.query<{ soft_bin: number; count: string }[]>(
      `SELECT soft_bin, count(*) AS count FROM test_data.cell_results WHERE sheet_test_id = $1 AND rule_set_version = $2 GROUP BY soft_bin ORDER BY soft_bin`,
      [test.id, test.ruleSetVersion ?? -1],
    );
    return {
      status: test.status,
      cellsBinned: test.cellsBinned,
      cells: test.cellCount,
      bins: bins.map((b) => ({ softBin: Number(b.soft_bin), count: Number(b.count) })),
      ...(test.error ? { error: test.error } : {}),
    };
  }
}
