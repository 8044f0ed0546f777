import { Pool } from 'pg';
import { cellRollPosition, type SheetLayout } from '@mes/geometry';
import { decodeFrequencies, decodeSpectrum } from '@mes/sheet-test';
import type { EvaluatedCell, StoredCell } from './evaluate-sheet-test';

export interface StoredSheetTest {
  id: string;
  testId: string;
  sheet: string;
  status: string;
  rigStation: string;
  cellAreaCm2: number;
  temperatureC: number;
  frequenciesHz: number[] | null;
  cellCount: number;
  mdStartMm: number | null;
  layout: SheetLayout | null;
}

/**
 * The worker's access to the test-data schema (it is the test-data context's own worker). Results
 * are written with ON CONFLICT DO NOTHING on (test, cell, rule set version): a job that runs again
 * after a crash or a retry never duplicates or changes a result.
 */
export class SheetTestStore {
  constructor(private readonly pool: Pool) {}

  async load(id: string): Promise<{ test: StoredSheetTest; cells: StoredCell[] } | null> {
    const head = await this.pool.query(
      `SELECT t.id, t.test_id, t.sheet_barcode, t.status, r.station_code, t.cell_area_cm2, t.temperature_c, t.frequencies, t.frequency_count, t.cell_count,
              t.md_start_mm, t.layout
         FROM test_data.sheet_tests t JOIN test_data.rigs r ON r.id = t.rig_id WHERE t.id = $1`,
      [id],
    );
    if (!head.rows.length) return null;
    const h = head.rows[0] as Record<string, unknown>;
    const n = Number(h.frequency_count);
    const test: StoredSheetTest = {
      id: String(h.id),
      testId: String(h.test_id),
      sheet: String(h.sheet_barcode),
      status: String(h.status),
      rigStation: String(h.station_code),
      cellAreaCm2: Number(h.cell_area_cm2),
      temperatureC: Number(h.temperature_c),
      frequenciesHz: h.frequencies ? decodeFrequencies(h.frequencies as Buffer, n) : null,
      cellCount: Number(h.cell_count),
      mdStartMm: h.md_start_mm === null ? null : Number(h.md_start_mm),
      layout: (h.layout as SheetLayout | null) ?? null,
    };
    const rows = await this.pool.query(`SELECT row, col, status, ocv_v, spectrum FROM test_data.sheet_test_cells WHERE sheet_test_id = $1 ORDER BY row, col`, [id]);
    const cells: StoredCell[] = rows.rows.map((r: Record<string, unknown>) => {
      const z = r.spectrum && n ? decodeSpectrum(r.spectrum as Buffer, n) : null;
      return {
        row: Number(r.row),
        col: Number(r.col),
        status: r.status as StoredCell['status'],
        ocvV: r.ocv_v === null ? null : Number(r.ocv_v),
        zReOhm: z?.zReOhm ?? null,
        zImOhm: z?.zImOhm ?? null,
      };
    });
    return { test, cells };
  }

  async markBinning(id: string): Promise<void> {
    await this.pool.query(`UPDATE test_data.sheet_tests SET status = 'BINNING' WHERE id = $1 AND status IN ('QUEUED', 'BINNING')`, [id]);
  }

  /** Results and the DONE state in one transaction; returns the bin counts. */
  async complete(test: StoredSheetTest, results: EvaluatedCell[], ruleSetName: string, ruleSetVersion: number): Promise<{ softBin: number; count: number }[]> {
    // Roll coordinates with the geometry library, the same function tracking gives its cells.
    const { layout, mdStartMm } = test;
    const positions = results.map((r) => (layout && mdStartMm !== null ? cellRollPosition(layout, mdStartMm, r.row, r.col) : null));
    const client = await this.pool.connect();
    const finite = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? null : v);
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, features,
                                             soft_bin, hard_bin, bin_name, rule_id, rule_set_name, reason, md_mm, cd_mm)
         SELECT $1, u.row, u.col, $2, $3, u.ocv, u.r0, u.rct, u.asr, u.features, u.soft, u.hard, u.name, u.rule, $4, u.reason, u.md, u.cd
           FROM unnest($5::smallint[], $6::smallint[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::jsonb[],
                       $12::smallint[], $13::smallint[], $14::varchar[], $15::varchar[], $16::text[], $17::float8[], $18::float8[])
                AS u(row, col, ocv, r0, rct, asr, features, soft, hard, name, rule, reason, md, cd)
         ON CONFLICT DO NOTHING`,
        [
          test.id, ruleSetVersion, test.sheet, ruleSetName,
          results.map((r) => r.row),
          results.map((r) => r.col),
          results.map((r) => finite(r.ocvV)),
          results.map((r) => finite(r.features?.rOhmicOhm)),
          results.map((r) => finite(r.features?.rCtOhm)),
          results.map((r) => finite(r.features?.asrOhmCm2)),
          results.map((r) => (r.features ? JSON.stringify(r.features, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) : null)),
          results.map((r) => r.bin.softBin),
          results.map((r) => r.bin.hardBin),
          results.map((r) => r.bin.binName),
          results.map((r) => r.bin.ruleId),
          results.map((r) => r.bin.reason),
          positions.map((p) => p?.mdMm ?? null),
          positions.map((p) => p?.cdMm ?? null),
        ],
      );
      const counts = await client.query(
        `SELECT soft_bin, count(*)::int AS count FROM test_data.cell_results WHERE sheet_test_id = $1 AND rule_set_version = $2 GROUP BY soft_bin ORDER BY soft_bin`,
        [test.id, ruleSetVersion],
      );
      const binned = counts.rows.reduce((s: number, r: { count: number }) => s + r.count, 0);
      await client.query(
        `UPDATE test_data.sheet_tests SET status = 'DONE', cells_binned = $2, rule_set_version = $3, completed_at = coalesce(completed_at, now()), error = NULL WHERE id = $1`,
        [test.id, binned, ruleSetVersion],
      );
      await client.query('COMMIT');
      return counts.rows.map((r: { soft_bin: number; count: number }) => ({ softBin: Number(r.soft_bin), count: r.count }));
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /**
   * The sheet's current bins over all its tests (the newest valid result of each cell; a rig fault
   * counts only while no valid result exists) and how many of its tests are done.
   */
  async sheetStanding(sheet: string): Promise<{ pass: number; fail: number; rigFault: number; testsDone: number }> {
    const r = await this.pool.query(
      `WITH cur AS (
         SELECT DISTINCT ON (r.row, r.col) r.soft_bin
           FROM test_data.cell_results r
           JOIN test_data.sheet_tests t ON t.id = r.sheet_test_id AND r.rule_set_version = t.rule_set_version
          WHERE r.sheet_barcode = $1
          ORDER BY r.row, r.col, (r.soft_bin = 0), t.received_at DESC)
       SELECT count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)::int AS pass,
              count(*) FILTER (WHERE soft_bin >= 10)::int AS fail,
              count(*) FILTER (WHERE soft_bin = 0)::int AS rig_fault,
              (SELECT count(*)::int FROM test_data.sheet_tests WHERE sheet_barcode = $1 AND status = 'DONE') AS tests_done
         FROM cur`,
      [sheet],
    );
    const row = r.rows[0] as { pass: number; fail: number; rig_fault: number; tests_done: number };
    return { pass: row.pass, fail: row.fail, rigFault: row.rig_fault, testsDone: row.tests_done };
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE test_data.sheet_tests SET status = 'FAILED', error = $2 WHERE id = $1 AND status <> 'DONE'`, [id, error.slice(0, 2000)]);
  }
}
