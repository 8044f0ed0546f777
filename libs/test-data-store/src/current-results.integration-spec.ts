import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { inTransaction } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { SheetTestStore } from './sheet-test.store';
import { migrateTestData } from './test-data-data-source';

/**
 * A sheet's current results, yield and bin counts: a sheet with one DONE test has them copied inside
 * the database, which must give exactly what the retest fold (read out, currentResult, written back) gives.
 */
describe('current results of a sheet', () => {
  let db: TestDatabase;
  let pool: Pool;
  let rigId: string;
  const store = () => new SheetTestStore(pool);

  /** A DONE test of 4 x 5 cells; every cell's bin, metrics and position vary, some are null, and one cell is missing. */
  const storeTest = async (sheet: string, seed: number, status = 'DONE') => {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, received_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, 'R-CUR', 4, 5, 0.25, now(), 25, 0, 20, $5, 1, now() + make_interval(secs => $6))`,
      [id, `T-${id}`, rigId, sheet, status, seed],
    );
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                          soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm, received_at)
       SELECT $1, r, c, 1, $2, CASE WHEN (r + c + $3) % 7 = 0 THEN NULL ELSE 3.9 + (r * 5 + c + $3) / 100.0 END,
              (r + $3) % 4 * 0.5, CASE WHEN c = 2 THEN NULL ELSE 100 + r + c END, 40 + ((r * 5 + c) * $3) % 9,
              b.soft, CASE WHEN b.soft BETWEEN 1 AND 9 THEN 1 WHEN b.soft = 0 THEN 0 ELSE 2 END, 'B' || b.soft, 'r', 'rs',
              CASE WHEN r = 3 THEN NULL ELSE 1000 + 11 * r END, 10 + 11 * c, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)
         FROM generate_series(0, 3) r, generate_series(0, 4) c,
              LATERAL (SELECT (ARRAY[1, 2, 3, 0, 12, 14, 1, 1])[1 + (r * 5 + c + $3) % 8] AS soft) b
        WHERE NOT (r = 2 AND c = 4)`,
      [id, sheet, seed],
    );
    return id;
  };

  const refresh = (sheet: string, options?: { fold?: 'auto' | 'always' }) =>
    inTransaction(pool, (client) => store().refreshCurrentResults(client, sheet, options));

  /** The three tables a refresh writes, for one sheet, in a fixed order. */
  const snapshot = async (sheet: string) => ({
    current: (
      await pool.query(
        `SELECT row, col, roll_barcode, sheet_test_id, rule_set_version, tests, first_soft_bin, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                soft_bin, hard_bin, bin_name, md_mm, cd_mm
           FROM test_data.current_cell_results WHERE sheet_barcode = $1 ORDER BY row, col`,
        [sheet],
      )
    ).rows,
    yields: (await pool.query(`SELECT * FROM test_data.sheet_yields WHERE sheet_barcode = $1`, [sheet])).rows,
    bins: (await pool.query(`SELECT * FROM test_data.sheet_bin_counts WHERE sheet_barcode = $1 ORDER BY soft_bin`, [sheet])).rows,
  });

  beforeAll(async () => {
    db = await createTestDatabase('current_results');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG C', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('copies a first test inside the database with the same rows, yield and bin counts as the fold', async () => {
    await storeTest('S-CUR-1', 3);
    await storeTest('S-CUR-1', 5, 'BINNING'); // not DONE: counts for neither path
    await refresh('S-CUR-1');
    const copied = await snapshot('S-CUR-1');
    await refresh('S-CUR-1', { fold: 'always' });
    const folded = await snapshot('S-CUR-1');
    expect(copied.current).toHaveLength(19);
    expect(copied.bins.length).toBeGreaterThan(3);
    expect(copied).toEqual(folded);
  });

  it('folds a retested sheet: the current result of each cell over its tests', async () => {
    await storeTest('S-CUR-2', 1);
    await storeTest('S-CUR-2', 2);
    await refresh('S-CUR-2');
    const { current, yields } = await snapshot('S-CUR-2');
    expect(current.every((r: { tests: number }) => r.tests === 2)).toBe(true);
    expect(yields).toEqual([expect.objectContaining({ cells_tested: 19 })]);
  });

  it('leaves nothing for a sheet without a DONE test', async () => {
    await storeTest('S-CUR-3', 4, 'FAILED');
    await refresh('S-CUR-3');
    expect(await snapshot('S-CUR-3')).toEqual({ current: [], yields: [], bins: [] });
  });
});
