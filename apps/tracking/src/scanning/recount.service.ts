import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { MaterialRepository } from '../material/material.repository';
import type { RecountSheetInput, SheetCountsModel } from './recount.model';
import { SheetCountsRepository } from './sheet-counts.repository';

@Injectable()
export class RecountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly counts: SheetCountsRepository,
    private readonly material: MaterialRepository,
    private readonly audit: AuditService,
  ) {}

  /** The counts a sheet carries out of each operation it was tracked out of with counts, oldest first. */
  async countsOfSheet(sheetId: string): Promise<SheetCountsModel[]> {
    return this.counts.ofSheet(sheetId);
  }

  /**
   * Correct the counts of the sheet's newest track-out at a station; the same counts again change
   * nothing (a retried job). Refused when the sheet never left that station with counts: its
   * track-out will carry the right ones.
   */
  async recount(actor: Actor, input: RecountSheetInput): Promise<SheetCountsModel> {
    return this.db.transaction(async (m) => {
      const sheet = await this.material.lockSheetByBarcode(m, input.sheetBarcode);
      if (!sheet)
        throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet barcode ${input.sheetBarcode}`, [
          { path: 'input.sheetBarcode', message: 'expected a sheet' },
        ]);
      const cells = sheet.rows * sheet.cols;
      if (input.goodCount + input.rejectCount > cells)
        throw new DomainError(
          'VALIDATION_FAILED',
          `goodCount + rejectCount = ${input.goodCount + input.rejectCount} exceeds the ${cells} cells of sheet ${sheet.barcode}`,
          [{ path: 'input.goodCount', message: `expected goodCount + rejectCount <= ${cells}` }],
        );
      const last = await this.counts.lastTrackOutAt(m, sheet.id, input.stationCode);
      if (!last)
        throw new DomainError(
          'CONFLICT',
          `Sheet ${sheet.barcode} was not tracked out at station ${input.stationCode} with counts; its track-out there will carry them`,
          [{ path: 'input.stationCode', message: 'expected a station the sheet was tracked out at' }],
        );
      const before = last.counts;
      if (before.goodCount === input.goodCount && before.rejectCount === input.rejectCount) return before;
      await this.counts.insertCorrection(m, {
        scanEventId: last.scanEventId,
        goodCount: input.goodCount,
        rejectCount: input.rejectCount,
        reason: input.reason,
        actor: actor.username,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'RECOUNT_SHEET',
        entityType: 'Sheet',
        entityKey: sheet.barcode,
        before: { operation: before.operation, goodCount: before.goodCount, rejectCount: before.rejectCount },
        after: { goodCount: input.goodCount, rejectCount: input.rejectCount, reason: input.reason },
      });
      return this.counts.ofTrackOut(m, sheet.id, last.scanEventId);
    });
  }
}
