import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
// Tracking as a test stack (its own process): the driver itself imports no app.
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';
import { formatLineRunSummary, LineDriver, LineDriverError, lineRunTruth, type LineRunResult } from './line-driver';

const ROOT = path.resolve(__dirname, '../../..');

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the CLI as a child process (asynchronously: the stack under test lives in this process). */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/simulate.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, MES_ADMIN_PASSWORD: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A stand-in for the test-data service, shaped by the rig ingest contract (docs/contracts.md "Rig ingest"), in front
 * of the real tracking subgraph: it adds registerRig and sheetMap to the schema, takes sheet tests and
 * bins them crudely (NO_CONTACT → soft bin 0, anything else → 1). It exists because the real service
 * does not yet; it checks the driver's side of the contract, not binning.
 */
class FakeIngest {
  server!: Server;
  url = '';
  routeMissing = false;
  posts: { testId: string; sheet: string; cells: number; gzip: boolean; noContact: number }[] = [];
  private bins = new Map<string, (number | null)[]>();
  private tests = new Map<string, { polls: number; bins: Map<number, number>; cells: number }>();

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    this.server = createHttpServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let raw = Buffer.concat(chunks);
    const gzip = req.headers['content-encoding'] === 'gzip';
    if (gzip) raw = gunzipSync(raw);
    if (req.url === '/graphql')
      return this.graphql(req, JSON.parse(raw.toString()) as { query: string; variables: Record<string, unknown> });
    if (this.routeMissing)
      return { status: 404, body: { message: `Cannot ${req.method} ${req.url}`, error: 'Not Found', statusCode: 404 } };
    if (req.headers['x-api-key'] !== 'fake-key')
      return { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'unknown key' } } };
    if (req.method === 'POST' && req.url === '/api/v1/sheet-tests') {
      const t = JSON.parse(raw.toString()) as {
        testId: string;
        sheet: string;
        frequenciesHz: number[];
        cells: { row: number; col: number; status?: string; zReOhm?: number[] }[];
      };
      if (!/^[A-Za-z0-9._:-]{1,64}$/.test(t.testId))
        return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'testId' } } };
      if (t.cells.some((c) => c.status !== 'NO_CONTACT' && c.zReOhm?.length !== t.frequenciesHz.length)) {
        return { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'zReOhm length' } } };
      }
      const map = this.bins.get(t.sheet) ?? new Array<number | null>(2500).fill(null);
      const bins = new Map<number, number>();
      for (const c of t.cells) {
        const bin = c.status === 'NO_CONTACT' ? 0 : 1;
        map[c.row * 50 + c.col] = bin;
        bins.set(bin, (bins.get(bin) ?? 0) + 1);
      }
      this.bins.set(t.sheet, map);
      const id = `st-${this.tests.size + 1}`;
      this.tests.set(id, { polls: 0, bins, cells: t.cells.length });
      this.posts.push({ testId: t.testId, sheet: t.sheet, cells: t.cells.length, gzip, noContact: bins.get(0) ?? 0 });
      return { status: 202, body: { sheetTestId: id, sheet: t.sheet, cells: t.cells.length, status: 'QUEUED' } };
    }
    const got = /^\/api\/v1\/sheet-tests\/(.+)$/.exec(req.url ?? '');
    const test = got ? this.tests.get(got[1]) : undefined;
    if (req.method === 'GET' && test) {
      const done = ++test.polls > 1;
      return {
        status: 200,
        body: {
          status: done ? 'DONE' : 'BINNING',
          cellsBinned: done ? test.cells : 0,
          cells: test.cells,
          bins: done ? [...test.bins].map(([softBin, count]) => ({ softBin, count })) : [],
        },
      };
    }
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: `no ${req.url}` } } };
  }

  private async graphql(
    req: IncomingMessage,
    body: { query: string; variables: Record<string, unknown> },
  ): Promise<{ status: number; body: unknown }> {
    if (body.query.includes('registerRig(')) {
      return { status: 200, body: { data: { registerRig: { rig: { id: '1', name: body.variables.n }, apiKey: 'fake-key' } } } };
    }
    if (body.query.includes('sheetMap(')) {
      const values = this.bins.get(String(body.variables.s)) ?? [];
      return { status: 200, body: { data: { sheetMap: { rows: 50, cols: 50, values } } } };
    }
    const res = await fetch(this.upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { data?: { __type?: { fields: { name: string }[] }; query?: { fields: { name: string }[] } } };
    answer.data?.__type?.fields.push({ name: 'registerRig' });
    answer.data?.query?.fields.push({ name: 'sheetMap' });
    return { status: res.status, body: answer };
  }
}

