/**
 * The sweeper's queries: work that was stored in test_data but may never have reached Redis, or
 * whose jobs Redis may have lost. The test-data service re-adds their (keyed) jobs.
 */

/** Anything that runs a parameterised SQL query: a TypeORM DataSource or EntityManager, a pg Pool. */
export interface SqlRunner {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export interface StuckSheetTest {
  id: string;
  status: 'BINNING' | 'DONE';
  cellCount: number;
}

/** Sheet tests still QUEUED `olderThanSeconds` after they were stored, oldest batch of 500. */
export async function queuedSheetTestIds(db: SqlRunner, olderThanSeconds: number): Promise<string[]> {
  const rows = (await db.query(
    `SELECT id FROM test_data.sheet_tests WHERE status = 'QUEUED' AND received_at < now() - make_interval(secs => $1) LIMIT 500`,
    [olderThanSeconds],
  )) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Rebin requests still QUEUED `olderThanSeconds` after they were made. */
export async function queuedRebinRequestIds(db: SqlRunner, olderThanSeconds: number): Promise<string[]> {
  const rows = (await db.query(
    `SELECT id FROM test_data.rebin_requests WHERE status = 'QUEUED' AND requested_at < now() - make_interval(secs => $1) LIMIT 100`,
    [olderThanSeconds],
  )) as { id: string }[];
  return rows.map((r) => r.id);
}

/** Rebin requests RUNNING since before `olderThanSeconds` ago (their job may have been lost with Redis). */
export async function runningRebinRequestIds(db: SqlRunner, olderThanSeconds: number): Promise<string[]> {
  const rows = (await db.query(
    `SELECT id FROM test_data.rebin_requests WHERE status = 'RUNNING' AND requested_at < now() - make_interval(secs => $1) LIMIT 100`,
    [olderThanSeconds],
  )) as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * Tests in BINNING, or DONE but not yet moved on, received before `stuckAfterSeconds` ago (but within
 * a day: tests binned before dispositions were recorded have none), oldest first. The sweeper asks
 * Redis whether their jobs still exist before it adds any.
 */
export async function stuckSheetTests(db: SqlRunner, stuckAfterSeconds: number): Promise<StuckSheetTest[]> {
  const rows = (await db.query(
    `SELECT id, status, cell_count FROM test_data.sheet_tests
      WHERE (status = 'BINNING' OR (status = 'DONE' AND disposition IS NULL))
        AND received_at < now() - make_interval(secs => $1) AND received_at > now() - interval '1 day'
      ORDER BY received_at LIMIT 100`,
    [stuckAfterSeconds],
  )) as { id: string; status: 'BINNING' | 'DONE'; cell_count: number }[];
  return rows.map((r) => ({ id: r.id, status: r.status, cellCount: Number(r.cell_count) }));
}

/** Inspections the worker has not yet applied to their sheet's binned tests, stored before `olderThanSeconds` ago. */
export async function unappliedInspections(db: SqlRunner, olderThanSeconds: number): Promise<{ id: string; sheet: string }[]> {
  const rows = (await db.query(
    `SELECT id, sheet_barcode FROM test_data.inspections WHERE rebinned_at IS NULL AND received_at < now() - make_interval(secs => $1) LIMIT 500`,
    [olderThanSeconds],
  )) as { id: string; sheet_barcode: string }[];
  return rows.map((r) => ({ id: r.id, sheet: r.sheet_barcode }));
}
