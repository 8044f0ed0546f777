import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MesConfig } from '@mes/config';
import {
  createTestDatabase,
  freePort,
  GraphqlClient,
  stopProcess,
  TEST_ADMIN_PASSWORD,
  testConfig,
  waitHealthy,
  type TestDatabase,
} from '@mes/testing';
import { startProcess } from '../bootstrap';
import { migrateProcess } from '../database/process-data-source';

const root = path.resolve(__dirname, '../../../..');

export interface ProcessTestStack {
  app: INestApplication;
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
 * The process subgraph in this process, with tracking (which it calls for units, equipment and
 * holds) as a child process on the same fresh database: two code-first GraphQL apps cannot share a
 * process (one type registry), and tracking is reached over HTTP in production anyway.
 */
export async function startProcessTestStack(label: string): Promise<ProcessTestStack> {
  const db = await createTestDatabase(label);
  const trackingPort = await freePort();
  const secret = randomBytes(32).toString('hex');
  const env = { MES_JWT_SECRET: secret, TRACKING_PORT: String(trackingPort), MES_SEED_DEMO: 'true', PROCESS_PORT: '0' };
  const config = testConfig(db.url, env);
  // tracking migrates its own schema when it starts, as npm start runs it.
  await migrateProcess(db.url);
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, 'apps/tracking/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      MES_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      LOG_LEVEL: 'error',
      SWC_NODE_SOURCE_MAP_MODE: 'inline',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const trackingUrl = `http://127.0.0.1:${trackingPort}/graphql`;
  try {
    await waitHealthy(`http://127.0.0.1:${trackingPort}/health`, child);
  } catch (e) {
    child.kill('SIGKILL');
    await db.drop();
    throw e;
  }
  const app = await startProcess(config, 0);
  const origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const url = `${origin}/graphql`;
  const tracking = await new GraphqlClient(trackingUrl).login('admin', TEST_ADMIN_PASSWORD);
  const admin = new GraphqlClient(url, tracking.token);
  const users = new Map<string, GraphqlClient>();
  return {
    app,
    db,
    config,
    url,
    origin,
    trackingUrl,
    admin,
    tracking,
    query: (sql, params) => app.get<DataSource>(getDataSourceToken()).query(sql, params),
    async userClient(role) {
      const existing = users.get(role);
      if (existing) return existing;
      const username = `${role.toLowerCase()}1`;
      await tracking.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
        i: { username, password: 'password-123', role },
      });
      const t = await new GraphqlClient(trackingUrl).login(username, 'password-123');
      const client = new GraphqlClient(url, t.token);
      users.set(role, client);
      return client;
    },
    async close() {
      await app.close();
      await stopProcess(child);
      await db.drop();
    },
  };
}