interface SheetState {
  barcode: string;
  sheetIndex: number;
  mdStartMm: number;
  mdEndMm: number;
  operation: string | null;
  stepState: string;
  status: string;
}

describe('LineDriver against a real tracking stack', () => {
  let stack: TrackingTestStack;
  let adminPassword: string;
  let base: string;
  let result: LineRunResult;
  const lines: string[] = [];

  beforeAll(async () => {
    stack = await startTrackingTestStack('line_driver');
    adminPassword = stack.config.auth.adminPassword ?? '';
    base = stack.url.replace(/\/graphql$/, '');
    result = await new LineDriver({
      url: base,
      username: 'admin',
      password: adminPassword,
      product: 'TFB-0505',
      rolls: 1,
      sheets: 3,
      seed: 7,
      rollPrefix: 'SIMTEST',
      keepTruth: true,
      log: (l) => lines.push(l),
    }).run();
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
  }, STACK_START_MS);

  it('registers the roll, follows the route and cuts the sheets with the right MD intervals', async () => {
    expect(result.product.steps.map((s) => s.operation)).toEqual([
      'INCOMING_FOIL',
      'WEB_CLEAN',
      'LCO_DEPOSITION',
      'LCO_ANNEAL',
      'CUT_TO_SHEETS',
      'LIPON_DEPOSITION',
      'INTERLAYER',
      'NEG_COLLECTOR',
      'PATTERNING',
      'INSPECTION',
      'SHEET_TEST',
      'SINGULATION',
    ]);
    // 4 ROLL steps + the cut step, then 5 SHEET steps for each of 3 sheets, 2 scans each
    expect(result.counts).toEqual({
      rolls: 1,
      sheets: 3,
      cells: 3 * 50 * 50,
      scans: 2 * 5 + 3 * 5 * 2,
      testsPosted: 0,
      retestsPosted: 0,
      testsRejected: 0,
      inspectionsPosted: 0,
      processRuns: 0,
      traceSamples: 0,
      // every sheet patterned with the product's layout at PATTERNING; none misregistered by default
      sheetsPatterned: 3,
      sheetsMisregistered: 0,
    });
    expect(result.rolls.map((r) => r.barcode)).toEqual(['SIMTEST-1']);
    // leader + trailer + 3 sheets of 300 mm
    expect(result.rolls[0].lengthM).toBeCloseTo(2.9, 9);

    const data = await stack.admin.ok<{ roll: { status: string; sheetsCut: number; lengthMm: number; sheets: SheetState[] } }>(
      'query($b: String!) { roll(barcode: $b) { status sheetsCut lengthMm sheets { barcode sheetIndex mdStartMm mdEndMm operation stepState status } } }',
      { b: 'SIMTEST-1' },
    );
    expect(data.roll.status).toBe('CONSUMED');
    expect(data.roll.sheetsCut).toBe(3);
    const sheets = [...data.roll.sheets].sort((a, b) => a.sheetIndex - b.sheetIndex);
    expect(sheets).toEqual(
      [0, 1, 2].map((i) => ({
        barcode: `S-SIMTEST-1-000${i + 1}`,
        sheetIndex: i + 1,
        mdStartMm: 1000 + 300 * i,
        mdEndMm: 1300 + 300 * i,
        operation: 'SHEET_TEST',
        stepState: 'WAITING',
        status: 'ACTIVE',
      })),
    );
    expect(result.rolls[0].sheets.map((s) => [s.barcode, s.operation, s.stepState])).toEqual(
      sheets.map((s) => [s.barcode, 'SHEET_TEST', 'WAITING']),
    );
  });

  it('reports the process step and the test step as skipped, with the reasons, once each', () => {
    expect(result.skipped.process).toBe(
      `process runs and equipment traces skipped: the GraphQL schema at ${base}/graphql has no process-run mutation (the process service is not deployed)`,
    );
    expect(result.skipped.test).toBe(
      `sheet-test ingest is not available at ${base}: the GraphQL schema has no registerRig mutation (the test-data service is not deployed); skipping the test step`,
    );
    expect(lines.filter((l) => l === result.skipped.process)).toHaveLength(1);
    expect(lines.filter((l) => l === result.skipped.test)).toHaveLength(1);
    const summary = formatLineRunSummary(result);
    expect(summary[0]).toMatch(/^summary: 1 roll, 3 sheets, 7500 cells, 40 scans, 0 sheet tests posted/);
    expect(summary).toContain('sheets: 3 WAITING at SHEET_TEST');
    expect(summary).toContain('skipped steps: process runs and equipment traces; sheet test (reasons above)');
    expect(result.bins).toBeUndefined();
  });

  it('keeps a ground truth whose cells sit where the MES placed them', async () => {
    const truth = lineRunTruth(result) as {
      rolls: { sheets: { barcode: string; cells: { row: number; col: number; kind: string; mdMm: number; cdMm: number }[] }[] }[];
    };
    const sheet = truth.rolls[0].sheets[1];
    expect(sheet.cells).toHaveLength(2500);
    const kinds = new Set(truth.rolls[0].sheets.flatMap((s) => s.cells.map((c) => c.kind)));
    expect(kinds.has('GOOD')).toBe(true);
    const data = await stack.admin.ok<{ sheet: { cells: { row: number; col: number; mdMm: number; cdMm: number }[] } }>(
      'query($b: String!) { sheet(barcode: $b) { cells { row col mdMm cdMm } } }',
      { b: sheet.barcode },
    );
    expect(data.sheet.cells).toHaveLength(2500);
    for (const [i, c] of data.sheet.cells.entries()) {
      const t = sheet.cells[i];
      expect([t.row, t.col]).toEqual([c.row, c.col]);
      expect(t.mdMm).toBeCloseTo(c.mdMm, 2);
      expect(t.cdMm).toBeCloseTo(c.cdMm, 2);
    }
  });

  it('is deterministic: the same seed gives the same truth for the same sheet of a new roll', async () => {
    const again = await new LineDriver({
      url: base,
      username: 'admin',
      password: adminPassword,
      sheets: 1,
      seed: 7,
      rollPrefix: 'SIMTEST-B',
      keepTruth: true,
    }).run();
    expect(again.rolls[0].sheets[0].truth).toEqual(result.rolls[0].sheets[0].truth);
  });

  it('gives one-line errors for an unreachable URL, a wrong password and an unknown product', async () => {
    const port = await freePort();
    const unreachable = new LineDriver({ url: `http://127.0.0.1:${port}`, username: 'admin', password: 'x' }).run();
    await expect(unreachable).rejects.toThrow(LineDriverError);
    await expect(unreachable).rejects.toMatchObject({
      code: 'UNREACHABLE',
      message: expect.stringMatching(
        new RegExp(`^cannot reach the MES at http://127\\.0\\.0\\.1:${port}/graphql: fetch failed: .*ECONNREFUSED`),
      ),
    });
    await expect(new LineDriver({ url: base, username: 'admin', password: 'wrong-password' }).run()).rejects.toMatchObject({
      code: 'LOGIN_FAILED',
      message: expect.stringMatching(/^login as admin at .* failed: UNAUTHENTICATED: /),
    });
    await expect(new LineDriver({ url: base, username: 'admin', password: adminPassword, product: 'NOPE' }).run()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^product NOPE does not exist at /),
    });
    await expect(new LineDriver({ url: `${base}/nothing-here`, username: 'admin', password: 'x' }).run()).rejects.toMatchObject({
      code: 'NOT_AN_MES',
    });
  });

  it('CLI: bad flags and an unreachable URL print one line and exit 2', async () => {
    for (const [args, message] of [
      [['--rolls', '0'], 'simulate: --rolls must be an integer from 1 to 1000, got "0" (see --help)'],
      [['--frobnicate'], 'simulate: unknown option --frobnicate (see --help)'],
    ] as const) {
      const r = await cli([...args, '--password', 'x'.repeat(8)]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `${message}\n` });
      expect(r.stdout).toBe('');
    }
    const port = await freePort();
    const r = await cli(['--url', `http://127.0.0.1:${port}`, '--password', 'whatever1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^simulate: cannot reach the MES at http://127\\.0\\.0\\.1:${port}/graphql: [^\\n]*\\n$`));
    const unknown = await cli(['--url', base, '--product', 'NOPE'], { MES_ADMIN_PASSWORD: adminPassword });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^simulate: product NOPE does not exist at [^\n]*\n$/);
  }, 60_000);

  it('CLI: runs end to end and writes the ground truth', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simulate-'));
    try {
      const file = path.join(dir, 'truth.json');
      const r = await cli(['--url', base, '--sheets', '2', '--seed', '3', '--prefix', 'SIMCLI', '--truth', file], {
        MES_ADMIN_PASSWORD: adminPassword,
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('roll SIMCLI-1: registered (2.6 m)');
      expect(r.stdout).toContain(`sheet-test ingest is not available at ${base}: the GraphQL schema has no registerRig mutation`);
      expect(r.stdout).toMatch(/summary: 1 roll, 2 sheets, 5000 cells, 30 scans, 0 sheet tests posted/);
      const truth = JSON.parse(readFileSync(file, 'utf8')) as {
        seed: number;
        rolls: { barcode: string; sheets: { barcode: string; cells: unknown[] }[] }[];
      };
      expect(truth.seed).toBe(3);
      expect(truth.rolls[0].sheets.map((s) => [s.barcode, s.cells.length])).toEqual([
        ['S-SIMCLI-1-0001', 2500],
        ['S-SIMCLI-1-0002', 2500],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
  describe('with a contract-shaped stand-in for the test-data service', () => {
    let fake: FakeIngest;

    beforeAll(async () => {
      fake = new FakeIngest(stack.url);
      await fake.start();
    });

    afterAll(async () => {
      await fake?.close();
    });

    it('registers a rig, posts every sheet (gzip), polls until DONE and retests only the soft-bin-0 cells', async () => {
      fake.posts = [];
      fake.routeMissing = false;
      const r = await new LineDriver({
        url: fake.url,
        username: 'admin',
        password: adminPassword,
        sheets: 2,
        seed: 11,
        gzip: true,
        rollPrefix: 'SIMFAKE',
        pollIntervalMs: 10,
      }).run();
      expect(r.skipped.test).toBeUndefined();
      const firsts = fake.posts.filter((p) => p.testId.endsWith('-T0'));
      const retests = fake.posts.filter((p) => p.testId.endsWith('-T1'));
      expect(firsts.map((p) => [p.sheet, p.cells]).sort()).toEqual([
        ['S-SIMFAKE-1-0001', 2500],
        ['S-SIMFAKE-1-0002', 2500],
      ]);
      expect(fake.posts.every((p) => p.gzip)).toBe(true);
      // every NO_CONTACT cell (soft bin 0) is retested once, and only those; the retest clears them
      for (const first of firsts.filter((p) => p.noContact > 0)) {
        expect(retests.find((p) => p.sheet === first.sheet)).toMatchObject({ cells: first.noContact, noContact: 0 });
      }
      expect(retests).toHaveLength(firsts.filter((p) => p.noContact > 0).length);
      expect(retests.length).toBeGreaterThan(0);
      expect(r.counts).toMatchObject({ sheets: 2, testsPosted: 2, retestsPosted: retests.length, testsRejected: 0 });
      expect(r.bins).toEqual([{ softBin: 1, count: 5000 }]);
      expect(r.rolls[0].sheets.map((s) => s.test?.status)).toEqual(['DONE', 'DONE']);
      const noContactTruth = r.rolls[0].sheets.reduce((n, s) => n + (s.truthCounts?.CONTACT_OPEN ?? 0), 0);
      expect(noContactTruth).toBeGreaterThanOrEqual(firsts.reduce((n, p) => n + p.noContact, 0));
      expect(formatLineRunSummary(r).join('\n')).toMatch(
        /soft bins \(after retests\): 1: 5000\nbins vs truth: pass \(soft 1-9\) 5000 vs GOOD \d+/,
      );
    });

    it('skips the test step with one line when the ingest route answers 404', async () => {
      fake.posts = [];
      fake.routeMissing = true;
      const lines: string[] = [];
      const r = await new LineDriver({
        url: fake.url,
        username: 'admin',
        password: adminPassword,
        sheets: 2,
        rollPrefix: 'SIMFAKE404',
        log: (l) => lines.push(l),
      }).run();
      const reason = `sheet-test ingest is not available at ${fake.url}: POST /api/v1/sheet-tests answered 404 for the route; skipping the test step`;
      expect(r.skipped.test).toBe(reason);
      expect(lines.filter((l) => l === reason)).toHaveLength(1);
      expect(r.counts.testsPosted).toBe(0);
    });
  });
});
