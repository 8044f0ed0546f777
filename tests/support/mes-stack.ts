import type { INestApplication } from '@nestjs/common';
import { startGateway } from '@mes/gateway';
import { createTestDatabase, GraphqlClient, TEST_ADMIN_PASSWORD, testConfig, type TestDatabase } from '@mes/testing';
import { migrateTracking, startTracking } from '@mes/tracking';

export interface MesStack {
  gatewayUrl: string;
  graphqlUrl: string;
  admin: GraphqlClient;
  db: TestDatabase;
  tracking: INestApplication;
  gateway: INestApplication;
  close(): Promise<void>;
}

const urlOf = async (app: INestApplication) => (await app.getUrl()).replace('[::1]', '127.0.0.1');

/** The whole MES as npm start runs it (gateway over its subgraphs), on a database of its own and free ports. */
export async function startMesStack(label: string): Promise<MesStack> {
  const db = await createTestDatabase(label);
  await migrateTracking(db.url);
  const trackingConfig = testConfig(db.url, { MES_SEED_DEMO: 'true' });
  const tracking = await startTracking(trackingConfig, 0);
  const gatewayConfig = testConfig(db.url, { TRACKING_URL: `${await urlOf(tracking)}/graphql`, MES_JWT_SECRET: trackingConfig.auth.jwtSecret });
  const gateway = await startGateway(gatewayConfig, 0, { pollIntervalMs: 1_000 });
  const gatewayUrl = await urlOf(gateway);
  const admin = await new GraphqlClient(`${gatewayUrl}/graphql`).login('admin', TEST_ADMIN_PASSWORD);
  let closed = false;
  return {
    gatewayUrl,
    graphqlUrl: `${gatewayUrl}/graphql`,
    admin,
    db,
    tracking,
    gateway,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      await tracking.close().catch(() => undefined);
      await db.drop();
    },
  };
}
