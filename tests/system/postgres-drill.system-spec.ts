import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';
import { startOwnPostgres, type OwnPostgres } from '../support/own-services';

/**
 * Fault drill: the MES's PostgreSQL stopped and started again while rigs post sheets, stations scan
 * and equipment posts trace batches. What came during the outage is refused with a 503 (REST) or a
 * GraphQL error saying the storage is unavailable, and succeeds on retry; nothing accepted before is
 * lost; every accepted sheet ends DONE with each cell binned once; no app process exits. The
 * PostgreSQL is the drill's own cluster (initdb/pg_ctl), never the shared one.
 */
describe('drill: PostgreSQL stopped and started during ingest, scans and trace batches', () => {
  let pg: OwnPostgres;
  let mes: MesProcesses;
  let db: Client;
  let rigKey: string;
  let equipmentKey: string;
  let runId: string;
  const CELLS = 100;
  const OUTAGE_MS = 45_000;
  const serverUrl = process.env.MES_TEST_DATABASE_URL;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    process.env.MES_TEST_DATABASE_URL = pg.url; // createTestDatabase makes the MES's database there
    mes = await startMesProcesses('pgdrill');
    rigKey = (await mes.admin.ok('mutation { registerRig(name: "RIG PG", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
    runId = (
      await mes.admin.ok(
        'mutation { startProcessRun(input: { unitBarcode: "R0002", equipmentCode: "SPT-LCO-1", recipe: { name: "LCO-SPUTTER-10UM", version: 1 }, mdStartMm: 0, mdEndMm: 3500 }) { id } }',
      )
    ).startProcessRun.id;
    equipmentKey = (await mes.admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey.apiKey;
  }, 900_000); // every app started on a machine shared with other suites
  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await mes?.close();
    pg?.close();
    if (serverUrl === undefined) delete process.env.MES_TEST_DATABASE_URL;
    else process.env.MES_TEST_DATABASE_URL = serverUrl;
  });

  const postSheet = (n: number) => {
    const sim = simulateSheet({ seed: 70 + n, sheetIndex: n, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
    return fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': rigKey },
      body: JSON.stringify(
        toSheetTestBody(sim, { testId: `PG-${n}`, sheet: `S-R0001-${String(n).padStart(4, '0')}`, startedAt: '2026-11-22T10:00:00Z' }),
      ),
    });
  };
  const postBatch = (b: number) =>
    fetch(`${mes.gatewayUrl}/api/v1/equipment-traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': equipmentKey },
      body: JSON.stringify({
        batchId: `pg-${b}`,
        runId,
        t0: new Date(Date.now() - 3600_000 + b * 10_000).toISOString(),
        tS: [0, 1, 2, 3],
        channels: {
          web_speed: { unit: 'm/min', values: [0.05, 0.05, 0.05, 0.05] },
          power: { unit: 'W', values: [2000, 2000, 2000, 2000] },
        },
      }),
    });
  const scan = (n: number) =>
    mes.admin.request(
      `mutation { scan(input: { barcode: "S-R0001-${String(n).padStart(4, '0')}", stationCode: "TST-1", action: TRACK_IN }) { stepState } }`,
    );

  /** Retries a call refused because the storage was unavailable until it is accepted (at most a minute). */
  async function retried<T>(what: string, call: () => Promise<T>, ok: (r: T) => Promise<boolean>): Promise<T> {
    for (let i = 0; i < 60; i++) {
      const r = await call();
      if (await ok(r)) return r;
      await new Promise((res) => setTimeout(res, 1000));
    }
    throw new Error(`${what} was not accepted within a minute of PostgreSQL's return`);
  }

  const scanCount = async (c: Client) =>
    (
      await c.query(
        `SELECT count(*)::int AS n FROM tracking.scan_events e JOIN tracking.sheets s ON s.id = e.unit_id WHERE s.barcode = ANY($1)`,
        [['S-R0001-0011', 'S-R0001-0012']],
      )
    ).rows[0].n as number;

  it('refuses with 503 / storage unavailable during the outage, accepts on retry, and loses nothing', async () => {
    // closed before the outage: a pg client losing its server emits an error nobody would handle
    const before = new Client({ connectionString: mes.db.url });
    await before.connect();
    const scansBefore = await scanCount(before);
    await before.end();
    // Before the outage: one of each, accepted; the sheet just before, so its binning meets the outage.
    expect((await scan(11)).errors).toBeUndefined();
    expect((await postBatch(1)).status).toBe(201);
    const res1 = await postSheet(1);
    expect(res1.status).toBe(202);
    const ids = [((await res1.json()) as { sheetTestId: string }).sheetTestId];

    pg.stop();
    const stoppedAt = Date.now();
    const sheetDuring = await postSheet(2);
    expect(sheetDuring.status).toBe(503);
    expect(((await sheetDuring.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringMatching(/storage is unavailable/i),
    });
    const batchDuring = await postBatch(2);
    expect(batchDuring.status).toBe(503);
    expect(((await batchDuring.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    const scanDuring = await scan(12);
    expect(scanDuring.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/storage is unavailable/i),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });

    // Longer than a job's attempts (5, about 30 s of backoff): the sheet's jobs fail while it is down.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    await pg.start();
    const sheet2 = await retried(
      'sheet 2',
      () => postSheet(2),
      async (r) => r.status === 202,
    );
    ids.push(((await sheet2.json()) as { sheetTestId: string }).sheetTestId);
    await retried(
      'the scan of sheet 12',
      () => scan(12),
      async (r) => !r.errors,
    );
    await retried(
      'trace batch 2',
      () => postBatch(2),
      async (r) => r.status === 201,
    );

    // Nothing accepted is lost; everything accepted is there once.
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    expect(await scanCount(db)).toBe(scansBefore + 2);
    const batches = await db.query(`SELECT batch_id FROM process.trace_batches ORDER BY batch_id`);
    expect(batches.rows.map((r) => r.batch_id)).toEqual(['pg-1', 'pg-2']);
    const t0 = Date.now();
    for (;;) {
      const done = await db.query(`SELECT count(*)::int AS n FROM test_data.sheet_tests WHERE id = ANY($1) AND status = 'DONE'`, [ids]);
      if (done.rows[0].n === ids.length) break;
      if (Date.now() - t0 > 150_000) throw new Error('the sheets accepted around the outage were not DONE within 150 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    process.stdout.write(`postgres drill: both sheets DONE ${Date.now() - t0} ms after the retries\n`);
    const cells = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT (sheet_test_id, row, col))::int AS cells FROM test_data.cell_results WHERE sheet_test_id = ANY($1)`,
      [ids],
    );
    expect(cells.rows[0]).toEqual({ n: 2 * CELLS, cells: 2 * CELLS });
    expect(mes.exited()).toEqual([]);
  }, 400_000);
});
