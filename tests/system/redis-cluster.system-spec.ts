import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';
import { startOwnRedisCluster, type OwnRedisCluster } from '../support/own-services';

/**
 * The MES on a Redis Cluster of three masters (REDIS_MODE=cluster, queue prefix a hash tag): rigs'
 * sheet tests go from the POST to DONE, every cell binned once, the analytics queue runs, and the
 * queues' keys sit on the one node that owns their hash slot.
 */
describe('a Redis Cluster under the queues', () => {
  let cluster: OwnRedisCluster;
  let mes: MesProcesses;
  let db: Client;
  let key: string;
  const prefix = `{t-cluster-${process.pid}}`;

  beforeAll(async () => {
    cluster = await startOwnRedisCluster();
    mes = await startMesProcesses('rediscluster', { REDIS_URL: cluster.url, REDIS_MODE: 'cluster', BULLMQ_PREFIX: prefix });
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    key = (await mes.admin.ok('mutation { registerRig(name: "RIG CLUSTER", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
  }, 900_000);
  afterAll(async () => {
    await db?.end();
    await mes?.close();
    await cluster?.close();
  });

  it('takes sheet tests from the POST to DONE, each cell binned once', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const sim = simulateSheet({ seed: 70 + n, sheetIndex: n, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
      const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(
          toSheetTestBody(sim, {
            testId: `CLUSTER-${n}`,
            sheet: `S-R0001-${String(n).padStart(4, '0')}`,
            startedAt: '2026-12-02T10:00:00Z',
          }),
        ),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { sheetTestId: string }).sheetTestId);
    }
    for (const id of ids) {
      let status = '';
      for (let i = 0; i < 300 && status !== 'DONE'; i++) {
        const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${id}`, { headers: { 'x-api-key': key } });
        status = ((await res.json()) as { status: string }).status;
        if (status !== 'DONE') await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe('DONE');
    }
    const { rows } = await db.query(
      `SELECT sheet_test_id AS id, count(*)::int AS n, count(DISTINCT (row, col))::int AS cells
         FROM test_data.cell_results WHERE sheet_test_id = ANY($1) GROUP BY sheet_test_id ORDER BY sheet_test_id`,
      [ids],
    );
    expect(rows).toEqual([...ids].sort().map((id) => ({ id, n: 100, cells: 100 })));
  });

  it('keeps every key of the queues in the one slot of the hash tag', () => {
    const slot = Number(execFileSync('redis-cli', ['-p', String(cluster.ports[0]), 'cluster', 'keyslot', prefix]).toString());
    const perNode = cluster.ports.map((p) =>
      execFileSync('redis-cli', ['-p', String(p), '--scan', '--pattern', `${prefix}:*`])
        .toString()
        .split('\n')
        .filter(Boolean),
    );
    const holders = perNode.filter((keys) => keys.length > 0);
    expect(holders).toHaveLength(1);
    for (const k of holders[0])
      expect(Number(execFileSync('redis-cli', ['-p', String(cluster.ports[0]), 'cluster', 'keyslot', k]).toString())).toBe(slot);
    expect(holders[0].some((k) => k.startsWith(`${prefix}:sheet-tests:`))).toBe(true);
    expect(holders[0].some((k) => k.startsWith(`${prefix}:yield-analytics:`))).toBe(true);
  });
});
