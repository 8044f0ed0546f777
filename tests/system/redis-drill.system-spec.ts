import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';
import { startOwnRedis, type OwnRedis } from '../support/own-services';

/**
 * Fault drill: the MES's Redis killed (SIGKILL) while rigs post sheets, once restarted with its
 * append-only file and once restarted empty (as a Redis without persistence comes back). Every
 * accepted sheet test ends DONE with every cell binned exactly once; jobs Redis lost are found and
 * added again by the sweeper within two minutes; no app process exits. The Redis is the drill's own.
 */
describe('drill: Redis killed during ingest', () => {
  let redis: OwnRedis;
  let mes: MesProcesses;
  let db: Client;
  let key: string;
  const CELLS = 100;

  beforeAll(async () => {
    redis = await startOwnRedis({ appendOnly: true });
    mes = await startMesProcesses('redisdrill', { REDIS_URL: redis.url });
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    key = (await mes.admin.ok('mutation { registerRig(name: "RIG DRILL", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
  }, 900_000); // every app started on a machine shared with other suites
  afterAll(async () => {
    await db?.end();
    await mes?.close();
    await redis?.close();
  });

  /** A 10 x 10 corner of sheet n (the validator takes part of a sheet). */
  const post = (n: number) => {
    const sim = simulateSheet({ seed: 40 + n, sheetIndex: n, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
    const sheet = `S-R0001-${String(n).padStart(4, '0')}`;
    return fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(toSheetTestBody(sim, { testId: `DRILL-${n}`, sheet, startedAt: '2026-11-22T10:00:00Z' })),
    });
  };

  /** Posts sheet n until it is accepted (a 503 while Redis is down is a documented answer: retry). */
  async function accepted(n: number): Promise<string> {
    for (let i = 0; i < 60; i++) {
      const res = await post(n);
      if (res.status === 202 || res.status === 200) return ((await res.json()) as { sheetTestId: string }).sheetTestId;
      const body = (await res.json()) as { error: { code: string } };
      if (!(res.status === 503 && body.error.code === 'SERVICE_UNAVAILABLE'))
        throw new Error(`sheet ${n}: ${res.status} ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`sheet ${n} was never accepted`);
  }

  async function allDoneWithin(ids: string[], ms: number): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM test_data.sheet_tests WHERE id = ANY($1) AND status = 'DONE'`,
        [ids],
      );
      if (rows[0].n === ids.length) return Date.now() - t0;
      if (Date.now() - t0 > ms) {
        const st = await db.query('SELECT id, status FROM test_data.sheet_tests WHERE id = ANY($1)', [ids]);
        throw new Error(`not every test DONE after ${ms} ms: ${JSON.stringify(st.rows)}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function expectBinnedOnce(ids: string[]): Promise<void> {
    const { rows } = await db.query(
      `SELECT sheet_test_id AS id, count(*)::int AS n, count(DISTINCT (row, col))::int AS cells
         FROM test_data.cell_results WHERE sheet_test_id = ANY($1) GROUP BY sheet_test_id ORDER BY sheet_test_id`,
      [ids],
    );
    expect(rows).toEqual([...ids].sort().map((id) => ({ id, n: CELLS, cells: CELLS })));
  }

  async function drill(n0: number, restartEmpty: boolean): Promise<void> {
    const ids = [await accepted(n0), await accepted(n0 + 1)];
    await redis.kill();
    // Posted while Redis is down: stored in PostgreSQL (202) or refused with a 503 and retried.
    const during = post(n0 + 2);
    await new Promise((r) => setTimeout(r, 2000));
    const res = await during;
    const body = (await res.json()) as { sheetTestId?: string; error?: { code: string } };
    if (res.status === 202) ids.push(body.sheetTestId as string);
    else expect([res.status, body.error?.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    await redis.start(restartEmpty ? { empty: true } : {});
    if (res.status !== 202) ids.push(await accepted(n0 + 2));
    ids.push(await accepted(n0 + 3));
    const ms = await allDoneWithin(ids, 150_000);
    process.stdout.write(
      `redis drill (${restartEmpty ? 'restarted empty' : 'restarted with AOF'}): every test DONE ${ms} ms after the restart\n`,
    );
    await expectBinnedOnce(ids);
    expect(mes.exited()).toEqual([]);
  }

  it('loses nothing when Redis is killed and restarts with its append-only file', async () => {
    await drill(1, false);
  }, 400_000);

  it('finds the jobs a Redis restarted empty lost and bins every cell exactly once', async () => {
    await drill(5, true);
  }, 400_000);
});
