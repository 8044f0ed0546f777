import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  addMonths,
  listMonthPartitions,
  monthOf,
  partitionsRefusal,
  runPartitionsCommand,
  type MonthPartitionSet,
} from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { PROCESS_MIGRATIONS } from '../database/migrations';
import { processDataSourceOptions } from '../database/process-data-source';
import { TRACE_ROWS_SQL, TRACE_SUMMARIES_SQL } from '../provenance/provenance.repository';
import { TRACE_PARTITIONS } from './trace-partitions';
import { EARLIER_BATCH_SQL } from './trace.repository';

const ROOT = path.resolve(__dirname, '../../../..');

/** `npm run partitions -- ...` on the test database, as an operator runs it (a process of its own, 4 s or more). */
function partitionsProcess(url: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['tools/run-ts.mjs', 'tools/partitions.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'error' },
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** test_data's partitioned tables as the command knows them (this database holds the process schema only). */
const TEST_DATA_SET: MonthPartitionSet = { ...TRACE_PARTITIONS, schema: 'test_data', tables: ['sheet_test_cells'] };

/** The same command in this process: what it prints, and exit status 1 with the message it would print on a refusal. */
async function partitionsCommand(url: string, ...args: string[]): Promise<{ status: number; out: string }> {
  const lines: string[] = [];
  try {
    await runPartitionsCommand(args, url, [TEST_DATA_SET, TRACE_PARTITIONS], (line) => lines.push(line));
    return { status: 0, out: lines.join('\n') };
  } catch (e) {
    const refusal = partitionsRefusal(e);
    if (refusal === undefined) throw e;
    return { status: 1, out: [...lines, refusal].join('\n') };
  }
}

/** Trace batches and channels by the month of their run's start: the conversion, the queries, archive and attach. */
describe('process trace month partitions', () => {
  let db: TestDatabase;
  let pool: Pool;
  const now = new Date();
  const thisMonth = monthOf(now);
  const old = addMonths(thisMonth, -2);
  const p = (table: string, month: string) => `process.${table}_p${month.replace('-', '_')}`;
  // A run that started in the last hour of a month (microseconds and all) and went on into the next.
  const oldRun = randomUUID();
  const oldStart = `${old}-28T23:59:59.123456Z`;
  const newRun = randomUUID();

  const migrate = async (migrations: typeof PROCESS_MIGRATIONS) => {
    const ds = new DataSource({ ...processDataSourceOptions(db.url), migrations, logging: false });
    await ds.initialize();
    try {
      await ds.query('CREATE SCHEMA IF NOT EXISTS process');
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  };

  const run = (id: string, roll: string, startedAt: string) =>
    pool.query(
      `INSERT INTO process.process_runs (id, roll_barcode, product_code, operation, station_code, equipment_code, recipe_id, md_start_mm, md_end_mm,
         md_mode, state, started_by, started_at)
       VALUES ($1, $2, 'TFB-0505', 'LCO_DEPOSITION', 'LCO-1', 'SPT-1', 1, 0, 1000, 'WEB', 'RUNNING', 'test', $3)`,
      [id, roll, startedAt],
    );
  /** A batch of two channels over MD [md, md + 100), written as the ingest wrote it before partitioning. */
  const legacyBatch = async (runId: string, batchId: string, md: number) => {
    await pool.query(
      `INSERT INTO process.trace_batches (run_id, batch_id, content_hash, samples, first_at, last_at, t0_ms, md0_mm, md_min_mm, md_max_mm, t_s, md_mm)
       VALUES ($1, $2, repeat('0', 64), 2, now(), now(), 0, $3::float8, $3::float8, $3::float8 + 100, '\\x'::bytea, '\\x'::bytea)`,
      [runId, batchId, md],
    );
    await pool.query(
      `INSERT INTO process.trace_channels (run_id, batch_id, channel, unit, zone_offset_mm, values, min, max, mean)
       SELECT $1, $2, ch, 'W', 0, '\\x'::bytea, 1, 3, 2 FROM unnest(ARRAY['power', 'qcm_rate']) ch`,
      [runId, batchId],
    );
  };
  const partitionsOf = async (table: string, runId: string) =>
    (await pool.query(`SELECT DISTINCT tableoid::regclass::text AS p FROM process.${table} WHERE run_id = $1`, [runId])).rows.map(
      (r: { p: string }) => r.p,
    );
  const startsOf = async (runId: string) =>
    (await pool.query(`SELECT started_at::text AS s FROM process.process_runs WHERE id = $1`, [runId])).rows.map((r: { s: string }) => r.s);
  /** The partitions of trace_batches and trace_channels a statement read (EXPLAIN ANALYZE, never-executed ones left out). */
  const scanned = async (sql: string, params: unknown[]) => {
    const plan = (await pool.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, params)).rows.map(
      (r: Record<string, string>) => r['QUERY PLAN'],
    );
    return [
      ...new Set(
        plan
          .filter((l) => !/never executed/.test(l))
          .map((l) => /on (trace_(?:batches|channels)_p\d{4}_\d{2})/.exec(l)?.[1])
          .filter((x): x is string => !!x),
      ),
    ].sort();
  };

  beforeAll(async () => {
    db = await createTestDatabase('traceparts');
    pool = new Pool({ connectionString: db.url, max: 4 });
    // The schema as it was before partitioning, with a run's traces in it.
    await migrate(PROCESS_MIGRATIONS.slice(0, -1));
    await run(oldRun, 'R-OLD', oldStart);
    await run(newRun, 'R-NEW', now.toISOString());
    for (let i = 0; i < 3; i++) await legacyBatch(oldRun, `B${i}`, i * 100);
    await legacyBatch(newRun, 'B0', 0);
    await migrate(PROCESS_MIGRATIONS);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("converts the stored batches and channels into the partitions of their runs' start months, none lost", async () => {
    expect(await partitionsOf('trace_batches', oldRun)).toEqual([p('trace_batches', old)]);
    expect(await partitionsOf('trace_channels', oldRun)).toEqual([p('trace_channels', old)]);
    expect(await partitionsOf('trace_batches', newRun)).toEqual([p('trace_batches', thisMonth)]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM process.trace_batches`)).rows[0].n).toBe(4);
    expect((await pool.query(`SELECT count(*)::int AS n FROM process.trace_channels`)).rows[0].n).toBe(8);
    // the run's start is carried exactly (microseconds too), so the join on it finds every row
    expect(
      (
        await pool.query(
          `SELECT count(*)::int AS n FROM process.process_runs r JOIN process.trace_batches b ON b.run_id = r.id AND b.run_started_at = r.started_at`,
        )
      ).rows[0].n,
    ).toBe(4);
    expect((await listMonthPartitions(pool, TRACE_PARTITIONS)).map((m) => m.month)).toEqual([
      old,
      addMonths(old, 1),
      thisMonth,
      ...[1, 2, 3].map((k) => addMonths(thisMonth, k)),
    ]);
  });

  it("reads a run's batches from its start month's partition only: provenance, the roll summary and the repeat check", async () => {
    const starts = await startsOf(oldRun);
    const rows = await pool.query(TRACE_ROWS_SQL, [[oldRun], 50, 150, starts]);
    expect(rows.rows.map((r: { channel: string }) => r.channel).sort()).toEqual([
      'power',
      'power',
      'power',
      'qcm_rate',
      'qcm_rate',
      'qcm_rate',
    ]);
    expect(await scanned(TRACE_ROWS_SQL, [[oldRun], 50, 150, starts])).toEqual([
      `trace_batches_p${old.replace('-', '_')}`,
      `trace_channels_p${old.replace('-', '_')}`,
    ]);

    const summary = await pool.query(TRACE_SUMMARIES_SQL, [['R-OLD'], starts]);
    expect(summary.rows.map((r: { channel: string; batches: number }) => [r.channel, r.batches])).toEqual([
      ['power', 3],
      ['qcm_rate', 3],
    ]);
    expect(await scanned(TRACE_SUMMARIES_SQL, [['R-OLD'], starts])).toEqual([
      `trace_batches_p${old.replace('-', '_')}`,
      `trace_channels_p${old.replace('-', '_')}`,
    ]);

    expect((await pool.query(EARLIER_BATCH_SQL, [oldRun, 'B1'])).rows).toHaveLength(1);
    expect(await scanned(EARLIER_BATCH_SQL, [oldRun, 'B1'])).toEqual([`trace_batches_p${old.replace('-', '_')}`]);
  });

  it('npm run partitions lists, archives (only months whose runs are completed) and attaches the trace months', async () => {
    const list = await partitionsCommand(db.url, 'list');
    expect(list.status).toBe(0);
    expect(list.out).toMatch(new RegExp(`process\\s+${old}\\s+ATTACHED\\s+1 runs`));
    expect(list.out).toMatch(new RegExp(`process\\s+${thisMonth}\\s+ATTACHED\\s+1 runs`));
    // this database holds the process schema only: the command says so and goes on with it
    expect(list.out).toContain('test_data: not in this database');

    const ensured = await partitionsCommand(db.url, 'ensure', '--ahead', '5');
    expect(ensured.status).toBe(0);
    expect(ensured.out).toContain(`process: made ${addMonths(thisMonth, 4)}, ${addMonths(thisMonth, 5)}`);
    expect((await partitionsCommand(db.url, 'ensure', '--ahead', '5')).out).toContain('process: every month was there already');
    expect((await partitionsCommand(db.url, 'ensure', '--ahead', 'many')).out).toContain('--ahead "many": expected a whole number >= 0');

    // As typed once (a process of its own: its refusal on standard error, exit status 1); the other
    // commands run in this process, each process costing seconds of start.
    const refused = partitionsProcess(db.url, 'archive', '--before', thisMonth);
    expect(refused.status).toBe(1);
    expect(refused.out).toContain(`cannot archive ${old}: 1 of its process runs are still RUNNING`);
    expect(await partitionsOf('trace_batches', oldRun)).toEqual([p('trace_batches', old)]);

    await pool.query(`UPDATE process.process_runs SET state = 'COMPLETED', completed_at = started_at + interval '2 hours' WHERE id = $1`, [
      oldRun,
    ]);
    const archived = await partitionsCommand(db.url, 'archive', '--before', thisMonth);
    expect(archived.status).toBe(0);
    expect(archived.out).toContain(`process: archived ${old}, ${addMonths(old, 1)} into process_archive`);
    // nothing deleted: the rows sit in the archive schema, out of the live tables and their queries
    expect(await partitionsOf('trace_batches', oldRun)).toEqual([]);
    expect((await pool.query(TRACE_SUMMARIES_SQL, [['R-OLD'], await startsOf(oldRun)])).rows).toEqual([]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM process_archive.trace_channels_p${old.replace('-', '_')}`)).rows[0].n).toBe(6);
    expect(await partitionsOf('trace_batches', newRun)).toEqual([p('trace_batches', thisMonth)]);
    expect((await partitionsCommand(db.url, 'list')).out).toMatch(new RegExp(`process\\s+${old}\\s+ARCHIVED`));

    expect((await partitionsCommand(db.url, 'attach', thisMonth)).out).toContain(`month ${thisMonth} is attached already`);
    expect((await partitionsCommand(db.url, 'attach', '1999-01')).out).toContain('month 1999-01 has no partitions');
    const attached = await partitionsCommand(db.url, 'attach', old);
    expect(attached.status).toBe(0);
    expect(attached.out).toContain(`process: attached ${old}`);
    expect(await partitionsOf('trace_channels', oldRun)).toEqual([p('trace_channels', old)]);
    expect((await pool.query(TRACE_SUMMARIES_SQL, [['R-OLD'], await startsOf(oldRun)])).rows).toHaveLength(2);
  });
});
