import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { unpackFloat32 } from '@mes/test-data';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * What the web UI reads through the gateway beyond the results: a cell's spectrum and fit, the heat
 * maps packed as float32, and the server-sent events of a sheet's binning, with their refusals.
 */
describe('web UI API through the gateway', () => {
  let mes: MesProcesses;
  let key: string;
  let sheetTestId: string;

  const waitDone = async (id: string) => {
    for (let i = 0; i < 600; i++) {
      const st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${id}`, { headers: { 'x-api-key': key } })).json()) as {
        status: string;
      };
      if (st.status === 'DONE' || st.status === 'FAILED') return st.status;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`sheet test ${id} did not finish`);
  };
  const post = async (sheet: string, seed: number) => {
    const sim = simulateSheet({ seed, sheetIndex: seed, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(toSheetTestBody(sim, { testId: `RIG-API-${sheet}`, sheet, startedAt: '2026-11-30T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { sheetTestId: string }).sheetTestId;
  };

  beforeAll(async () => {
    mes = await useSharedMes();
    key = (await mes.admin.ok('mutation { registerRig(name: "RIG API", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
    sheetTestId = await post('S-R0001-0001', 1);
    expect(await waitDone(sheetTestId)).toBe('DONE');
  });
  afterAll(() => mes?.close());

  it('gives a cell’s measured spectrum and the stored fit at the measured frequencies and on a finer grid', async () => {
    const d = await mes.admin.ok(`{ cellSpectrum(sheet: "S-R0001-0001", row: 4, col: 9) {
      sheetTestId status frequenciesHz zReOhm zImOhm signature fitMissingReason
      fit { circuit converged relRms parameters { name value stdError } zReOhm zImOhm fineFrequenciesHz fineZReOhm } } }`);
    const s = d.cellSpectrum;
    expect(s.sheetTestId).toBe(sheetTestId);
    expect(s.frequenciesHz.length).toBe(s.zReOhm.length);
    expect(s.frequenciesHz.length).toBeGreaterThan(10);
    if (s.fit) {
      expect(s.fit.circuit).toBe('R0-p(R1,CPE1)-p(R2,CPE2)-CPE3');
      expect(s.fit.parameters.map((p: { name: string }) => p.name)).toEqual([
        'R0',
        'R1',
        'CPE1_0',
        'CPE1_1',
        'R2',
        'CPE2_0',
        'CPE2_1',
        'CPE3_0',
        'CPE3_1',
      ]);
      expect(s.fit.parameters.every((p: { stdError: number | null }) => p.stdError === null || p.stdError > 0)).toBe(true);
      expect(s.fit.parameters.some((p: { stdError: number | null }) => p.stdError !== null)).toBe(true);
      expect(s.fit.zReOhm.length).toBe(s.frequenciesHz.length);
      expect(s.fit.fineFrequenciesHz.length).toBeGreaterThan(s.frequenciesHz.length);
      // The fit follows the measurement where it was trusted (rel. RMS is the stored figure).
      if (s.fit.converged && s.fit.relRms < 0.05) {
        const rel = s.zReOhm.map(
          (re: number, i: number) => Math.hypot(re - s.fit.zReOhm[i], s.zImOhm[i] - s.fit.zImOhm[i]) / Math.hypot(re, s.zImOhm[i]),
        );
        expect(Math.max(...rel)).toBeLessThan(0.5);
      }
    } else {
      expect(s.fitMissingReason).toEqual(expect.any(String));
    }
  });

  it('refuses a bad cell address or test id with what was expected, and answers null for a sheet never tested', async () => {
    const outside = await mes.admin.fails('{ cellSpectrum(sheet: "S-R0001-0001", row: 50, col: 0) { testId } }');
    expect(outside.extensions?.code).toBe('VALIDATION_FAILED');
    expect(outside.message).toBe('Cell (50, 0) is outside the 50 x 50 grid of sheet S-R0001-0001');
    const notUuid = await mes.admin.fails('{ cellSpectrum(sheet: "S-R0001-0001", row: 0, col: 0, sheetTestId: "abc") { testId } }');
    expect(notUuid.message).toBe('sheetTestId "abc" is not a sheet test id');
    const foreign = await mes.admin.fails(
      '{ cellSpectrum(sheet: "S-R0001-0001", row: 0, col: 0, sheetTestId: "00000000-0000-4000-8000-000000000000") { testId } }',
    );
    expect(foreign.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.message).toBe('Sheet test 00000000-0000-4000-8000-000000000000 is not a test of sheet S-R0001-0001');
    expect((await mes.admin.ok('{ cellSpectrum(sheet: "S-R0001-0009", row: 0, col: 0) { testId } }')).cellSpectrum).toBeNull();
    const explicitNull = await mes.admin.ok('{ cellSpectrum(sheet: "S-R0001-0001", row: 0, col: 0, sheetTestId: null) { sheetTestId } }');
    expect(explicitNull.cellSpectrum.sheetTestId).toBe(sheetTestId);
  });

  it('packs sheet and roll maps as float32 with the same values as the lists', async () => {
    for (const metric of ['OCV_V', 'SOFT_BIN']) {
      const sheet = (await mes.admin.ok(`{ sheetMap(sheet: "S-R0001-0001", metric: ${metric}) { values valuesFloat32 } }`)).sheetMap;
      expect(unpackFloat32(sheet.valuesFloat32)).toEqual(sheet.values.map((v: number | null) => (v === null ? null : Math.fround(v))));
    }
    const roll = (await mes.admin.ok('{ rollMap(roll: "R0001", metric: ASR_OHM_CM2) { mdBins cdBins values valuesFloat32 } }')).rollMap;
    const packed = unpackFloat32(roll.valuesFloat32);
    expect(packed.length).toBe(roll.mdBins * roll.cdBins);
    expect(packed).toEqual(roll.values.map((v: number | null) => (v === null ? null : Math.fround(v))));
  });

  it('streams a sheet’s binning as server-sent events through the gateway, and refuses a caller without a token', async () => {
    const anonymous = await fetch(`${mes.gatewayUrl}/api/v1/live/sheets/S-R0001-0002`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    const bad = await fetch(`${mes.gatewayUrl}/api/v1/live/sheets/${encodeURIComponent('S 1;drop')}`, {
      headers: { authorization: `Bearer ${mes.admin.token}` },
    });
    expect(bad.status).toBe(400);

    const controller = new AbortController();
    const res = await fetch(`${mes.gatewayUrl}/api/v1/live/sheets/S-R0001-0002`, {
      headers: { authorization: `Bearer ${mes.admin.token}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    const events: { status: string; cellsBinned: number; cells: number }[] = [];
    let buffer = '';
    const id = await post('S-R0001-0002', 2);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !events.some((e) => e.status === 'DONE')) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const m = /^event: sheet-test\ndata: (.+)$/m.exec(block);
        if (m) events.push(JSON.parse(m[1]));
      }
    }
    controller.abort();
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e) => (e as unknown as { sheetTestId: string }).sheetTestId === id)).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'DONE', cells: 2500, cellsBinned: 2500 });
    // Progress only goes forward.
    const binned = events.map((e) => e.cellsBinned);
    expect([...binned].sort((a, b) => a - b)).toEqual(binned);
  });
});
