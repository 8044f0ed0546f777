import type { ClientBase, Pool } from 'pg';
import { inTransaction } from './pg-transaction';

/**
 * Month partitions (UTC) of a context's large tables, kept ahead, archived (detached into an
 * archive schema, nothing deleted) and attached again. Each context names its tables in a
 * MonthPartitionSet (test_data's raw cells, features and results by test; process's trace batches
 * by run): docs/scale.md.
 */
export interface MonthPartitionSet {
  /** The schema of the partitioned tables, and the one detached months are moved into. */
  schema: string;
  archiveSchema: string;
  tables: readonly string[];
  /** What a month holds, for the listing: SQL answering rows (month 'YYYY-MM', n), and what n counts. */
  unitsPerMonthSql: string;
  units: string;
  /** SQL counting ($1, $2: the month's bounds) what may still write rows into the month: archiving waits for none. */
  openInMonthSql: string;
  openRefusal(month: Month, open: number): string;
}

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
export function partitionName(table: string, month: Month): string {
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
  /** ATTACHED: every table's partition queryable; ARCHIVED: detached into the archive schema. */
  state: 'ATTACHED' | 'ARCHIVED';
  /** The set's units (tests, runs) of the month, and its partitions' size with indexes. */
  units: number;
  bytes: number;
}

/** A month refused or not found by the partition commands; the message says what to do. */
export class PartitionError extends Error {}

/** The state of every month of the set that has a partition, attached or archived, oldest first. */
export async function listMonthPartitions(db: Db, set: MonthPartitionSet): Promise<MonthPartitions[]> {
  const rows = await db.query<{ name: string; attached: boolean; bytes: string }>(
    `SELECT c.relname AS name, i.inhrelid IS NOT NULL AS attached, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
      WHERE n.nspname IN ($1, $2) AND c.relkind = 'r' AND c.relname ~ $3`,
    [set.schema, set.archiveSchema, `^(${set.tables.join('|')})_p[0-9]{4}_[0-9]{2}$`],
  );
  const byMonth = new Map<Month, MonthPartitions>();
  for (const r of rows.rows) {
    const month = r.name.slice(-7).replace('_', '-');
    const m = byMonth.get(month) ?? { month, state: 'ATTACHED', units: 0, bytes: 0 };
    if (!r.attached) m.state = 'ARCHIVED';
    m.bytes += Number(r.bytes);
    byMonth.set(month, m);
  }
  if (byMonth.size) {
    for (const c of (await db.query<{ month: string; n: number }>(set.unitsPerMonthSql)).rows) {
      const m = byMonth.get(c.month);
      if (m) m.units = Number(c.n);
    }
  }
  return [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
}

/**
 * Makes the partitions of every month from `from` to `to` that do not exist yet (the keeper calls it
 * with this month and a few ahead, ingest with the month of a row that found none). A month that was
 * archived is left archived: its rows are refused until it is attached again.
 */
export async function ensureMonthPartitions(db: Db, set: MonthPartitionSet, from: Month, to: Month): Promise<Month[]> {
  const made: Month[] = [];
  const names = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ($1, $2) AND c.relkind = 'r'`,
    [set.schema, set.archiveSchema],
  );
  const existing = new Set(names.rows.map((r) => r.name));
  for (const month of monthsBetween(from, to)) {
    const missing = set.tables.filter((t) => !existing.has(partitionName(t, month)));
    if (!missing.length) continue;
    const { from: lo, to: hi } = monthBounds(month);
    for (const table of missing) {
      // IF NOT EXISTS: two processes making the same month at once both succeed.
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${set.schema}.${partitionName(table, month)} PARTITION OF ${set.schema}.${table} FOR VALUES FROM ('${lo}') TO ('${hi}')`,
      );
    }
    made.push(month);
  }
  return made;
}

/** A row was refused because its month has no partition: PostgreSQL's error for it. */
export function isMissingPartition(e: unknown): boolean {
  return e instanceof Error && (e as { code?: string }).code === '23514' && /no partition of relation/.test(e.message);
}

/**
 * Archives every month of the set before `before`: each table's partition of the month is detached
 * and moved to the archive schema, with nothing deleted. The current month or a later one is refused,
 * and so is a month with something still open (the set's openInMonthSql).
 */
export async function archiveMonthPartitionsBefore(pool: Pool, set: MonthPartitionSet, before: Month, now: Date): Promise<Month[]> {
  parseMonth(before, 'before');
  if (before > monthOf(now)) {
    throw new PartitionError(
      `cannot archive up to ${before}: the current month ${monthOf(now)} is still being written; archive only past months`,
    );
  }
  const months = (await listMonthPartitions(pool, set)).filter((m) => m.state === 'ATTACHED' && m.month < before).map((m) => m.month);
  const archived: Month[] = [];
  for (const month of months) {
    await inTransaction(pool, async (client) => {
      const { from, to } = monthBounds(month);
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      const open = await client.query<{ n: number }>(set.openInMonthSql, [from, to]);
      if (Number(open.rows[0].n) > 0) throw new PartitionError(set.openRefusal(month, Number(open.rows[0].n)));
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${set.archiveSchema}`);
      for (const table of set.tables) {
        const name = partitionName(table, month);
        await client.query(`ALTER TABLE ${set.schema}.${table} DETACH PARTITION ${set.schema}.${name}`);
        await client.query(`ALTER TABLE ${set.schema}.${name} SET SCHEMA ${set.archiveSchema}`);
      }
    });
    archived.push(month);
  }
  return archived;
}

/** Attaches an archived month of the set again: its rows are queryable as before. */
export async function attachMonthPartitions(pool: Pool, set: MonthPartitionSet, month: Month): Promise<void> {
  parseMonth(month);
  const state = (await listMonthPartitions(pool, set)).find((m) => m.month === month);
  if (!state) throw new PartitionError(`month ${month} has no partitions in ${set.schema}, archived or attached`);
  if (state.state === 'ATTACHED') throw new PartitionError(`month ${month} is attached already in ${set.schema}`);
  const { from, to } = monthBounds(month);
  await inTransaction(pool, async (client) => {
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    for (const table of set.tables) {
      const name = partitionName(table, month);
      const where = await client.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = $1 AND n.nspname IN ($2, $3) AND c.relkind = 'r'`,
        [name, set.schema, set.archiveSchema],
      );
      if (!where.rows.length) throw new PartitionError(`month ${month}: table ${name} is missing from ${set.archiveSchema}`);
      if (where.rows[0].schema === set.archiveSchema)
        await client.query(`ALTER TABLE ${set.archiveSchema}.${name} SET SCHEMA ${set.schema}`);
      const attached = await client.query(`SELECT 1 FROM pg_inherits WHERE inhrelid = '${set.schema}.${name}'::regclass`);
      if (!attached.rows.length) {
        await client.query(
          `ALTER TABLE ${set.schema}.${table} ATTACH PARTITION ${set.schema}.${name} FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      }
    }
  });
}
