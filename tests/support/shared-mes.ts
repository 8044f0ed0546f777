import { Queue } from 'bullmq';
import { Client } from 'pg';
import { GraphqlClient, TEST_ADMIN_PASSWORD, type TestDatabase } from '@mes/testing';
import { ANALYTICS_QUEUE, QUEUES } from '@mes/queue-contracts';
import type { AppName, MesProcesses, SubgraphName } from './mes-processes';

/**
 * One MES for every spec of a jest run that needs no MES of its own (no app stopped or killed, no
 * setting of its own). Starting the six apps costs about 55 CPU-seconds, and the suite used to pay it
 * once per spec file: on the 2-core CI machine that was most of the suite's 34 minutes.
 *
 * The tier's globalSetup (shared-mes.setup.ts) starts it and snapshots its database once the apps
 * have migrated and seeded; each spec that calls useSharedMes() first waits until the queues are idle,
 * empties them, and puts every table back as the snapshot holds it. So a spec sees the freshly seeded
 * line it would see on an MES of its own, whatever ran before it. Sequences go on counting (ids are
 * never reused across specs, as in production after a restore). A spec may stop, kill and start the
 * shared apps; the next spec finds every app running again.
 */
export const SHARED_MES_ENV = 'MES_SHARED';
export const SNAPSHOT_SCHEMA = 'mes_test_snapshot';
/** The schemas the MES owns (tracking, test-data, process, assembly); each is put back whole. */
export const MES_SCHEMAS = ['tracking', 'test_data', 'process', 'assembly'];

export interface SharedMesInfo {
  gatewayUrl: string;
  trackingUrl: string;
  testDataUrl: string;
  processUrl: string;
  assemblyUrl: string;
  appUrls: Record<AppName, string>;
  dbUrl: string;
  dbName: string;
  redisUrl: string;
  queuePrefix: string;
  /** The setup's loopback server that stops, kills and starts the shared apps (shared-mes.setup.ts). */
  controlUrl: string;
}

/** The tables put back at each reset: every ordinary or partitioned table of the MES schemas but the migration logs. */
async function mesTables(db: Client): Promise<{ schema: string; table: string }[]> {
  const rows = await db.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE '%migrations%'
      ORDER BY 1, 2`,
    [MES_SCHEMAS],
  );
  return rows.rows;
}

const snapshotName = (t: { schema: string; table: string }) => `"${SNAPSHOT_SCHEMA}"."${t.schema}__${t.table}"`;
const qualified = (t: { schema: string; table: string }) => `"${t.schema}"."${t.table}"`;

/** Copies every MES table into the snapshot schema (at setup, once the apps have seeded). */
export async function snapshotDatabase(dbUrl: string): Promise<void> {
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  try {
    await db.query(`DROP SCHEMA IF EXISTS "${SNAPSHOT_SCHEMA}" CASCADE; CREATE SCHEMA "${SNAPSHOT_SCHEMA}"`);
    for (const t of await mesTables(db)) await db.query(`CREATE TABLE ${snapshotName(t)} AS SELECT * FROM ${qualified(t)}`);
  } finally {
    await db.end();
  }
}

/** Waits until no job of the MES's queues is waiting or running, then removes every job, so no job of one spec runs in the next. */
async function emptyQueues(info: SharedMesInfo): Promise<void> {
  const connection = { url: info.redisUrl, maxRetriesPerRequest: null };
  const queues = [QUEUES.sheetTests, ANALYTICS_QUEUE].map((name) => new Queue(name, { connection, prefix: info.queuePrefix }));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const counts = await Promise.all(
        queues.map((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children')),
      );
      const busy = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
      if (busy === 0) break;
      if (Date.now() > deadline) throw new Error(`the shared MES's queues still hold ${busy} jobs of the previous spec after 2 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const q of queues) {
      await q.drain(true);
      for (const state of ['completed', 'failed'] as const) await q.clean(0, 0, state);
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/** Puts every MES table back as the snapshot holds it, in one transaction (the apps see the old rows or the new, never a mix). */
async function restoreDatabase(dbUrl: string): Promise<void> {
  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const tables = await mesTables(db);
    const columns = await db.query<{ schema: string; table: string; columns: string[] }>(
      `SELECT table_schema AS schema, table_name AS table, array_agg(quote_ident(column_name) ORDER BY ordinal_position) AS columns
         FROM information_schema.columns
        WHERE table_schema = ANY($1) AND is_generated = 'NEVER'
        GROUP BY 1, 2`,
      [MES_SCHEMAS],
    );
    const columnsOf = new Map(columns.rows.map((r) => [`${r.schema}.${r.table}`, r.columns.join(', ')]));
    await db.query('BEGIN');
    // Replica role: no triggers and no foreign-key checks while the rows go back in any order.
    await db.query(`SET LOCAL session_replication_role = replica`);
    await db.query(`TRUNCATE ${tables.map(qualified).join(', ')}`);
    for (const t of tables) {
      const cols = columnsOf.get(`${t.schema}.${t.table}`);
      const exists = await db.query(`SELECT to_regclass($1) AS r`, [snapshotName(t)]);
      // A table made after the snapshot (a partition parent cannot be; a table of a later migration can) starts empty.
      if (!cols || !exists.rows[0].r) continue;
      await db.query(`INSERT INTO ${qualified(t)} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM ${snapshotName(t)}`);
    }
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await db.end();
  }
}

