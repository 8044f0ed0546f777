import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { expectedParallel, type Spectrum } from '@mes/assembly';
import { createTestDatabase, testConfig, type TestDatabase } from '@mes/testing';
import { startAssembly } from '../bootstrap';
import type { LineCellSpectrum, LineData } from '../clients/line-data';
import { migrateAssembly } from '../database/assembly-data-source';

const FREQS = [1e5, 1e4, 1e3, 100, 10, 1, 0.1];
const RIG_KEY = '12.stack-rig-key';
const SHEET_RIG_KEY = '13.sheet-rig-key';

/** A layer's spectrum: R0 + R1 || C. */
function layer(r0: number, r1: number, c: number): Spectrum & { frequenciesHz: number[]; zReOhm: number[]; zImOhm: number[] } {
  const w = FREQS.map((f) => 2 * Math.PI * f);
  return {
    frequenciesHz: FREQS,
    zReOhm: w.map((x) => r0 + r1 / (1 + (x * r1 * c) ** 2)),
    zImOhm: w.map((x) => (-x * r1 * r1 * c) / (1 + (x * r1 * c) ** 2)),
  };
}
const LAYERS = [layer(8, 300, 1e-6), layer(8.4, 310, 1e-6), layer(7.8, 295, 1e-6)];

/**
 * POST /api/v1/stack-tests on the assembly service alone: its own schema on a real PostgreSQL, with
 * tracking's and test-data's answers (rig keys, stations, cell states, layer spectra) stood in, so
 * each refusal can be shown to store nothing. The whole path with real rigs is in the system test.
 */
