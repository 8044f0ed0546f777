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

export interface TrackingTestStack {
  db: TestDatabase;
  /** The configuration the tracking process was started with. */
  config: MesConfig;
  url: string;
  /** A client logged in as the bootstrap admin. */
  admin: GraphqlClient;
  /** A client with another user of the given role (created on first use). */
  userClient(role: 'ADMIN' | 'ENGINEER' | 'OPERATOR'): Promise<GraphqlClient>;
  /** SQL on the test database (to look at what was stored, or to move time). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The tracking subgraph on a fresh database of its own, in its own process as `npm start` runs it
 * (it migrates its schema at start), listening on a free port.
 */
export async function startTrackingTestStack(
  label: string,
  opts: { seedDemo?: boolean; env?: Record<string, string> } = {},
): Promise<TrackingTestStack> {
  const db = await createTestDatabase(label);
  const port = await freePort();
  const env = {
    MES_JWT_SECRET: randomBytes(32).toString('hex'),
    MES_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    MES_SEED_DEMO: opts.seedDemo === false ? 'false' : 'true',
    TRACKING_PORT: String(port),
    ...opts.env,
  };
  const config = testConfig(db.url, env);
  const child: ChildProcess = spawnApp('tracking', { DATABASE_URL: db.url, ...env });
  try {
    await waitHealthy(`http://127.0.0.1:${port}/health`, child);
  } catch (e) {
    child.kill('SIGKILL');
    await db.drop();
    throw e;
  }
  const url = `http://127.0.0.1:${port}/graphql`;
  const admin = await new GraphqlClient(url).login('admin', TEST_ADMIN_PASSWORD);
  const sql = testSql(db.url);
  return {
    db,
    config,
    url,
    admin,
    query: sql.query,
    userClient: roleUsers(admin, url, url),
    async close() {
      await stopProcess(child);
      await sql.end();
      await db.drop();
    },
  };
}
