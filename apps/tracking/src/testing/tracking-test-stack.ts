import type { INestApplication } from '@nestjs/common';
import type { MesConfig } from '@mes/config';
import { createTestDatabase, GraphqlClient, TEST_ADMIN_PASSWORD, testConfig, type TestDatabase } from '@mes/testing';
import { migrateTracking, startTracking } from '../bootstrap';

export interface TrackingTestStack {
  app: INestApplication;
  db: TestDatabase;
  config: MesConfig;
  url: string;
  /** A client logged in as the bootstrap admin. */
  admin: GraphqlClient;
  /** A client with another user of the given role (created on first use). */
  userClient(role: 'ADMIN' | 'ENGINEER' | 'OPERATOR'): Promise<GraphqlClient>;
  close(): Promise<void>;
}

/** The tracking subgraph on a fresh database of its own, migrated, listening on a free port. */
export async function startTrackingTestStack(
  label: string,
  opts: { seedDemo?: boolean; env?: Record<string, string> } = {},
): Promise<TrackingTestStack> {
  const db = await createTestDatabase(label);
  const config = testConfig(db.url, { MES_SEED_DEMO: opts.seedDemo === false ? 'false' : 'true', ...opts.env });
  await migrateTracking(db.url);
  const app = await startTracking(config, 0);
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
  const admin = await new GraphqlClient(url).login('admin', TEST_ADMIN_PASSWORD);
  const users = new Map<string, GraphqlClient>();
  return {
    app,
    db,
    config,
    url,
    admin,
    async userClient(role) {
      const existing = users.get(role);
      if (existing) return existing;
      const username = `${role.toLowerCase()}1`;
      await admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
        i: { username, password: 'password-123', role },
      });
      const client = await new GraphqlClient(url).login(username, 'password-123');
      users.set(role, client);
      return client;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
