import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { createTestDatabase, GraphqlClient, TEST_ADMIN_PASSWORD } from '@mes/testing';
import { migrateTracking } from '@mes/tracking';

const root = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy`);
}

/** The MES as separate processes (gateway, tracking), as npm start runs it, on a database of its own. */
export async function startMesProcesses(label: string) {
  const db = await createTestDatabase(label);
  await migrateTracking(db.url);
  const [port, trackingPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    PORT: String(port),
    TRACKING_PORT: String(trackingPort),
    MES_JWT_SECRET: randomBytes(32).toString('hex'),
    MES_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    MES_SEED_DEMO: 'true',
    LOG_LEVEL: 'error',
    SWC_NODE_SOURCE_MAP_MODE: 'inline', // as npm start runs the apps (tools/dev/start-mes.ts)
  };
  const spawnApp = (entry: string) => spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, entry)], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const tracking = spawnApp('apps/tracking/src/main.ts');
  await waitHealthy(`http://127.0.0.1:${trackingPort}/health`, tracking);
  const gateway = spawnApp('apps/gateway/src/main.ts');
  await waitHealthy(`http://127.0.0.1:${port}/health`, gateway);
  const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
  const admin = await new GraphqlClient(graphqlUrl).login('admin', TEST_ADMIN_PASSWORD);
  const stop = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));
  return {
    graphqlUrl,
    trackingUrl: `http://127.0.0.1:${trackingPort}/graphql`,
    admin,
    async close() {
      await stop(gateway);
      await stop(tracking);
      await db.drop();
    },
  };
}
