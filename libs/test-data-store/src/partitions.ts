import type { ClientBase, Pool } from 'pg';
import { inTransaction } from './pg-transaction';

/**
 * The large test_data tables are partitioned by the month (UTC) of their test's `received_at`: every
 * row of one test (its raw cells, features and results at every rule set version) lives in one
 * partition, every query by test names the test's received_at so it touches that one partition, and
 * a month of raw data can be detached as a whole when it is old (archive) and attached again to be
 * queried. received_at is the MES's own clock at ingest, not the rig's, so a rig with a wrong clock
 * cannot make partitions in 1970.
 */
export const PARTITIONED_TABLES = ['sheet_test_cells', 'cell_features', 'cell_results'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** Where detached months live until they are attached again (or dumped and dropped by the DBA). */
export const ARCHIVE_SCHEMA = 'test_data_archive';

/** A calendar month, UTC, as `YYYY-MM`. */
export type Month = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseMonth(text: string, what = 'month'): { year: number; month: number } {
  const m = MONTH.exec(text);
  if (!m) throw new RangeError(`${what} ${JSON.stringify(text)} is not a month: expected YYYY-MM, for example 2026-01`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function monthOf(at: Date): Month {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function addMonths(month: Month, n: number): Month {
  const { year, month: m } = parseMonth(month);
  return monthOf(new Date(Date.UTC(year, m - 1 + n, 1)));
}

/** The month's first instant and the next month's, UTC: the partition's bounds [from, to). */
export function monthBounds(month: Month): { from: string; to: string } {
  const { year, month: m } = parseMonth(month);
  return { from: new Date(Date.UTC(year, m - 1, 1)).toISOString(), to: new Date(Date.UTC(year, m, 1)).toISOString() };
}

/** `cell_results_p2026_12` for December 2026. */
export function partitionName(table: PartitionedTable, month: Month): string {
  parseMonth(month);
  return `${table}_p${month.replace('-', '_')}`;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

type Db = Pool | ClientBase;

export interface MonthPartitions {
  month: Month;
  /** ATTACHED: every table's partition queryable; ARCHIVED: detached into test_data_archive. */
  state: 'ATTACHED' | 'ARCHIVED';
  tests: number;
  bytes: number;
}

/** The state of every month that has a partition, attached or archived, oldest first. */
export async function listPartitions(db: Db): Promise<MonthPartitions[]> {
  const rows = await db.query<{ schema: string; name: string; attached: boolean; bytes: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, i.inhrelid IS NOT NULL AS attached, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
      WHERE n.nspname IN ('test_data', $1) AND c.relkind = 'r' AND c.relname ~ $2`,
    [ARCHIVE_SCHEMA, `^(${PARTITIONED_TABLES.join('|')})_p[0-9]{4}_[0-9]{2}$`],
  );
  const byMonth = new Map<Month, MonthPartitions>();
  for (const r of rows.rows) {
    const month = r.name.slice(-7).replace('_', '-');
    const m = byMonth.get(month) ?? { month, state: 'ATTACHED', tests: 0, bytes: 0 };
    if (!r.attached) m.state = 'ARCHIVED';
    m.bytes += Number(r.bytes);
    byMonth.set(month, m);
  }
  const months = [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
  if (months.length) {
    const counts = await db.query<{ month: string; n: number }>(
      `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS n FROM test_data.sheet_tests GROUP BY 1`,
    );
    for (const c of counts.rows) {
      const m = byMonth.get(c.month);
      if (m) m.tests = c.n;
    }
  }
  return months;
}

/**
 * Makes the partitions of every month from `from` to `to` that do not exist yet (the job calls it
 * with this month and a few ahead, ingest with the month of a test that found none). A month that
 * was archived is left archived: its tests' rows are refused until it is attached again.
 */
export async function ensurePartitions(db: Db, from: Month, to: Month): Promise<Month[]> {
  const made: Month[] = [];
  const names = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('test_data', $1) AND c.relkind = 'r'`,
    [ARCHIVE_SCHEMA],
  );
  const existing = new Set(names.rows.map((r) => r.name));
  for (const month of monthsBetween(from, to)) {
    const missing = PARTITIONED_TABLES.filter((t) => !existing.has(partitionName(t, month)));
    if (!missing.length) continue;
    // An archived month has its tables in the archive schema, so it is not made again here.
    const { from: lo, to: hi } = monthBounds(month);
    for (const table of missing) {
      // IF NOT EXISTS: two processes making the same month at once both succeed.
      await db.query(
        `CREATE TABLE IF NOT EXISTS test_data.${partitionName(table, month)} PARTITION OF test_data.${table} FOR VALUES FROM ('${lo}') TO ('${hi}')`,
      );
    }
    made.push(month);
  }
  return made;
}

/** The month partitions of now and of `ahead` months after it, as the partition job keeps them. */
export function ensurePartitionsAhead(db: Db, now: Date, ahead: number): Promise<Month[]> {
  const month = monthOf(now);
  return ensurePartitions(db, month, addMonths(month, ahead));
}

/** A test's rows were refused because its month has no partition: PostgreSQL's message for it. */
export function isMissingPartition(e: unknown): boolean {
  return e instanceof Error && (e as { code?: string }).code === '23514' && /no partition of relation/.test(e.message);
}

export class PartitionError extends Error {}

/**
 * Archives every month before `before`: each table's partition of the month is detached and moved to
 * test_data_archive, with nothing deleted (the headers in sheet_tests, the current results and the
 * maps stay; the raw cells, features and result history of the month leave the live tables). A
 * month with a test not DONE yet is refused, and so is the current month or a later one.
 */
export async function archiveMonthsBefore(pool: Pool, before: Month, now: Date): Promise<Month[]> {
  parseMonth(before, 'before');
  if (before > monthOf(now)) {
    throw new PartitionError(
      `cannot archive up to ${before}: the current month ${monthOf(now)} is still being written; archive only past months`,
    );
  }
  const months = (await listPartitions(pool)).filter((m) => m.state === 'ATTACHED' && m.month < before).map((m) => m.month);
  const archived: Month[] = [];
  for (const month of months) {
    await inTransaction(pool, async (client) => {
      const { from, to } = monthBounds(month);
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      const open = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM test_data.sheet_tests WHERE received_at >= $1 AND received_at < $2 AND status <> 'DONE'`,
        [from, to],
      );
      if (open.rows[0].n > 0) {
        throw new PartitionError(
          `cannot archive ${month}: ${open.rows[0].n} of its sheet tests are not DONE yet (QUEUED, BINNING or FAILED)`,
        );
      }
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ARCHIVE_SCHEMA}`);
      for (const table of PARTITIONED_TABLES) {
        const name = partitionName(table, month);
        await client.query(`ALTER TABLE test_data.${table} DETACH PARTITION test_data.${name}`);
        await client.query(`ALTER TABLE test_data.${name} SET SCHEMA ${ARCHIVE_SCHEMA}`);
      }
    });
    archived.push(month);
  }
  return archived;
}

/** Attaches an archived month again: its raw data, features and result history are queryable as before. */
export async function attachMonth(pool: Pool, month: Month): Promise<void> {
  parseMonth(month);
  const state = (await listPartitions(pool)).find((m) => m.month === month);
  if (!state) throw new PartitionError(`month ${month} has no partitions, archived or attached`);
  if (state.state === 'ATTACHED') throw new PartitionError(`month ${month} is attached already`);
  const { from, to } = monthBounds(month);
  await inTransaction(pool, async (client) => {
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    for (const table of PARTITIONED_TABLES) {
      const name = partitionName(table, month);
      const where = await client.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = $1 AND n.nspname IN ('test_data', $2) AND c.relkind = 'r'`,
        [name, ARCHIVE_SCHEMA],
      );
      if (!where.rows.length) throw new PartitionError(`month ${month}: table ${name} is missing from ${ARCHIVE_SCHEMA}`);
      if (where.rows[0].schema === ARCHIVE_SCHEMA) await client.query(`ALTER TABLE ${ARCHIVE_SCHEMA}.${name} SET SCHEMA test_data`);
      const attached = await client.query(`SELECT 1 FROM pg_inherits WHERE inhrelid = 'test_data.${name}'::regclass`);
      if (!attached.rows.length) {
        await client.query(`ALTER TABLE test_data.${table} ATTACH PARTITION test_data.${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
      }
    }
  });
}

/**
 * Refuses (with the month and the command to attach it) to rewrite a sheet's current results while
 * one of its DONE tests has its rows archived: they would be rebuilt from the attached tests only.
 */
export async function assertSheetAttached(db: Db, sheet: string): Promise<void> {
  const rows = await db.query<{ month: string }>(
    `SELECT DISTINCT to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month
       FROM test_data.sheet_tests t
      WHERE t.sheet_barcode = $1 AND t.status = 'DONE'
        AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'test_data' AND i.inhparent = 'test_data.cell_results'::regclass
                           AND c.relname = 'cell_results_p' || to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY_MM'))`,
    [sheet],
  );
  if (rows.rows.length) {
    const months = rows.rows.map((r) => r.month).sort();
    throw new PartitionError(
      `sheet ${sheet} has tests in archived month(s) ${months.join(', ')}: attach them first (npm run partitions -- attach ${months[0]})`,
    );
  }
}
