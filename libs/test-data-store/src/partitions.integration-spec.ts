import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { TEST_DATA_MIGRATIONS } from './migrations';
import { MonthPartitions1796220000000 } from './migrations/1796220000000-month-partitions';
import {
  addMonths,
  archiveMonthsBefore,
  attachMonth,
  ensurePartitions,
  ensurePartitionsAhead,
  isMissingPartition,
  listPartitions,
  monthOf,
} from './partitions';
import { SheetTestStore } from './sheet-test.store';
import { testDataDataSourceOptions } from './test-data-data-source';

/** Month partitions of raw cells, features and results: the conversion, the queries, archive and attach. */
describe('test_data month partitions', () => {
  let db: TestDatabase;
  let pool: Pool;
  let rigId: string;
  const now = new Date();
  const thisMonth = monthOf(now);
  const old = addMonths(thisMonth, -2);
  const oldAt = `${old}-15T12:00:00.123456Z`;

  const migrate = async (migrations: typeof TEST_DATA_MIGRATIONS) => {
    const ds = new DataSource({ ...testDataDataSourceOptions(db.url), migrations, logging: false });
    await ds.initialize();
    try {
      await ds.query('CREATE SCHEMA IF NOT EXISTS test_data');
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  };

  /** A DONE test of 2 x 3 cells with raw cells, features and results (written as before partitioning when `legacy`). */
  const storeTest = async (sheet: string, receivedAt: string, legacy: boolean, status = 'DONE') => {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, rule_set_version, received_at)
       VALUES ($1, $2, repeat('0', 64), $3, $4, 'R-P', 2, 3, 0.25, now(), 25, 0, 6, $6, 1, $5)`,
      [id, `T-${id}`, rigId, sheet, receivedAt, status],
    );
    const key = legacy ? '' : ', received_at';
    const value = legacy ? '' : ', (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)';
    await pool.query(
      `INSERT INTO test_data.sheet_test_cells (sheet_test_id, row, col, status, ocv_v${key}) SELECT $1, r, c, 'OK', 3.9${value} FROM generate_series(0, 1) r, generate_series(0, 2) c`,
      [id],
    );
    await pool.query(
      `INSERT INTO test_data.cell_features (sheet_test_id, row, col, status, ocv_v, features${key})
       SELECT $1, r, c, 'OK', 3.9, '{"rOhmicOhm": 1}'${value} FROM generate_series(0, 1) r, generate_series(0, 2) c`,
      [id],
    );
    await pool.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, soft_bin, hard_bin, bin_name, rule_id, rule_set_name${key})
       SELECT $1, r, c, 1, $2, 3.9, 1, 1, 'PASS_A', 'r', 'rs'${value} FROM generate_series(0, 1) r, generate_series(0, 2) c`,
      [id, sheet],
    );
    return id;
  };

  const partitionsOf = async (table: string, id: string) =>
    (await pool.query(`SELECT DISTINCT tableoid::regclass::text AS p FROM test_data.${table} WHERE sheet_test_id = $1`, [id])).rows.map(
      (r: { p: string }) => r.p,
    );

  const refresh = async (sheet: string) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await new SheetTestStore(pool).refreshCurrentResults(client, sheet);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  };

  let oldTest: string;
  let newTest: string;

  beforeAll(async () => {
    db = await createTestDatabase('partitions');
    pool = new Pool({ connectionString: db.url, max: 4 });
    // The schema as it was before partitioning, with data in it (the migrations before the partitioning one).
    await migrate(TEST_DATA_MIGRATIONS.slice(0, TEST_DATA_MIGRATIONS.indexOf(MonthPartitions1796220000000)));
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG P', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
    oldTest = await storeTest('S-OLD', oldAt, true);
    newTest = await storeTest('S-NEW', now.toISOString(), true);
    await migrate(TEST_DATA_MIGRATIONS);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('converts the stored rows into the partitions of their tests months, none lost', async () => {
    for (const table of ['sheet_test_cells', 'cell_features', 'cell_results']) {
      expect(await partitionsOf(table, oldTest)).toEqual([`test_data.${table}_p${old.replace('-', '_')}`]);
      expect(await partitionsOf(table, newTest)).toEqual([`test_data.${table}_p${thisMonth.replace('-', '_')}`]);
      const n = await pool.query(`SELECT count(*)::int AS n FROM test_data.${table}`);
      expect(n.rows[0].n).toBe(12);
    }
    // the microseconds of a received_at stored before survive: the join on it still finds the rows
    await refresh('S-OLD');
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM test_data.current_cell_results WHERE sheet_barcode = 'S-OLD'`)).rows[0].n,
    ).toBe(6);
    // months from the oldest test to three ahead of now exist
    expect((await listPartitions(pool)).map((m) => m.month)).toEqual([
      old,
      addMonths(old, 1),
      thisMonth,
      ...[1, 2, 3].map((k) => addMonths(thisMonth, k)),
    ]);
  });

  it("reads one test's rows from its month's partition only", async () => {
    const plan = (
      await pool.query(
        `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
         SELECT row, col, status, ocv_v, features FROM test_data.cell_features
          WHERE sheet_test_id = $1 AND received_at = (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)`,
        [oldTest],
      )
    ).rows.map((r: Record<string, string>) => r['QUERY PLAN']);
    const scanned = plan.filter((l) => /on cell_features_p\d{4}_\d{2}/.test(l) && !/never executed/.test(l));
    expect(scanned).toHaveLength(1);
    expect(scanned[0]).toContain(`cell_features_p${old.replace('-', '_')}`);
  });

  it('makes months ahead once, and says when a row finds no month', async () => {
    const far = addMonths(thisMonth, 8);
    const refused = await pool
      .query(`INSERT INTO test_data.cell_features (sheet_test_id, row, col, status, received_at) VALUES ($1, 0, 0, 'OK', $2)`, [
        randomUUID(),
        `${far}-02T00:00:00Z`,
      ])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isMissingPartition(refused)).toBe(true);
    expect(isMissingPartition(new Error('no partition of relation, but no SQLSTATE'))).toBe(false);
    expect(await ensurePartitionsAhead(pool, now, 8)).toEqual([4, 5, 6, 7, 8].map((k) => addMonths(thisMonth, k)));
    expect(await ensurePartitionsAhead(pool, now, 8)).toEqual([]);
    await pool.query(`INSERT INTO test_data.cell_features (sheet_test_id, row, col, status, received_at) VALUES ($1, 0, 0, 'OK', $2)`, [
      randomUUID(),
      `${far}-02T00:00:00Z`,
    ]);
    await pool.query(`DELETE FROM test_data.cell_features WHERE received_at >= $1`, [`${far}-01T00:00:00Z`]);
  });

  it('archives only past months whose tests are all DONE, and keeps every row for attaching again', async () => {
    await expect(archiveMonthsBefore(pool, addMonths(thisMonth, 1), now)).rejects.toThrow(/current month .* is still being written/);
    await expect(archiveMonthsBefore(pool, 'last month', now)).rejects.toThrow(/expected YYYY-MM/);
    const open = await storeTest('S-OPEN', `${old}-20T08:00:00Z`, false, 'BINNING');
    await expect(archiveMonthsBefore(pool, thisMonth, now)).rejects.toThrow(`cannot archive ${old}: 1 of its sheet tests are not DONE yet`);
    await pool.query(`UPDATE test_data.sheet_tests SET status = 'DONE' WHERE id = $1`, [open]);

    expect(await archiveMonthsBefore(pool, thisMonth, now)).toEqual([old, addMonths(old, 1)]);
    expect((await listPartitions(pool)).filter((m) => m.state === 'ARCHIVED').map((m) => m.month)).toEqual([old, addMonths(old, 1)]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM test_data.cell_results WHERE sheet_test_id = $1`, [oldTest])).rows[0].n).toBe(
      0,
    );
    expect((await pool.query(`SELECT count(*)::int AS n FROM test_data_archive.cell_results_p${old.replace('-', '_')}`)).rows[0].n).toBe(
      12,
    );
    // the live month is untouched; the archived sheet's current results stay, but are not rebuilt without its tests
    expect((await pool.query(`SELECT count(*)::int AS n FROM test_data.cell_results WHERE sheet_test_id = $1`, [newTest])).rows[0].n).toBe(
      6,
    );
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM test_data.current_cell_results WHERE sheet_barcode = 'S-OLD'`)).rows[0].n,
    ).toBe(6);
    await expect(refresh('S-OLD')).rejects.toThrow(
      `sheet S-OLD has tests in archived month(s) ${old}: attach them first (npm run partitions -- attach ${old})`,
    );
    // a month archived is not made again by the partition job
    expect(await ensurePartitions(pool, old, thisMonth)).toEqual([]);

    await expect(attachMonth(pool, thisMonth)).rejects.toThrow(`month ${thisMonth} is attached already`);
    await expect(attachMonth(pool, '1999-01')).rejects.toThrow('month 1999-01 has no partitions');
    await attachMonth(pool, old);
    for (const table of ['sheet_test_cells', 'cell_features', 'cell_results']) {
      expect(await partitionsOf(table, oldTest)).toEqual([`test_data.${table}_p${old.replace('-', '_')}`]);
    }
    await refresh('S-OLD');
    expect((await listPartitions(pool)).find((m) => m.month === old)).toMatchObject({ state: 'ATTACHED', units: 2 });
  });
});
