import type { ClientBase, Pool } from 'pg';
import {
  archiveMonthPartitionsBefore,
  attachMonthPartitions,
  ensureMonthPartitions,
  listMonthPartitions,
  type Month,
  type MonthPartitions,
  type MonthPartitionSet,
} from '@mes/service-core';

export {
  addMonths,
  isMissingPartition,
  monthBounds,
  monthOf,
  monthsBetween,
  parseMonth,
  partitionName,
  PartitionError,
  type Month,
  type MonthPartitions,
} from '@mes/service-core';
import { addMonths, monthOf, PartitionError } from '@mes/service-core';

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

/** test_data's month partitions: by test; a month is archived once all its tests are DONE. */
export const TEST_DATA_PARTITIONS: MonthPartitionSet = {
  schema: 'test_data',
  archiveSchema: ARCHIVE_SCHEMA,
  tables: PARTITIONED_TABLES,
  unitsPerMonthSql: `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS n FROM test_data.sheet_tests GROUP BY 1`,
  units: 'tests',
  openInMonthSql: `SELECT count(*)::int AS n FROM test_data.sheet_tests WHERE received_at >= $1 AND received_at < $2 AND status <> 'DONE'`,
  openRefusal: (month, n) => `cannot archive ${month}: ${n} of its sheet tests are not DONE yet (QUEUED, BINNING or FAILED)`,
};

type Db = Pool | ClientBase;

/** The state of every month that has a partition, attached or archived, oldest first. */
export function listPartitions(db: Db): Promise<MonthPartitions[]> {
  return listMonthPartitions(db, TEST_DATA_PARTITIONS);
}

/**
 * Makes the partitions of every month from `from` to `to` that do not exist yet (the keeper calls it
 * with this month and a few ahead, ingest with the month of a test that found none). A month that
 * was archived is left archived: its tests' rows are refused until it is attached again.
 */
export function ensurePartitions(db: Db, from: Month, to: Month): Promise<Month[]> {
  return ensureMonthPartitions(db, TEST_DATA_PARTITIONS, from, to);
}

/** The month partitions of now and of `ahead` months after it, as the partition keeper keeps them. */
export function ensurePartitionsAhead(db: Db, now: Date, ahead: number): Promise<Month[]> {
  const month = monthOf(now);
  return ensurePartitions(db, month, addMonths(month, ahead));
}

/**
 * Archives every month before `before`: each table's partition of the month is detached and moved to
 * test_data_archive, with nothing deleted (the headers in sheet_tests, the current results and the
 * maps stay; the raw cells, features and result history of the month leave the live tables). A
 * month with a test not DONE yet is refused, and so is the current month or a later one.
 */
export function archiveMonthsBefore(pool: Pool, before: Month, now: Date): Promise<Month[]> {
  return archiveMonthPartitionsBefore(pool, TEST_DATA_PARTITIONS, before, now);
}

/** Attaches an archived month again: its raw data, features and result history are queryable as before. */
export function attachMonth(pool: Pool, month: Month): Promise<void> {
  return attachMonthPartitions(pool, TEST_DATA_PARTITIONS, month);
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
