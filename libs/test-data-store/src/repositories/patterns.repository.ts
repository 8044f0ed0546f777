import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Classification } from '@mes/analytics';
import { RollPatternEntity, SheetPatternEntity } from '../analytics.entities';

/** The pattern classes of sheets and rolls, one row each, rewritten when they are classified again. */
@Injectable()
export class PatternsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async saveSheet(sheet: { sheet: string; roll: string; sheetTestId: string }, c: Classification): Promise<void> {
    await this.db.query(
      `INSERT INTO test_data.sheet_patterns (sheet_barcode, roll_barcode, sheet_test_id, classes, findings, fail_rate, classified_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, now())
       ON CONFLICT (sheet_barcode) DO UPDATE SET roll_barcode = excluded.roll_barcode, sheet_test_id = excluded.sheet_test_id, classes = excluded.classes,
         findings = excluded.findings, fail_rate = excluded.fail_rate, classified_at = excluded.classified_at`,
      [sheet.sheet, sheet.roll, sheet.sheetTestId, c.classes, JSON.stringify(c.findings), c.failRate],
    );
  }

  async saveRoll(roll: string, sheets: number, c: Classification): Promise<void> {
    await this.db.query(
      `INSERT INTO test_data.roll_patterns (roll_barcode, sheets, classes, findings, fail_rate, classified_at) VALUES ($1, $2, $3, $4::jsonb, $5, now())
       ON CONFLICT (roll_barcode) DO UPDATE SET sheets = excluded.sheets, classes = excluded.classes, findings = excluded.findings, fail_rate = excluded.fail_rate, classified_at = excluded.classified_at`,
      [roll, sheets, c.classes, JSON.stringify(c.findings), c.failRate],
    );
  }

  sheetPattern(sheet: string): Promise<SheetPatternEntity | null> {
    return this.db.getRepository(SheetPatternEntity).findOne({ where: { sheetBarcode: sheet } });
  }

  rollPattern(roll: string): Promise<RollPatternEntity | null> {
    return this.db.getRepository(RollPatternEntity).findOne({ where: { rollBarcode: roll } });
  }

  /** The sheet a test belongs to (null for an unknown test). */
  async sheetOfTest(sheetTestId: string): Promise<string | null> {
    const rows = await this.db.query<Array<{ sheet_barcode: string }>>(`SELECT sheet_barcode FROM test_data.sheet_tests WHERE id = $1`, [
      sheetTestId,
    ]);
    return rows[0]?.sheet_barcode ?? null;
  }

  /** Sheets whose newest DONE test is newer than their pattern result (or that have none), oldest first. */
  stale(limit: number): Promise<Array<{ sheet_barcode: string; id: string }>> {
    return this.db.query<Array<{ sheet_barcode: string; id: string }>>(
      `SELECT t.sheet_barcode, t.id FROM (
         SELECT DISTINCT ON (sheet_barcode) sheet_barcode, id, completed_at FROM test_data.sheet_tests
          WHERE status = 'DONE' ORDER BY sheet_barcode, completed_at DESC) t
       LEFT JOIN test_data.sheet_patterns p ON p.sheet_barcode = t.sheet_barcode
       WHERE p.sheet_barcode IS NULL OR p.classified_at < t.completed_at
       ORDER BY t.completed_at LIMIT $1`,
      [limit],
    );
  }

  sheetPatternsOfRoll(roll: string): Promise<SheetPatternEntity[]> {
    return this.db.getRepository(SheetPatternEntity).find({ where: { rollBarcode: roll }, order: { sheetBarcode: 'ASC' } });
  }
}
