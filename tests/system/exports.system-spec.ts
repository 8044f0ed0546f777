import { impedanceFixtures as fx, readE142, readStdfRecords, stdfParts } from '@mes/interop';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * Exports through the gateway: a sheet posted by a rig and binned by the worker, exported as STDF V4,
 * an E142 map and CSV, read back and compared with sheetMap cell by cell; and an engineer's lab
 * spectrum upload stored as a sheet test of a lab rig and binned like the line's data.
 */
describe('exports and lab spectra through the gateway', () => {
  let mes: MesProcesses;
  const SHEET = 'S-R0001-0005';
  let rigKey: string;

  beforeAll(async () => {
    mes = await useSharedMes();
    rigKey = (await mes.admin.ok('mutation { registerRig(name: "RIG EX", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey as string;
  });
  afterAll(async () => {
    await mes?.close();
  });

  const until = async <T>(what: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    let v = await what();
    for (let i = 0; i < 240 && !done(v); i++) {
      await new Promise((r) => setTimeout(r, 250));
      v = await what();
    }
    return v;
  };
  const testStatus = (id: string): Promise<string> =>
    until(
      async () =>
        (
          (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${id}`, { headers: { 'x-api-key': rigKey } })).json()) as {
            status: string;
          }
        ).status,
      (s) => s === 'DONE' || s === 'FAILED',
    );
  const download = (path: string, token = mes.admin.token): Promise<Response> =>
    fetch(`${mes.gatewayUrl}/api/v1/exports/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const map = async (metric: string): Promise<(number | null)[]> =>
    (await mes.admin.ok(`{ sheetMap(sheet: "${SHEET}", metric: ${metric}) { values } }`)).sheetMap.values as (number | null)[];

  it('a binned sheet exported as STDF and E142 reads back as sheetMap has it, cell by cell', async () => {
    const sim = simulateSheet({ seed: 5, sheetIndex: 5, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': rigKey },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'EX-0001', sheet: SHEET, startedAt: '2026-11-22T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    expect(await testStatus(sheetTestId)).toBe('DONE');

    const bins = await map('SOFT_BIN');
    const values = {
      1000: await map('OCV_V'),
      1100: await map('R_OHMIC_OHM'),
      1200: await map('R_CT_OHM'),
      1300: await map('ASR_OHM_CM2'),
    };

    // Every file is fetched before the cell-by-cell comparison, which keeps the event loop busy for a
    // while: a keep-alive socket left idle meanwhile may be closed by the gateway under the client.
    const stdf = await download(`sheet-tests/${sheetTestId}.stdf`);
    expect(stdf.status).toBe(200);
    const stdfBytes = new Uint8Array(await stdf.arrayBuffer());
    const currentStdf = new Uint8Array(await (await download(`sheets/${SHEET}/results.stdf`)).arrayBuffer());
    const rollStdf = new Uint8Array(await (await download('rolls/R0001/cells.stdf')).arrayBuffer());
    const e142Text = await (await download(`sheets/${SHEET}/e142.xml`)).text();
    const csv = (await (await download(`sheets/${SHEET}/results.csv`)).text()).trim().split('\n');
    const binsCsv = (await (await download('rolls/R0001/bins.csv')).text()).trim().split('\n');
    expect((await download(`sheets/${SHEET}/e142.xml`, '')).status).toBe(401);

    const records = readStdfRecords(stdfBytes);
    const { parts } = stdfParts(records);
    expect(parts).toHaveLength(bins.filter((b) => b !== null).length);
    const fromStdf = parts.map((p) => ({
      i: p.y * 50 + p.x,
      bin: p.softBin,
      values: Object.keys(values).map((t) => p.results.get(Number(t))?.value ?? null),
    }));
    const fromMap = parts.map((p) => {
      const i = p.y * 50 + p.x;
      return { i, bin: bins[i], values: Object.values(values).map((m) => (m[i] === null ? null : Math.fround(m[i] as number))) };
    });
    expect(fromStdf).toEqual(fromMap);
    expect(records.find((r) => r.name === 'MIR')!.fields).toMatchObject({ LOT_ID: 'R0001', PART_TYP: 'TFB-0505', NODE_NAM: 'RIG EX' });
    // The sheet's current results and the roll as a lot (this sheet's wafer) say the same, cell by cell.
    for (const file of [currentStdf, rollStdf]) {
      const sheetParts = stdfParts(readStdfRecords(file)).parts.filter((p) => p.wafer === SHEET);
      expect(
        sheetParts.map((p) => ({
          i: p.y * 50 + p.x,
          bin: p.softBin,
          values: Object.keys(values).map((t) => p.results.get(Number(t))?.value ?? null),
        })),
      ).toEqual(fromMap);
    }

    const sheetMapE142 = readE142(e142Text);
    expect([sheetMapE142.rows, sheetMapE142.cols, sheetMapE142.lotId]).toEqual([50, 50, 'R0001']);
    expect(sheetMapE142.codes).toEqual(bins);

    expect(csv[0].split(',').slice(0, 5)).toEqual(['roll', 'sheet', 'row', 'col', 'cell_id']);
    expect(csv).toHaveLength(1 + parts.length);
    expect(binsCsv[0]).toBe('soft_bin,hard_bin,bin_name,pass,cells,percent');
  });

  it("an engineer's lab spectra upload is stored as a sheet test of the lab rig and binned", async () => {
    await mes.admin.ok('mutation { registerRig(name: "LAB 1", stationCode: "TST-1") { apiKey } }');
    const upload = (body: unknown): Promise<Response> =>
      fetch(`${mes.gatewayUrl}/api/v1/lab-spectra`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${mes.admin.token}` },
        body: JSON.stringify(body),
      });
    const files = [{ name: 'cell.mpt', content: fx.biologicMpt(fx.randlesSweep(31, 1e5, 1, 30, 2e4, 2e-7)) }];
    const base = { rig: 'LAB 1', sheet: 'S-R0001-0006', row: 2, col: 3, ocvV: 0.05, temperatureC: 24 };

    const bad = await upload({ ...base, files: [{ name: 'cell.DTA', content: files[0].content }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('cell.DTA: no "ZCURVE<TAB>TABLE" line');
    const noRig = await upload({ ...base, rig: 'LAB 9', files });
    expect(noRig.status).toBe(404);

    const res = await upload({ ...base, files });
    expect(res.status).toBe(202);
    const { tests } = (await res.json()) as { tests: { sheetTestId: string; format: string; points: number }[] };
    expect(tests).toMatchObject([{ format: 'biologic-mpt', points: 31 }]);
    expect(await testStatus(tests[0].sheetTestId)).toBe('DONE');
    const cell = await mes.admin.ok('{ cellResult(sheet: "S-R0001-0006", row: 2, col: 3) { softBin rOhmicOhm history { testId } } }');
    expect(cell.cellResult.history).toHaveLength(1);
    expect(cell.cellResult.rOhmicOhm).toBeGreaterThan(0);
  });
});
