import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { FAIL, PASS, UNKNOWN } from '@mes/analytics';
import { inTransaction } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { MAP_METRICS, type MapMetric } from '../metric-columns';
import { SheetTestStore } from '../sheet-test.store';
import { createTestDataDataSource, migrateTestData } from '../test-data-data-source';
import { SheetMapsRepository, type LoadedSheetMap } from './sheet-maps.repository';

/**
 * The maps are read packed (one bytea a sheet, see packedCells): they must be exactly the maps of the
 * current results read row by row, for every metric, with nulls, NaN, rig faults, missing cells and
 * rows without an MD.
 */
describe('sheet maps read packed', () => {
  let db: TestDatabase;
  let pool: Pool;
  let ds: DataSource;
  let rigId: string;
  const ROWS = 6;
  const COLS = 7;

  /** A DONE test of 6 x 7 cells with its current results: bins 0 to 14, null and NaN metrics, one cell missing, row 4 without MD. */
  const land = async (sheet: string, roll: string, seed: number, mdStart: number | null) => {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, product_code, rows, cols, cell_area_cm2,
         started_at, temperature_c, frequency_count, cell_count, status, rule_set_version, received_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, $5, 'TFB-0505', $6, $7, 0.25, now(), 25, 0, $8, 'DONE', 1, now())`,
      [id, `T-${id}`, rigId, sheet, roll, ROWS, COLS, ROWS * COLS],
    );
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                          soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm, received_at)
       SELECT $1, r, c, 1, $2,
              CASE WHEN (r + c + $3) % 5 = 0 THEN NULL ELSE 3.9 + (r * 7 + c + $3) / 1000.0 END,
              CASE WHEN (r * c + $3) % 6 = 0 THEN 'NaN'::float8 ELSE (r + $3) % 4 * 0.5 + 1e-9 * c END,
              CASE WHEN c = 2 THEN NULL ELSE 100 + r + c / 3.0 END,
              40 + ((r * 7 + c) * $3) % 9 + 1 / 7.0,
              b.soft, CASE WHEN b.soft BETWEEN 1 AND 9 THEN 1 WHEN b.soft = 0 THEN 0 ELSE 2 END, 'B' || b.soft, 'r', 'rs',
              CASE WHEN r = 4 OR $4::float8 IS NULL THEN NULL ELSE $4::float8 + 5.5 * r + 0.25 END, 10 + 5.5 * c,
              (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)
         FROM generate_series(0, ${ROWS - 1}) r, generate_series(0, ${COLS - 1}) c,
              LATERAL (SELECT (ARRAY[1, 2, 3, 0, 12, 14, 1, 9, 10])[1 + (r * 7 + c + $3) % 9] AS soft) b
        WHERE NOT (r = 3 AND c = 5)`,
      [id, sheet, seed, mdStart],
    );
    await inTransaction(pool, (client) => new SheetTestStore(pool).refreshCurrentResults(client, sheet));
    return id;
  };

  /** The map as the rows say it: what the packed read must give. */
  const fromRows = async (sheet: string, metric: MapMetric) => {
    const { rows } = await pool.query<{ row: number; col: number; soft_bin: number; metric: number | null; md_mm: number | null }>(
      `SELECT row, col, soft_bin, ${MAP_METRICS[metric]} AS metric, md_mm FROM test_data.current_cell_results WHERE sheet_barcode = $1`,
      [sheet],
    );
    const fail = new Int8Array(ROWS * COLS).fill(UNKNOWN);
    const values = new Float64Array(ROWS * COLS).fill(NaN);
    for (const r of rows) {
      const i = r.row * COLS + r.col;
      fail[i] = r.soft_bin === 0 ? UNKNOWN : r.soft_bin <= 9 ? PASS : FAIL;
      values[i] = r.metric === null ? NaN : Number(r.metric);
    }
    return { fail, values, cells: rows.length };
  };

  const expectSameAsRows = async (map: LoadedSheetMap | null | undefined, sheet: string, metric: MapMetric) => {
    const want = await fromRows(sheet, metric);
    expect(map).toBeTruthy();
    expect(want.cells).toBe(ROWS * COLS - 1);
    expect(Array.from(map!.fail)).toEqual(Array.from(want.fail));
    // toEqual treats NaN as equal to NaN, and compares the float8 values exactly
    expect(Array.from(map!.metric)).toEqual(Array.from(want.values));
  };

  beforeAll(async () => {
    db = await createTestDatabase('sheet_maps');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    ds = await createTestDataDataSource(db.url).initialize();
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG M', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
    await land('S-MAP-2', 'R-MAP', 5, 400);
    await land('S-MAP-1', 'R-MAP', 3, 0);
    await land('S-MAP-3', 'R-MAP', 8, null);
    await land('S-OTHER-1', 'R-OTHER', 2, 0);
  });
  afterAll(async () => {
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  it('gives a sheet the map of its rows for every metric, with its roll position', async () => {
    const maps = new SheetMapsRepository(ds);
    for (const metric of Object.keys(MAP_METRICS) as MapMetric[]) {
      await expectSameAsRows(await maps.sheet('S-MAP-1', metric), 'S-MAP-1', metric);
    }
    const m = (await maps.sheet('S-MAP-2'))!;
    expect(m).toMatchObject({ sheet: 'S-MAP-2', roll: 'R-MAP', productCode: 'TFB-0505', rows: ROWS, cols: COLS, pitchMdMm: 5.5 });
    // row 0's cells sit at 400.25 mm, 5.5 mm apart; the sheet spans half a pitch either side
    expect(m.firstRowMdMm).toBeCloseTo(400.25, 9);
    expect(m.mdFromMm).toBeCloseTo(397.5, 9);
    expect(m.mdToMm).toBeCloseTo(400.25 + 5.5 * (ROWS - 0.5), 9);
    // no MD at all: no roll position
    expect((await maps.sheet('S-MAP-3'))!.mdFromMm).toBeNull();
  });

  it('gives a roll its sheets in MD order, those without MD last, each the map of its rows', async () => {
    const maps = await new SheetMapsRepository(ds).rollSheets('R-MAP', 'R_OHMIC');
    expect(maps.map((m) => m.sheet)).toEqual(['S-MAP-1', 'S-MAP-2', 'S-MAP-3']);
    for (const m of maps) await expectSameAsRows(m, m.sheet, 'R_OHMIC');
  });

  it('finds nothing for a sheet or roll with no DONE test', async () => {
    const maps = new SheetMapsRepository(ds);
    expect(await maps.sheet('S-NONE')).toBeNull();
    expect(await maps.rollSheets('R-NONE')).toEqual([]);
  });
});
