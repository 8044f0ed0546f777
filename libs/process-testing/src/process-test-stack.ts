import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { MesConfig } from '@mes/config';
import {
  createTestDatabase,
  freePort,
  GraphqlClient,
  roleUsers,
  spawnApp,
  stopProcess,
  TEST_ADMIN_PASSWORD,
  testConfig,
  testSql,
  waitHealthy,
  type TestDatabase,
} from '@mes/testing';

export interface ProcessTestStack {
  db: TestDatabase;
  config: MesConfig;
  /** The process subgraph's GraphQL URL and its REST origin. */
  url: string;
  origin: string;
  trackingUrl: string;
  /** Admin clients of the process subgraph and of tracking (same token). */
  admin: GraphqlClient;
  tracking: GraphqlClient;
  /** A process client for a new user of the given role (made once). */
  userClient(role: 'ADMIN' | 'ENGINEER' | 'OPERATOR'): Promise<GraphqlClient>;
  /** SQL on the test database (to look at what was stored). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The process subgraph and tracking (which it calls for units, equipment and holds), each in its own
 * process as `npm start` runs them (each migrates its schema at start), on one fresh database: two
 * code-first GraphQL apps cannot share a process (one type registry), and they meet over HTTP in
 * production anyway.
 */
export async function startProcessTestStack(label: string): Promise<ProcessTestStack> {
  const db = await createTestDatabase(label);
  const [trackingPort, processPort] = [await freePort(), await freePort()];
  const env = {
    MES_JWT_SECRET: randomBytes(32).toString('hex'),
    MES_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    MES_SEED_DEMO: 'true',
    TRACKING_PORT: String(trackingPort),
    PROCESS_PORT: String(processPort),
  };
  const config = testConfig(db.url, env);
  const children: ChildProcess[] = [];
  try {
    children.push(spawnApp('tracking', { DATABASE_URL: db.url, ...env }));
    await waitHealthy(`http://127.0.0.1:${trackingPort}/health`, children[0]);
    children.push(spawnApp('process', { DATABASE_URL: db.url, ...env }));
    await waitHealthy(`http://127.0.0.1:${processPort}/health`, children[1]);
  } catch (e) {
    for (const child of children) child.kill('SIGKILL');
    await db.drop();
    throw e;
  }
  const trackingUrl = `http://127.0.0.1:${trackingPort}/graphql`;
  const origin = `http://127.0.0.1:${processPort}`;
  const url = `${origin}/graphql`;
  const tracking = await new GraphqlClient(trackingUrl).login('admin', TEST_ADMIN_PASSWORD);
  const admin = new GraphqlClient(url, tracking.token);
  const sql = testSql(db.url);
  return {
    db,
    config,
    url,
    origin,
    trackingUrl,
    admin,
    tracking,
    query: sql.query,
    userClient: roleUsers(tracking, trackingUrl, url),
    async close() {
      await stopProcess(children[1]);
      await stopProcess(children[0]);
      await sql.end();
      await db.drop();
    },
  };
}
