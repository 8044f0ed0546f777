import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { JOB_IDS, QUEUES } from '@mes/queue-contracts';
import { freePort, GraphqlClient, spawnApp, STACK_START_MS, stopProcess, waitHealthy } from '@mes/testing';
import { startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

/** Wait until `check` holds, polling every 100 ms for at most `ms`. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

/**
 * Two test-data processes on one PostgreSQL and one Redis, as two replicas behind the gateway: a rig
 * key revoked on one is refused by the other at once (Redis pub/sub), a key the other verified
 * lives in its cache 30 s at most when no message comes, and each sweeper runs on one replica only,
 * another taking over when it stops.
 */
describe('two test-data replicas', () => {
  let tracking: TrackingTestStack;
  const replicas: { port: number; child: ChildProcess; graphql: GraphqlClient }[] = [];
  const prefix = `t-replicas-${randomBytes(4).toString('hex')}`;
  let queue: Queue;

  const probe = async (port: number, key: string) =>
    (await fetch(`http://127.0.0.1:${port}/api/v1/sheet-tests/00000000-0000-0000-0000-000000000000`, { headers: { 'x-api-key': key } }))
      .status;
  const register = async (name: string) =>
    (await replicas[0].graphql.ok(`mutation { registerRig(name: "${name}", stationCode: "TST-1") { rig { id } apiKey } }`)).registerRig as {
      rig: { id: string };
      apiKey: string;
    };
  /** A replica's sweeper figures from its /metrics: sweeps run, and whether it holds the lock. */
  const sweeper = async (port: number, name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const value = (metric: string) => Number(new RegExp(`^${metric}\\{[^}]*sweeper="${name}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { sweeps: value('mes_sweeps_total'), leads: value('mes_sweep_leader') === 1 };
  };

  beforeAll(async () => {
    tracking = await startTrackingTestStack('replicas');
    const env = {
      DATABASE_URL: tracking.db.url,
      MES_JWT_SECRET: tracking.config.auth.jwtSecret,
      TRACKING_URL: tracking.url,
      BULLMQ_PREFIX: prefix,
      MES_SWEEP_INTERVAL_S: '1',
    };
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      replicas.push({
        port,
        child: spawnApp('test-data', { ...env, TEST_DATA_PORT: String(port) }),
        graphql: new GraphqlClient(`http://127.0.0.1:${port}/graphql`, tracking.admin.token),
      });
    }
    await Promise.all(replicas.map((r) => waitHealthy(`http://127.0.0.1:${r.port}/health`, r.child)));
    queue = new Queue(QUEUES.sheetTests, { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix });
  }, STACK_START_MS);

  afterAll(async () => {
    for (const r of replicas) await stopProcess(r.child);
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await tracking?.close();
  });

  it('a key revoked on one replica is refused by the other at once, though the other had verified it', async () => {
    const [a, b] = replicas;
    const { rig, apiKey } = await register('RIG REPLICAS 1');
    expect(await probe(b.port, apiKey)).toBe(404); // known key, unknown test: verified, and now in b's cache
    expect(await probe(a.port, apiKey)).toBe(404);
    await a.graphql.ok(`mutation { revokeRigKey(rigId: "${rig.id}") { active } }`);
    expect(await probe(a.port, apiKey)).toBe(401);
    // b hears a's message on Redis: it drops the key without waiting for its cache entry to expire
    await eventually(async () => (await probe(b.port, apiKey)) === 401, 'replica b refuses the revoked key', 2_000);
  });

  it('without a message (a revoke written straight to the database), the other replica trusts its cached key 30 s at most', async () => {
    const b = replicas[1];
    const { rig, apiKey } = await register('RIG REPLICAS 2');
    expect(await probe(b.port, apiKey)).toBe(404);
    const cachedAt = Date.now();
    await tracking.query(`UPDATE test_data.rigs SET key_revoked_at = now() WHERE id = $1`, [rig.id]);
    // b answers from its cache: the database's revoke has not reached it
    expect(await probe(b.port, apiKey)).toBe(404);
    await new Promise((r) => setTimeout(r, Math.max(0, cachedAt + 31_000 - Date.now())));
    expect(await probe(b.port, apiKey)).toBe(401);
  }, 90_000);

  it('each sweeper runs on one replica only; when that replica stops, the other takes over', async () => {
    const { rig } = await register('RIG REPLICAS 3');
    // A test stored a minute ago that never reached Redis: the sweeper's to hand to the workers.
    const lost = randomUUID();
    await tracking.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequency_count, cell_count, status, received_at)
       VALUES ($1::uuid, $1::text, repeat('0', 64), $2, 'S-R0001-0001', 'R0001', 50, 50, 0.25, now(), 25, 0, 2500, 'QUEUED', now() - interval '1 minute')`,
      [lost, rig.id],
    );
    for (const name of ['sheet-tests', 'analytics']) {
      await eventually(async () => {
        const [x, y] = await Promise.all(replicas.map((r) => sweeper(r.port, name)));
        return x.sweeps + y.sweeps >= 3;
      }, `three ${name} sweeps`);
      const both = await Promise.all(replicas.map((r) => sweeper(r.port, name)));
      // one replica leads and sweeps; the other has never swept
      expect(both.filter((s) => s.leads)).toHaveLength(1);
      expect(both.filter((s) => s.sweeps > 0)).toHaveLength(1);
      expect(both.find((s) => s.leads)?.sweeps).toBeGreaterThanOrEqual(3);
    }
    await eventually(async () => (await queue.getJobState(JOB_IDS.binSheetTest(lost))) !== 'unknown', 'the lost test is queued again');

    const leader = (await Promise.all(replicas.map((r) => sweeper(r.port, 'sheet-tests')))).findIndex((s) => s.leads);
    const other = replicas[1 - leader];
    await stopProcess(replicas[leader].child);
    await eventually(async () => {
      const s = await sweeper(other.port, 'sheet-tests');
      return s.leads && s.sweeps > 0;
    }, 'the other replica takes the sheet-tests sweeper over');
  }, 90_000);
});
