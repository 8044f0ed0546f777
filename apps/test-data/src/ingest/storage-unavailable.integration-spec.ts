import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { createTestDatabase, testConfig, type TestDatabase } from '@mes/testing';
import { startTestData } from '../bootstrap';
import { migrateTestData } from '@mes/test-data-store';

/**
 * A plug between the service and PostgreSQL: a TCP proxy that can be pulled (every connection cut,
 * new ones refused) and put back, so the service sees its storage go away and come back.
 */
class DatabasePlug {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async connect(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async pull(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** The contract's 503: storage unavailable, nothing stored, retrying is safe. */
describe('rig ingest while PostgreSQL is unavailable', () => {
  let db: TestDatabase;
  let plug: DatabasePlug;
  let app: INestApplication;
  let url: string;
  let direct: Client;
  const secret = randomBytes(32).toString('base64url');
  let key: string;
  const sim = simulateSheet({ seed: 4, sheetIndex: 1, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
  const body = JSON.stringify(toSheetTestBody(sim, { testId: 'PLUG-0001', sheet: 'S-R0001-0001', startedAt: '2026-11-22T10:00:00Z' }));
  const post = () =>
    fetch(`${url}/api/v1/sheet-tests`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });

  beforeAll(async () => {
    db = await createTestDatabase('plug');
    await migrateTestData(db.url);
    const target = new URL(db.url);
    plug = new DatabasePlug(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await plug.connect();
    const viaPlug = new URL(db.url);
    viaPlug.hostname = '127.0.0.1';
    viaPlug.port = String(plug.port);
    app = await startTestData(testConfig(viaPlug.toString(), { BULLMQ_PREFIX: `t-${db.name}` }), 0);
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    direct = new Client({ connectionString: db.url });
    await direct.connect();
    const rig = await direct.query(
      `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG PLUG', 'TST-1', $1, 'test') RETURNING id`,
      [createHash('sha256').update(secret).digest('hex')],
    );
    key = `${rig.rows[0].id}.${secret}`;
  });
  afterAll(async () => {
    await app?.close();
    await plug?.pull();
    await direct?.end();
    await db?.drop();
  });

  it('answers 503 with the contract’s error shape when the database goes away, stores nothing, and recovers', async () => {
    // The service is up and reads its storage (an unknown test is a 404, not a 503).
    expect((await fetch(`${url}/api/v1/sheet-tests/00000000-0000-0000-0000-000000000000`, { headers: { 'x-api-key': key } })).status).toBe(
      404,
    );

    await plug.pull();
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: 'Storage is unavailable: nothing was stored; retrying is safe', details: [] },
    });
    const status = await fetch(`${url}/api/v1/sheet-tests/00000000-0000-0000-0000-000000000000`, { headers: { 'x-api-key': key } });
    expect(status.status).toBe(503);

    await plug.connect();
    expect(Number((await direct.query('SELECT count(*) AS n FROM test_data.sheet_tests')).rows[0].n)).toBe(0);
    expect(Number((await direct.query('SELECT count(*) AS n FROM test_data.sheet_test_cells')).rows[0].n)).toBe(0);
    // Storage is back: the service answers from it again without a restart.
    let back = 0;
    for (let i = 0; i < 40 && back !== 404; i++) {
      back = (await fetch(`${url}/api/v1/sheet-tests/00000000-0000-0000-0000-000000000000`, { headers: { 'x-api-key': key } })).status;
      if (back !== 404) await new Promise((r) => setTimeout(r, 250));
    }
    expect(back).toBe(404);
  });
});