describe('stack tests over REST', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let pg: Client;
  let url: string;
  const line = {
    rigForKey: async (key: string) =>
      key === RIG_KEY
        ? { id: '12', name: 'STACK RIG 1', stationCode: 'STT-1' }
        : key === SHEET_RIG_KEY
          ? { id: '13', name: 'RIG A', stationCode: 'TST-1' }
          : null,
    stationOperation: async (code: string) => ({ 'STT-1': 'STACK_TEST', 'TST-1': 'SHEET_TEST' })[code] ?? null,
    cellStates: async (cells: { sheetBarcode: string; row: number; col: number }[]) =>
      cells.map((c) => ({ ...c, rollBarcode: 'R0001', mdMm: 0, cdMm: 0, status: 'ACTIVE', activeHolds: [] })),
    cellSpectra: async (cells: { row: number }[]): Promise<LineCellSpectrum[]> =>
      cells.map((c) => ({ sheetTestId: 'st-1', testId: 'RIGA-0001', status: 'OK', ...LAYERS[c.row] })),
  } as unknown as LineData;
  const count = async () => Number((await pg.query('SELECT count(*) AS n FROM assembly.stack_tests')).rows[0].n);
  const measured = expectedParallel(LAYERS, FREQS);
  const body = {
    testId: 'STR1-0001',
    stack: 'STK-0001',
    ocvV: 0.4,
    frequenciesHz: FREQS,
    zReOhm: measured.zReOhm,
    zImOhm: measured.zImOhm,
  };
  const post = async (b: unknown, headers: Record<string, string> = { 'x-api-key': RIG_KEY }) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof b === 'string' ? b : JSON.stringify(b),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    db = await createTestDatabase('asmstackrest');
    await migrateAssembly(db.url);
    app = await startAssembly(testConfig(db.url, { MES_SEED_DEMO: 'true' }), 0, { line });
    url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1/stack-tests`;
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    // A built 3-layer stack of the demo product at its final test, its layers cells (0..2, 0) of one sheet.
    await pg.query(`INSERT INTO assembly.singulated_cells (sheet_barcode, row, col, roll_barcode, md_mm, cd_mm, soft_bin, hard_bin, asr_ohm_cm2, capacity_mah, status, report_id)
                    SELECT 'S-R0001-0001', r, 0, 'R0001', 100 + r * 5.5, 10, 1, 1, 80, 0.15, 'STACKED', 1 FROM generate_series(0, 2) r`);
    await pg.query(`INSERT INTO assembly.stacks (barcode, stack_product_id, layers_planned, status, step, station_code, created_by)
                    SELECT 'STK-0001', id, 3, 'BUILT', 'STACK_TEST', 'STT-1', 'test' FROM assembly.stack_products`);
    await pg.query(`INSERT INTO assembly.stack_layers (stack_id, layer_index, cell_id, added_by)
                    SELECT s.id, c.row + 1, c.id, 'test' FROM assembly.stacks s, assembly.singulated_cells c`);
    await pg.query(`UPDATE assembly.singulated_cells SET stack_id = (SELECT id FROM assembly.stacks)`);
  });
  afterAll(async () => {
    await pg?.end();
    await app?.close();
    await db?.drop();
  });

  it('refuses a post without a key, with an unknown key, or from a sheet-test rig, in the error shape', async () => {
    expect(await post(body, {})).toEqual({
      status: 401,
      body: {
        error: {
          code: 'UNAUTHENTICATED',
          message: 'Missing X-Api-Key header: stack test rigs authenticate with the key registerRig returned',
          details: [],
        },
      },
    });
    const unknown = await post(body, { 'x-api-key': '99.nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toMatch(/^Unknown API key: register the rig at a STACK_TEST station/);
    const sheetRig = await post(body, { 'x-api-key': SHEET_RIG_KEY });
    expect(sheetRig.status).toBe(403);
    expect(sheetRig.body.error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Rig RIG A belongs to station TST-1 (SHEET_TEST), not to a STACK_TEST station: it cannot post stack tests',
    });
    expect(await count()).toBe(0);
  });

  it('refuses a bad body with a path per problem, and JSON that is not JSON', async () => {
    const bad = await post({ ...body, ocvV: 'high', zImOhm: [1, 2] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details).toEqual([
      { path: 'ocvV', message: 'expected a number of volts from -1 to 6, got the string "high"' },
      { path: 'zImOhm', message: 'expected 7 values (one per frequency), got 2' },
    ]);
    const notJson = await post('{"testId": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/^The body is not valid JSON/);
    const text = await fetch(url, { method: 'POST', headers: { 'x-api-key': RIG_KEY, 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    expect(await count()).toBe(0);
  });

  it('refuses a test of an unknown stack', async () => {
    const res = await post({ ...body, stack: 'STK-NOPE' });
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'NOT_FOUND',
      message: 'Unknown stack STK-NOPE: nothing was stored',
      details: [{ path: 'input.stackBarcode', message: 'expected a stack that was built' }],
    });
    expect(await count()).toBe(0);
  });

  it('stores a test once: 201, the same post again 200, the same id with other content 409', async () => {
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ testId: 'STR1-0001', stack: 'STK-0001', bin: 'PASS', suspectLayer: null });
    expect(first.body.deviation).toBeLessThan(1e-9);
    const again = await post(body);
    expect(again).toEqual({ status: 200, body: first.body });
    const other = await post({ ...body, ocvV: 0.5 });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({
      code: 'CONFLICT',
      message:
        'Stack test STR1-0001 was already posted with other content (OCV 0.4 V, now 0.5 V): a new test needs a new test id; nothing was stored',
    });
    const spectrum = await post({ ...body, zReOhm: body.zReOhm.map((z) => z * 1.01) });
    expect(spectrum.status).toBe(409);
    expect(spectrum.body.error.message).toMatch(/\(another spectrum\)/);
    expect(await count()).toBe(1);
    const stored = await pg.query('SELECT tested_by, station_code, bin, comparison FROM assembly.stack_tests');
    expect(stored.rows[0]).toMatchObject({ tested_by: 'rig:STACK RIG 1', station_code: 'STT-1', bin: 'PASS' });
    expect(stored.rows[0].comparison.layerSpectra).toEqual(
      [1, 2, 3].map((i) => ({
        layerIndex: i,
        cellCode: `S-R0001-0001-R${i - 1}C0`,
        sheetTestId: 'st-1',
        testId: 'RIGA-0001',
      })),
    );
    expect(stored.rows[0].comparison.hypotheses).toHaveLength(4);
  });
});
