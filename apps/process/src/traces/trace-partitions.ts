import type { MonthPartitionSet } from '@mes/service-core';

/**
 * Trace batches and channels are partitioned by the month (UTC) of their run's start, which every
 * row carries as run_started_at: every query by run names the run's started_at, so it reads one
 * partition, and a run's batches stay together even when the run crosses a month's end. A month is
 * archived (detached into process_archive, nothing deleted) once all of its runs are completed.
 */
export const TRACE_PARTITIONS: MonthPartitionSet = {
  schema: 'process',
  archiveSchema: 'process_archive',
  tables: ['trace_batches', 'trace_channels'],
  unitsPerMonthSql: `SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS n FROM process.process_runs GROUP BY 1`,
  units: 'runs',
  openInMonthSql: `SELECT count(*)::int AS n FROM process.process_runs WHERE started_at >= $1 AND started_at < $2 AND state <> 'COMPLETED'`,
  openRefusal: (month, n) => `cannot archive ${month}: ${n} of its process runs are still RUNNING (their traces are still coming)`,
};
