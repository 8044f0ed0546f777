import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { SheetTestStore, migrateTestData, testDataDataSourceOptions, RegionYieldRepository } from '@mes/test-data-store';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { RegionYieldResolver } from './region-yield.resolver';

/**
 * regionYield (asked by the process service): cells whose centre MD lies in [mdStartMm, mdEndMm) of
 * the region's roll, regions summed per label, first-pass and final yield from the same current results.
 */
describe('regionYield', () => {
  let db: TestDatabase;
  let pool: Pool;
  let ds: DataSource;
  let regions: RegionYieldResolver;
  let rigId: string;

  /** One binned test of a 1 x 10 sheet of roll `roll` whose cells sit at MD mdStart + 10 * col, with the soft bins given. */
  async function binned(roll: string, sheet: string, mdStart: number, bins: (number | null)[], second = 0): Promise<void> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, received_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, $5, 1, 10, 0.25, now(), 25, 0, 10, 'DONE', 1, now() + make_interval(secs => $6))`,
      [id, `T-${sheet}-${second}`, rigId, sheet, roll, second],
    );
    const cells = bins.flatMap((b, col) => (b === null ? [] : [{ col, b }]));
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm, received_at)
       SELECT $1, 0, u.col, 1, $2, u.b, 1, 'B' || u.b, 'r', 'rs', $3 + 10 * u.col, 5, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1) FROM unnest($4::int[], $5::int[]) AS u(col, b)`,
      [id, sheet, mdStart, cells.map((c) => c.col), cells.map((c) => c.b)],
    );
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await new SheetTestStore(pool).refreshCurrentResults(client, sheet);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('regionyield');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 2 });
    // pool.end() resolves before the server has closed every connection; the drop at teardown (WITH FORCE) may end one first.
    pool.on('error', () => undefined);
    ds = new DataSource({ ...testDataDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    regions = new RegionYieldResolver(new RegionYieldRepository(ds));
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG Y', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
    // Roll R-A: cells at MD 1000..1090 (sheet 1) and 2000..2090 (sheet 2); R-B has the same MD range with other bins.
    await binned('R-A', 'S-A-1', 1000, [1, 1, 2, 14, 0, 1, 3, 16, 1, 1]);
    await binned('R-A', 'S-A-2', 2000, [1, 14, 14, 1, 1, null, null, 1, 1, 0]);
    await binned('R-B', 'S-B-1', 1000, [14, 14, 14, 14, 14, 14, 14, 14, 14, 14]);
    // A retest of S-A-1: the rig fault (col 4) passes now, the grade-3 cell (col 6) retests as 1 but keeps grade 3.
    await binned('R-A', 'S-A-1', 1000, [null, null, null, null, 2, null, 1, null, null, null], 1);
  });
  afterAll(async () => {
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  it('counts the cells whose centre lies in [start, end) of the region’s roll, summed over a label’s regions', async () => {
    const answer = await regions.regionYield([
      { label: 'LiPON-A', rollBarcode: 'R-A', mdStartMm: 1000, mdEndMm: 1050 }, // cols 0..4 of S-A-1: 1, 1, 2, 14, 0 -> retest 2
      { label: 'LiPON-A', rollBarcode: 'R-A', mdStartMm: 2000, mdEndMm: 2030 }, // cols 0..2 of S-A-2: 1, 14, 14
      { label: 'LiPON-B', rollBarcode: 'R-A', mdStartMm: 1050, mdEndMm: 1100 }, // cols 5..9 of S-A-1: 1, 3 (retest 1), 16, 1, 1
      { label: 'other roll', rollBarcode: 'R-B', mdStartMm: 1000, mdEndMm: 1100 },
      { label: 'untested', rollBarcode: 'R-A', mdStartMm: 5000, mdEndMm: 6000 },
    ]);
    expect(answer).toEqual([
      { label: 'LiPON-A', cellsTested: 8, cellsPassed: 5, firstPassYield: 4 / 8, finalYield: 5 / 8 },
      { label: 'LiPON-B', cellsTested: 5, cellsPassed: 4, firstPassYield: 4 / 5, finalYield: 4 / 5 },
      { label: 'other roll', cellsTested: 10, cellsPassed: 0, firstPassYield: 0, finalYield: 0 },
      { label: 'untested', cellsTested: 0, cellsPassed: 0, firstPassYield: null, finalYield: null },
    ]);
  });

  it('includes a cell centred on the region’s start and excludes one centred on its end', async () => {
    const [edge] = await regions.regionYield([{ label: 'edge', rollBarcode: 'R-A', mdStartMm: 1010, mdEndMm: 1030 }]);
    expect(edge.cellsTested).toBe(2); // MD 1010 and 1020, not 1030
  });

  it('refuses an empty or reversed region with where and what was expected', async () => {
    await expect(regions.regionYield([{ label: 'x', rollBarcode: 'R-A', mdStartMm: 10, mdEndMm: 10 }])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'regions[0]: expected mdStartMm < mdEndMm, got [10, 10)',
      details: [{ path: 'regions[0].mdEndMm', message: 'expected mdStartMm < mdEndMm' }],
    });
  });
});
