import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { SheetTestStore, migrateTestData, testDataDataSourceOptions, CellResultsRepository, ResultsRepository } from '@mes/test-data-store';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import type { TrackingClient } from '@mes/tracking-client';
import { CellMetric } from './results.model';
import { ResultsService } from './results.service';

const LAYOUT = {
  rows: 50,
  cols: 50,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 5.5,
  firstCellMdMm: 15.25,
  firstCellCdMm: 15.25,
  sheetLengthMdMm: 300,
};
const ROLL = 'R-MAP';
const SHEETS = 6;

/**
 * Roll maps from the aggregates the worker keeps equal the plain aggregate over the roll's current cell
 * results, at the default steps, at whole multiples of them, and (by falling back) at any other steps;
 * also after a retest changed some cells' current results.
 */
describe('rollMap from the roll map rows', () => {
  let db: TestDatabase;
  let pool: Pool;
  let ds: DataSource;
  let results: ResultsService;
  let store: SheetTestStore;
  let rigId: string;

  /** A binned test of a whole sheet (or of the cells `where` picks), values made up per cell, generated in SQL. */
  async function binnedTest(sheetNo: number, testNo: number, where = 'true'): Promise<void> {
    const id = randomUUID();
    const sheet = `S-MAP-${sheetNo}`;
    const mdStart = 1000 + sheetNo * 310;
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, md_start_mm, layout, received_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, $5, 50, 50, 0.25, now(), 25, 0, 2500, 'DONE', 1, $6, $7, now() + make_interval(secs => $8))`,
      [id, `T-${sheetNo}-${testNo}`, rigId, sheet, ROLL, mdStart, JSON.stringify(LAYOUT), sheetNo * 10 + testNo],
    );
    // soft bin: 0 (rig fault, no values) on a sprinkle of cells at the first test, grades 1-3, fails 14.
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                           soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm, received_at)
       SELECT $1, g.row, g.col, 1, $2, CASE WHEN g.bin = 0 THEN NULL ELSE 3.9 + ((g.row * 7 + g.col * 13 + $3 * 5 + $4) % 17) / 1000.0 END,
              CASE WHEN g.bin = 0 THEN NULL ELSE 1 + ((g.row * 3 + g.col + $4) % 11) / 10.0 END,
              CASE WHEN g.bin = 0 OR (g.row + g.col) % 19 = 0 THEN NULL ELSE 20 + ((g.row + g.col * 5 + $4) % 23) END,
              CASE WHEN g.bin = 0 THEN NULL ELSE 5 + ((g.row * 11 + g.col) % 7) / 3.0 END,
              g.bin, CASE WHEN g.bin = 0 THEN 0 WHEN g.bin < 10 THEN 1 ELSE 2 END, 'B' || g.bin, 'r', 'rs',
              $5 + 15.25 + g.row * 5.5, 15.25 + g.col * 5.5, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)
         FROM (SELECT r AS row, c AS col,
                      CASE WHEN $4 = 1 AND (r * 50 + c + $3) % 41 = 0 THEN 0 WHEN (r + c + $4) % 29 = 0 THEN 14 ELSE 1 + (r + c * 2 + $4) % 3 END AS bin
                 FROM generate_series(0, 49) r, generate_series(0, 49) c) g
        WHERE ${where}`,
      [id, sheet, sheetNo, testNo, mdStart],
    );
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await store.refreshCurrentResults(client, sheet);
      await store.refreshMapTiles(client, sheet, ROLL);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  /** The plain SQL aggregate over the roll's current cell rows, as a map. */
  async function plainAggregate(column: string, md: number, cd: number, mdBins: number, cdBins: number) {
    const rows = await pool.query(
      `SELECT floor(md_mm / $2::float8)::int AS mb, floor(cd_mm / $3::float8)::int AS cb, avg(${column}) AS mean, count(${column})::int AS n
         FROM test_data.current_cell_results WHERE roll_barcode = $1 AND md_mm IS NOT NULL GROUP BY 1, 2`,
      [ROLL, md, cd],
    );
    const values = new Array<number | null>(mdBins * cdBins).fill(null);
    const counts = new Array<number>(mdBins * cdBins).fill(0);
    for (const r of rows.rows as { mb: number; cb: number; mean: number; n: number }[]) {
      if (r.mb >= mdBins || r.cb >= cdBins || r.n === 0) continue;
      values[r.mb * cdBins + r.cb] = r.mean;
      counts[r.mb * cdBins + r.cb] = r.n;
    }
    return { values, counts };
  }

  const COLUMNS: Record<CellMetric, string> = {
    OCV_V: 'ocv_v',
    R_OHMIC_OHM: 'r_ohmic_ohm',
    R_CT_OHM: 'r_ct_ohm',
    ASR_OHM_CM2: 'asr_ohm_cm2',
    SOFT_BIN: 'soft_bin',
  };
  const STEPS: [number | undefined, number | undefined][] = [
    [undefined, undefined], // the defaults: the tiles themselves
    [600, 11], // whole multiples: summed tiles
    [900, 16.5],
    [50, 50], // neither: the plain aggregate
    [150, 5.5],
    [300, 20],
  ];

  async function expectMapsEqualPlainAggregate(): Promise<void> {
    for (const metric of Object.values(CellMetric)) {
      for (const [mdStep, cdStep] of STEPS) {
        const map = await results.rollMap(ROLL, metric, mdStep, cdStep);
        const plain = await plainAggregate(COLUMNS[metric], map.mdStepMm, map.cdStepMm, map.mdBins, map.cdBins);
        const label = `${metric} ${mdStep ?? 'default'} x ${cdStep ?? 'default'}`;
        expect({ label, counts: map.counts }).toEqual({ label, counts: plain.counts });
        map.values.forEach((v, i) => {
          const p = plain.values[i];
          if (p === null || v === null) expect({ label, i, v }).toEqual({ label, i, v: p });
          else expect(Math.abs(v - p)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(p)));
        });
      }
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('rollmap');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 4 });
    // pool.end() resolves before the server has closed every connection; the drop at teardown (WITH FORCE) may end one first.
    pool.on('error', () => undefined);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    const tracking = {
      roll: async (b: string) => (b === ROLL ? { barcode: ROLL, lengthMm: 3500, widthMm: 300 } : null),
    } as unknown as TrackingClient;
    results = new ResultsService(new ResultsRepository(ds), tracking, new CellResultsRepository(ds));
    store = new SheetTestStore(pool);
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG M', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
    for (let s = 0; s < SHEETS; s++) await binnedTest(s, 1);
  });
  afterAll(async () => {
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  it('equals the plain aggregate over the cell rows for every metric, at default, multiple and other steps', async () => {
    const map = await results.rollMap(ROLL, CellMetric.OCV_V);
    expect([map.mdStepMm, map.cdStepMm, map.mdBins, map.cdBins]).toEqual([300, 5.5, 12, 55]);
    expect(map.counts.reduce((a, b) => a + b, 0)).toBe(
      Number((await pool.query(`SELECT count(ocv_v) AS n FROM test_data.current_cell_results`)).rows[0].n),
    );
    await expectMapsEqualPlainAggregate();
  });

  it('still does after a retest supersedes rig faults and lowers grades on one sheet', async () => {
    const before = await results.rollMap(ROLL, CellMetric.SOFT_BIN);
    await binnedTest(2, 2, '(g.row + g.col) % 3 = 0'); // a third of sheet 2 again: rig faults become valid, grades move
    const changed = Number(
      (
        await pool.query(
          `SELECT count(*) AS n FROM test_data.current_cell_results WHERE sheet_barcode = 'S-MAP-2' AND tests = 2 AND first_soft_bin <> soft_bin`,
        )
      ).rows[0].n,
    );
    expect(changed).toBeGreaterThan(0);
    const after = await results.rollMap(ROLL, CellMetric.SOFT_BIN);
    expect(after.values).not.toEqual(before.values);
    await expectMapsEqualPlainAggregate();
  });

  it('sums roll yield and bin Paretos from the per-sheet aggregates as the plain aggregate over the cell rows would', async () => {
    const plainYield = (
      await pool.query(
        `SELECT count(DISTINCT sheet_barcode)::int AS sheets, count(*)::int AS cells, count(*) FILTER (WHERE first_soft_bin BETWEEN 1 AND 9)::int AS first,
                count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)::int AS final FROM test_data.current_cell_results WHERE roll_barcode = $1`,
        [ROLL],
      )
    ).rows[0] as { sheets: number; cells: number; first: number; final: number };
    expect(plainYield.first).not.toBe(plainYield.final); // the retest of sheet 2 moved some cells
    expect(await results.rollYield(ROLL)).toEqual({
      roll: ROLL,
      sheetsTested: plainYield.sheets,
      cellsTested: plainYield.cells,
      firstPassYield: plainYield.first / plainYield.cells,
      finalYield: plainYield.final / plainYield.cells,
    });
    for (const scope of [{ roll: ROLL }, { sheet: 'S-MAP-2' }]) {
      const plain = await pool.query(
        `SELECT soft_bin AS "softBin", hard_bin AS "hardBin", bin_name AS "binName", count(*)::int AS count FROM test_data.current_cell_results
          WHERE ($1::text IS NOT NULL AND sheet_barcode = $1) OR ($2::text IS NOT NULL AND roll_barcode = $2)
          GROUP BY soft_bin, hard_bin, bin_name ORDER BY count DESC, soft_bin`,
        [scope.sheet ?? null, scope.roll ?? null],
      );
      expect(await results.binPareto(scope)).toEqual(plain.rows);
    }
    expect(await results.rollYield('R-UNTESTED')).toEqual({
      roll: 'R-UNTESTED',
      sheetsTested: 0,
      cellsTested: 0,
      firstPassYield: null,
      finalYield: null,
    });
  });

  it('serves the default map from the roll’s map rows, not the cell rows', async () => {
    // A current row changed behind the worker's back (no new map rows, no new version) shows in the plain aggregate only.
    await pool.query(`UPDATE test_data.current_cell_results SET ocv_v = 5 WHERE sheet_barcode = 'S-MAP-0' AND row = 0 AND col = 0`);
    const tiles = await results.rollMap(ROLL, CellMetric.OCV_V);
    const plain = await plainAggregate('ocv_v', 300, 5.5, tiles.mdBins, tiles.cdBins);
    const bin = Math.floor((1000 + 15.25) / 300) * 55 + Math.floor(15.25 / 5.5);
    expect(tiles.values[bin]).not.toBeCloseTo(plain.values[bin] as number, 6);
  });

  it('answers an unknown roll and a bad step with clear errors', async () => {
    await expect(results.rollMap('R-NOPE', CellMetric.OCV_V)).rejects.toThrow('Unknown roll R-NOPE');
    await expect(results.rollMap(ROLL, CellMetric.OCV_V, -1)).rejects.toThrow('mdStepMm must be a positive number of millimetres, got -1');
    await expect(results.rollMap(ROLL, CellMetric.OCV_V, 300, 0.001)).rejects.toThrow(/bins is too fine a map/);
  });
});
