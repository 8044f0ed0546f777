import { randomUUID } from 'node:crypto';
import { GraphqlClient } from '@mes/testing';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type AppName, type MesProcesses } from '../support/mes-processes';

const APPS: AppName[] = ['gateway', 'tracking', 'test-data', 'process', 'assembly', 'binning-worker'];

/** The sum of a metric's samples whose labels include the given ones (0 when there is none yet). */
function sample(text: string, name: string, labels: Record<string, string | RegExp> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => (typeof v === 'string' ? got[k] === v : v.test(got[k] ?? '')))) sum += Number(m[3]);
  }
  return sum;
}

/** How many series of a metric have the given labels. */
function seriesCount(text: string, name: string, labels: Record<string, string>): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))).length;
}

interface LogLine {
  time: string;
  level: string;
  app: string;
  context?: string;
  correlationId?: string;
  message: string;
}

/** Watching the line: /metrics of every app, JSON log lines with the request's correlation id, the queue dashboard. */
describe('observability of the running MES', () => {
  let mes: MesProcesses;
  let rigKey: string;
  let operator: GraphqlClient;
  const metrics = async (app: AppName) => {
    const res = await fetch(`${mes.appUrls[app]}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const logLines = (app: AppName): LogLine[] =>
    mes
      .logsOf(app)
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as LogLine);
  const sim = simulateSheet({ seed: 5, sheetIndex: 2, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
  const postSheet = (sheet: string, testId: string, correlationId: string, retest = false) =>
    fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': rigKey, 'x-correlation-id': correlationId },
      body: JSON.stringify(
        toSheetTestBody(
          retest ? simulateSheet({ seed: 5, sheetIndex: 2, rows: 50, cols: 50, cellActiveAreaCm2: 0.25, retest: true }) : sim,
          {
            testId,
            sheet,
            startedAt: '2026-12-02T06:00:00Z',
          },
        ),
      ),
    });
  const waitDone = async (sheetTestId: string) => {
    let status: { status: string } | undefined;
    for (let i = 0; i < 480 && status?.status !== 'DONE' && status?.status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': rigKey } });
      status = (await res.json()) as { status: string };
    }
    expect(status?.status).toBe('DONE');
  };

  beforeAll(async () => {
    // JSON logs, with the per-request debug lines, as a log shipper would read them.
    mes = await startMesProcesses('observe', { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, { captureLogs: true });
    rigKey = (await mes.admin.ok('mutation { registerRig(name: "RIG 9", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
    await mes.admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
      i: { username: 'olga', password: 'password-123', role: 'OPERATOR' },
    });
    operator = await new GraphqlClient(mes.graphqlUrl).login('olga', 'password-123');
  }, 600_000);
  afterAll(() => mes?.close());

  it('every app answers GET /metrics in the Prometheus text format, labelled with its name', async () => {
    for (const app of APPS) {
      const res = await fetch(`${mes.appUrls[app]}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE mes_process_resident_memory_bytes gauge');
      expect(sample(text, 'mes_process_resident_memory_bytes', { app })).toBeGreaterThan(0);
    }
  });

  it('counts a scan at its station and a hold placed', async () => {
    const before = await metrics('tracking');
    const scan = await operator.ok(
      'mutation ObsScan { scan(input: { barcode: "R0002", stationCode: "LCO-1", action: TRACK_IN }) { stepState } }',
    );
    expect(scan.scan.stepState).toBe('IN_PROCESS');
    await mes.admin.ok(
      'mutation { placeHold(input: { target: SHEET, sheetBarcode: "S-R0001-0020", reason: "scratch seen at inspection" }) { id } }',
    );
    const after = await metrics('tracking');
    const scans = { station: 'LCO-1', action: 'TRACK_IN', outcome: 'accepted' };
    expect(sample(after, 'mes_scans_total', scans) - sample(before, 'mes_scans_total', scans)).toBe(1);
    expect(sample(after, 'mes_scans_total', { station: 'TST-1' })).toBe(sample(before, 'mes_scans_total', { station: 'TST-1' }));
    const holds = { target: 'SHEET', source: 'person' };
    expect(sample(after, 'mes_holds_placed_total', holds) - sample(before, 'mes_holds_placed_total', holds)).toBe(1);
    // The operation's duration, by its name, on the gateway and on the subgraph that answered its
    // part (which the gateway names after it: ObsScan__tracking__0).
    const count = 'mes_graphql_operation_duration_seconds_count';
    expect(sample(await metrics('gateway'), count, { operation: 'ObsScan', type: 'mutation', outcome: 'ok' })).toBe(1);
    expect(sample(await metrics('tracking'), count, { operation: /^ObsScan__tracking__\d+$/, type: 'mutation', outcome: 'ok' })).toBe(1);
  });

  it('counts the sheets and cells a worker bins, the yield of the sheet, the jobs and the queue, and logs it all under the rig post’s correlation id', async () => {
    const correlationId = `obs-${randomUUID()}`;
    const before = await metrics('binning-worker');
    const res = await postSheet('S-R0001-0002', 'RIG9-OBS-0001', correlationId);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    await waitDone(sheetTestId);

    const worker = await metrics('binning-worker');
    const product = { product: 'TFB-0505' };
    expect(sample(worker, 'mes_sheets_binned_total', product) - sample(before, 'mes_sheets_binned_total', product)).toBe(1);
    expect(sample(worker, 'mes_cells_binned_total', product) - sample(before, 'mes_cells_binned_total', product)).toBe(2500);
    expect(
      sample(worker, 'mes_queue_job_duration_seconds_count', { queue: 'sheet-tests', job: 'fit-cells', outcome: 'completed' }),
    ).toBeGreaterThan(0);
    const testData = await metrics('test-data');
    for (const state of ['waiting', 'active', 'delayed', 'failed'])
      expect(seriesCount(testData, 'mes_queue_jobs', { queue: 'sheet-tests', state, app: 'test-data' })).toBe(1);
    expect(
      sample(testData, 'mes_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/sheet-tests', status: '2xx' }),
    ).toBe(1);

    // The rig-fault cells are retested; then the sheet moves on and its yield is counted.
    const retest = await postSheet('S-R0001-0002', 'RIG9-OBS-0002', `${correlationId}-retest`, true);
    expect(retest.status).toBe(202);
    await waitDone(((await retest.json()) as { sheetTestId: string }).sheetTestId);
    let moved = 0;
    for (let i = 0; i < 120 && moved === 0; i++) {
      moved = sample(await metrics('binning-worker'), 'mes_sheet_yield_ratio_count', product);
      if (moved === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(moved).toBe(1);
    expect(sample(await metrics('binning-worker'), 'mes_last_sheet_yield_ratio', product)).toBeGreaterThan(0.5);

    // Every line every app wrote is one JSON event with time, level, app and message.
    for (const app of APPS)
      for (const line of logLines(app)) {
        expect(line).toMatchObject({ app, time: expect.any(String), level: expect.any(String), message: expect.any(String) });
      }
    // The request's lines in the gateway and in test-data, and every worker line about this test, carry its id.
    const ours = (app: AppName) => logLines(app).filter((l) => l.correlationId === correlationId);
    expect(ours('gateway').map((l) => l.message)).toContainEqual(expect.stringMatching(/^POST \/api\/v1\/sheet-tests 202 \d+ ms$/));
    expect(ours('test-data').map((l) => l.message)).toContainEqual(expect.stringMatching(/^POST \/api\/v1\/sheet-tests 202 \d+ ms$/));
    const workerLines = logLines('binning-worker');
    const aboutThisTest = workerLines.filter((l) => l.message.includes('RIG9-OBS-0001') || l.message.includes(sheetTestId));
    expect(aboutThisTest.map((l) => l.message)).toContainEqual(expect.stringMatching(/^sheet test RIG9-OBS-0001 \(2500 cells\) binned/));
    for (const line of aboutThisTest) expect(line.correlationId).toBe(correlationId);
    const jobLines = workerLines.filter(
      (l) => l.correlationId === correlationId && /^job (bin-sheet-test|fit-cells|finish-sheet-test) /.test(l.message),
    );
    expect(new Set(jobLines.map((l) => l.message.split(' ')[1]))).toEqual(new Set(['bin-sheet-test', 'fit-cells', 'finish-sheet-test']));
  });

  it('makes a correlation id at the gateway when the caller sends none, and passes it to the subgraph', async () => {
    const res = await fetch(mes.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator.token}` },
      body: JSON.stringify({ query: 'query ObsStations { stations { code } }' }),
    });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-correlation-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 200)); // the subgraph's line may land just after the answer
    expect(
      logLines('tracking')
        .filter((l) => l.correlationId === id)
        .map((l) => l.message),
    ).toContainEqual(expect.stringMatching(/^POST \/graphql 200 \d+ ms$/));
  });

  describe('the queue dashboard (Bull Board) is for admins only', () => {
    const board = (path: string, init: RequestInit = {}) => fetch(`${mes.gatewayUrl}/admin/queues${path}`, { redirect: 'manual', ...init });
    const bearer = (token: string | undefined) => ({ headers: { authorization: `Bearer ${token}` } });

    it('shows an admin the page and the MES queues', async () => {
      const page = await board('/', bearer(mes.admin.token));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('MES queues');
      const api = await board('/api/queues', bearer(mes.admin.token));
      expect(api.status).toBe(200);
      const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
      expect(names).toEqual(['sheet-tests', 'yield-analytics']);
    });

    it('refuses an operator (403), a forged token and no token (401), with the reason', async () => {
      const op = await board('/api/queues', bearer(operator.token));
      expect(op.status).toBe(403);
      expect(((await op.json()) as { error: { message: string } }).error.message).toBe(
        'The queue dashboard is for the ADMIN role; olga is OPERATOR',
      );
      expect((await board('/', bearer('not-a-token'))).status).toBe(401);
      const anonymous = await board('/api/queues');
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      expect((await board('/session', { method: 'POST', ...bearer(operator.token) })).status).toBe(403);
    });

    it('gives an admin’s browser a cookie for its page loads, limited to the dashboard', async () => {
      const session = await board('/session', { method: 'POST', ...bearer(mes.admin.token) });
      expect(session.status).toBe(204);
      const cookie = session.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^mes_queue_board=[^;]+; Path=\/admin\/queues; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
      const page = await board('/api/queues', { headers: { cookie: cookie.split(';')[0] } });
      expect(page.status).toBe(200);
    });
  });
});