const notShared = (what: string) => () => {
  throw new Error(`${what} is not possible on the shared MES: start an MES of the spec's own (startMesProcesses)`);
};

async function control<T>(info: SharedMesInfo, method: 'GET' | 'POST', route: string): Promise<T> {
  const res = await fetch(`${info.controlUrl}${route}`, { method });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`shared MES control ${method} ${route}: ${body.error ?? res.status}`);
  return body;
}

/**
 * The run's shared MES, its database and queues put back as freshly seeded. Call it in beforeAll;
 * the specs of one jest worker take their turns (the suite runs them in band).
 */
export async function useSharedMes(): Promise<MesProcesses> {
  const raw = process.env[SHARED_MES_ENV];
  if (!raw)
    throw new Error(
      `no shared MES: ${SHARED_MES_ENV} is unset. The system and browser tiers start one in their globalSetup (tests/support/shared-mes.setup.ts); run this spec through jest with its project (--selectProjects system or browser)`,
    );
  const info = JSON.parse(raw) as SharedMesInfo;
  await control(info, 'POST', '/revive'); // an app the previous spec stopped or killed runs again
  await emptyQueues(info);
  await restoreDatabase(info.dbUrl);
  const admin = await new GraphqlClient(`${info.gatewayUrl}/graphql`).login('admin', TEST_ADMIN_PASSWORD);
  const db: TestDatabase = {
    url: info.dbUrl,
    name: info.dbName,
    drop: async () => undefined, // the run's teardown drops it
  };
  const subgraphs: SubgraphName[] = ['tracking', 'test-data', 'process', 'assembly'];
  return {
    gatewayUrl: info.gatewayUrl,
    graphqlUrl: `${info.gatewayUrl}/graphql`,
    trackingUrl: info.trackingUrl,
    testDataUrl: info.testDataUrl,
    processUrl: info.processUrl,
    assemblyUrl: info.assemblyUrl,
    admin,
    db,
    appUrls: info.appUrls,
    replicaUrls: Object.fromEntries(subgraphs.map((n) => [n, [info.appUrls[n]]])) as Record<SubgraphName, string[]>,
    stopApp: async (name) => void (await control(info, 'POST', `/apps/${name}/stop`)),
    killApp: async (name) => void (await control(info, 'POST', `/apps/${name}/kill`)),
    // startApp does not wait (as on an MES of the spec's own): the spec waits for /health or the work.
    startApp: (name) => void control(info, 'POST', `/apps/${name}/start`).catch((e: Error) => process.stderr.write(`${e.message}\n`)),
    subgraphCalls: () => control(info, 'GET', '/subgraph-calls'),
    resetSubgraphCalls: async () => void (await control(info, 'POST', '/subgraph-calls/reset')),
    logsOf: notShared('Reading app logs'),
    exited: notShared('exited() (synchronous)'),
    close: async () => undefined, // the next spec puts it back; the run's teardown stops it
  };
}
