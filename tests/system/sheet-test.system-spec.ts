import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { createFeatureExtractor, WarmStart } from '@mes/eis';
import {
  ARROW_FILE_MEDIA_TYPE,
  ARROW_STREAM_MEDIA_TYPE,
  decodeSpectrum,
  encodeSheetTestArrow,
  encodeSpectrum,
  type SheetTestBody,
} from '@mes/sheet-test';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { reportedResistances } from '@mes/test-data-store';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/** A rig's life through the gateway: register, see the queue, post sheets, and every error answer of the contract. */
describe('sheet tests from rigs through the gateway', () => {
  let mes: MesProcesses;
  let key: string;
  let db: Client;
  const sim = simulateSheet({ seed: 11, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });

  const post = (body: unknown, headers: Record<string, string> = {}, raw?: Buffer) =>
    fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
      body: raw ?? JSON.stringify(body),
    });
  const storedTests = async () => Number((await db.query('SELECT count(*) FROM test_data.sheet_tests')).rows[0].count);
  const storedCells = async () => Number((await db.query('SELECT count(*) FROM test_data.sheet_test_cells')).rows[0].count);
  const bodyFor = (sheet: string, testId: string) => toSheetTestBody(sim, { testId, sheet, startedAt: '2026-11-22T10:00:00Z' });

  beforeAll(async () => {
    mes = await useSharedMes();
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    const reg = await mes.admin.ok('mutation { registerRig(name: "RIG 7", stationCode: "TST-1") { rig { id name } apiKey } }');
    key = reg.registerRig.apiKey;
  });
  afterAll(async () => {
    await db?.end();
    await mes?.close();
  });

  it('refuses to register a rig at a station that does not test sheets', async () => {
    const error = await mes.admin.fails('mutation { registerRig(name: "RIG X", stationCode: "LCO-1") { apiKey } }');
    expect(error.message).toBe('Station LCO-1 performs LCO_DEPOSITION; a rig belongs at a SHEET_TEST, STACK_TEST or INSPECTION station');
  });

  it('audits the rig registration in the test-data audit trail (engineers and admins may read it)', async () => {
    const trail = await mes.admin.ok('{ testDataAuditTrail(entityType: "Rig") { actor action entityKey after } }');
    expect(trail.testDataAuditTrail).toHaveLength(1);
    expect(trail.testDataAuditTrail[0]).toMatchObject({ actor: 'admin', action: 'REGISTER_RIG' });
    expect(JSON.parse(trail.testDataAuditTrail[0].after)).toMatchObject({ name: 'RIG 7', stationCode: 'TST-1' });
  });

  it('keeps a test policy per product: the defaults until an engineer sets one, refusals say what was expected', async () => {
    const initial = await mes.admin.ok('{ productTestPolicy(productCode: "TFB-0505") { maxRetests yieldHoldBelow isDefault } }');
    expect(initial.productTestPolicy).toEqual({ maxRetests: 1, yieldHoldBelow: 0.8, isDefault: true });
    const refused = await mes.admin.fails(
      'mutation { setProductTestPolicy(input: { productCode: "TFB-0505", maxRetests: 1, yieldHoldBelow: 80 }) { isDefault } }',
    );
    expect(refused.message).toBe(
      'Invalid test policy for TFB-0505: yieldHoldBelow: expected a yield fraction from 0 to 1 (0.8 holds sheets below 80 %), got 80',
    );
    // The same values as the defaults, so the rest of this file sees the default behaviour.
    const set = await mes.admin.ok(
      'mutation { setProductTestPolicy(input: { productCode: "TFB-0505", maxRetests: 1, yieldHoldBelow: 0.8 }) { maxRetests yieldHoldBelow isDefault updatedBy } }',
    );
    expect(set.setProductTestPolicy).toEqual({ maxRetests: 1, yieldHoldBelow: 0.8, isDefault: false, updatedBy: 'admin' });
  });

  it('lists the sheets waiting for this rig, oldest first', async () => {
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/queue`, { headers: { 'x-api-key': key } });
    expect(res.status).toBe(200);
    const queue = (await res.json()) as { sheet: string; rows: number; cols: number; cellActiveAreaCm2: number }[];
    expect(queue).toHaveLength(20);
    expect(queue[0]).toEqual({ sheet: 'S-R0001-0001', rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
  });

  it('accepts a sheet of 2,500 cells, bins it, maps it and moves the sheet on', async () => {
    const body = bodyFor('S-R0001-0001', 'RIG7-2026-11-22T10:00:00Z-0001');
    const res = await post(body);
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { sheetTestId: string; sheet: string; cells: number; status: string };
    expect(accepted).toMatchObject({ sheet: 'S-R0001-0001', cells: 2500, status: 'QUEUED' });

    const again = await post(body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { sheetTestId: string }).sheetTestId).toBe(accepted.sheetTestId);

    let status: { status: string; cellsBinned: number; cells: number; bins: { softBin: number; count: number }[] } | undefined;
    for (let i = 0; i < 240 && status?.status !== 'DONE' && status?.status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await (
        await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${accepted.sheetTestId}`, { headers: { 'x-api-key': key } })
      ).json()) as typeof status;
    }
    expect(status?.status).toBe('DONE');
    expect(status?.cellsBinned).toBe(2500);
    expect(status?.bins.reduce((s, b) => s + b.count, 0)).toBe(2500);
    const contactOpens = sim.cells.filter((c) => c.status === 'NO_CONTACT').length;
    expect(status?.bins.find((b) => b.softBin === 0)?.count ?? 0).toBeGreaterThanOrEqual(contactOpens);

    const ocv = await mes.admin.ok('{ sheetMap(sheet: "S-R0001-0001", metric: OCV_V) { rows cols values } }');
    for (const c of sim.cells) {
      const expected = c.status === 'NO_CONTACT' ? null : (c as { ocvV: number }).ocvV;
      expect(ocv.sheetMap.values[c.row * 50 + c.col]).toBe(expected);
    }
    // R_OHMIC as the EIS library computes it from the stored (float32) spectrum, as the worker does:
    // the first chunk's cells in order, each fit started from the last good one (WarmStart).
    const r0 = await mes.admin.ok('{ sheetMap(sheet: "S-R0001-0001", metric: R_OHMIC_OHM) { values } }');
    const extractor = createFeatureExtractor(sim.frequenciesHz);
    const warmStart = new WarmStart();
    const n = sim.frequenciesHz.length;
    for (const c of sim.cells.filter((x) => x.status !== 'NO_CONTACT').slice(0, 25)) {
      const cell = c as { row: number; col: number; ocvV: number; zReOhm: number[]; zImOhm: number[] };
      const z = decodeSpectrum(encodeSpectrum(cell.zReOhm, cell.zImOhm), n);
      const f = extractor.extract(z.zReOhm, z.zImOhm, { ocvV: cell.ocvV, activeAreaCm2: 0.25, temperatureC: 25, warmStart });
      const got = r0.sheetMap.values[cell.row * 50 + cell.col];
      // As a result reports it: an OPEN cell has no resistance (reportedResistances).
      const want = reportedResistances(f).rOhmicOhm;
      if (want !== null) expect(got).toBeCloseTo(want, 9);
      else expect(got).toBeNull();
    }
    const cell = await mes.admin.ok(
      '{ cellResult(sheet: "S-R0001-0001", row: 0, col: 0) { softBin hardBin binName ruleId ruleSetVersion history { testId } } }',
    );
    expect(cell.cellResult.history).toEqual([{ testId: 'RIG7-2026-11-22T10:00:00Z-0001' }]);
    expect(cell.cellResult.ruleSetVersion).toBe(1);

    // Rig faults (soft bin 0) must be retested: the sheet waits at SHEET_TEST until they are.
    const waiting = await mes.admin.ok('{ sheet(barcode: "S-R0001-0001") { operation } }');
    expect(waiting.sheet.operation).toBe('SHEET_TEST');
    const bins = await mes.admin.ok('{ sheetMap(sheet: "S-R0001-0001", metric: SOFT_BIN) { values } }');
    const faulty = (bins.sheetMap.values as (number | null)[]).flatMap((v, i) =>
      v === 0 ? [{ row: Math.floor(i / 50), col: i % 50 }] : [],
    );
    expect(faulty.length).toBeGreaterThan(0);
    const retestSim = simulateSheet({ seed: 11, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25, retest: true });
    const retest = toSheetTestBody(retestSim, {
      testId: 'RIG7-2026-11-22T10:05:00Z-0002',
      sheet: 'S-R0001-0001',
      startedAt: '2026-11-22T10:05:00Z',
    });
    retest.cells = retest.cells.filter((c) => faulty.some((f) => f.row === c.row && f.col === c.col));
    const retested = await post(retest);
    expect(retested.status).toBe(202);
    const retestId = ((await retested.json()) as { sheetTestId: string }).sheetTestId;
    for (let i = 0; i < 120; i++) {
      const st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${retestId}`, { headers: { 'x-api-key': key } })).json()) as {
        status: string;
      };
      if (st.status === 'DONE') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const superseded = await mes.admin.ok(
      `{ cellResult(sheet: "S-R0001-0001", row: ${faulty[0].row}, col: ${faulty[0].col}) { softBin testId history { testId softBin } } }`,
    );
    expect(superseded.cellResult.history).toHaveLength(2);
    expect(superseded.cellResult.history[1]).toEqual({ testId: 'RIG7-2026-11-22T10:00:00Z-0001', softBin: 0 });
    if (superseded.cellResult.history[0].softBin !== 0) expect(superseded.cellResult.testId).toBe('RIG7-2026-11-22T10:05:00Z-0002');

    const sheet = await mes.admin.ok('{ sheet(barcode: "S-R0001-0001") { operation stepState } }');
    expect(sheet.sheet).toEqual({ operation: 'SINGULATION', stepState: 'WAITING' });

    // Pareto and yields come from the same store: the retest lifts final yield above first-pass yield.
    const pareto = await mes.admin.ok('{ binPareto(sheet: "S-R0001-0001") { softBin binName count } }');
    const paretoCounts = pareto.binPareto.map((b: { count: number }) => b.count);
    expect(paretoCounts.reduce((a: number, b: number) => a + b, 0)).toBe(2500);
    expect([...paretoCounts].sort((a: number, b: number) => b - a)).toEqual(paretoCounts);
    const stillFaulty = pareto.binPareto.find((b: { softBin: number }) => b.softBin === 0)?.count ?? 0;
    expect(stillFaulty).toBeLessThan(faulty.length);
    const yields = await mes.admin.ok('{ rollYield(roll: "R0001") { sheetsTested cellsTested firstPassYield finalYield } }');
    expect(yields.rollYield).toMatchObject({ sheetsTested: 1, cellsTested: 2500 });
    const firstPass = (status?.bins.filter((b) => b.softBin >= 1 && b.softBin <= 9).reduce((a, b) => a + b.count, 0) ?? 0) / 2500;
    expect(yields.rollYield.firstPassYield).toBeCloseTo(firstPass, 12);
    expect(yields.rollYield.finalYield).toBeGreaterThan(yields.rollYield.firstPassYield);

    // The roll map: sheet 1 lies at MD 1000-1300 mm of an 8 m roll; with 300 mm x 50 mm bins each bin
    // averages the OCV of the tested cells whose centre (from the product layout) falls in it.
    const roll = await mes.admin.ok(
      '{ rollMap(roll: "R0001", metric: OCV_V, mdStepMm: 300, cdStepMm: 50) { mdBins cdBins values counts } }',
    );
    expect([roll.rollMap.mdBins, roll.rollMap.cdBins]).toEqual([27, 6]);
    const ocvNow = await mes.admin.ok('{ sheetMap(sheet: "S-R0001-0001", metric: OCV_V) { values } }'); // after the retest
    const sums = new Map<number, { n: number; sum: number }>();
    for (const c of sim.cells) {
      const v = ocvNow.sheetMap.values[c.row * 50 + c.col] as number | null;
      if (v === null) continue;
      const bin = Math.floor((1000 + 15.25 + c.row * 5.5) / 300) * 6 + Math.floor((15.25 + c.col * 5.5) / 50);
      const acc = sums.get(bin) ?? { n: 0, sum: 0 };
      sums.set(bin, { n: acc.n + 1, sum: acc.sum + v });
    }
    roll.rollMap.counts.forEach((n: number, bin: number) => expect({ bin, n }).toEqual({ bin, n: sums.get(bin)?.n ?? 0 }));
    for (const [bin, { n, sum }] of sums) expect(roll.rollMap.values[bin]).toBeCloseTo(sum / n, 9);

    const late = await post(bodyFor('S-R0001-0001', 'RIG7-late'));
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { message: string } }).error.message).toBe(
      'Sheet S-R0001-0001 is not at SHEET_TEST: it is ACTIVE at SINGULATION',
    );
  });

  it('answers heat-map operations the same whether they go straight to test-data or through the query planner', async () => {
    const q =
      'query Maps($s: String!) { ocv: sheetMap(sheet: $s, metric: OCV_V) { sheet rows values } bins: sheetMap(sheet: $s, metric: SOFT_BIN) { values } }';
    const direct = await mes.admin.ok(q, { s: 'S-R0001-0001' });
    // Adding a tracking field makes it a planned, two-subgraph operation.
    const planned = await mes.admin.ok(`${q.replace(/ }$/, '')} me { username } }`, { s: 'S-R0001-0001' });
    expect(planned.me.username).toBe('admin');
    expect({ ocv: planned.ocv, bins: planned.bins }).toEqual(direct);
    expect(direct.ocv.values).toHaveLength(2500);
    // Through the gateway, the client gets test-data's answer byte for byte.
    const text = async (url: string) =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${mes.admin.token}` },
          body: JSON.stringify({ query: q, variables: { s: 'S-R0001-0001' } }),
        })
      ).text();
    const viaGateway = await text(mes.graphqlUrl);
    expect(viaGateway).toBe(await text(mes.testDataUrl));
    expect(JSON.parse(viaGateway)).toEqual({ data: direct });
    const anonymous = await mes.admin.as(undefined).fails(q, { s: 'S-R0001-0001' });
    expect(anonymous.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await mes.admin.fails('{ rollMap(roll: "NO-SUCH-ROLL", metric: OCV_V) { values } }');
    expect(unknown.message).toMatch(/NO-SUCH-ROLL/);
  });

  it('answers 409 when a testId comes back with other content', async () => {
    const body = bodyFor('S-R0001-0001', 'RIG7-2026-11-22T10:00:00Z-0001');
    const changed = { ...body, temperatureC: 26 };
    const res = await post(changed);
    expect(res.status).toBe(409);
    const error = (await res.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('CONFLICT');
    expect(error.error.message).toMatch(/^testId RIG7-2026-11-22T10:00:00Z-0001 was already used for different content/);
  });

  it('gives every bad post its answer and stores nothing', async () => {
    const tests = await storedTests();
    const cells = await storedCells();
    const good = bodyFor('S-R0001-0002', 'RIG7-bad-0001');
    const short = structuredClone(good) as { cells: { zReOhm?: number[] }[] };
    const firstOk = short.cells.findIndex((c) => c.zReOhm);
    short.cells[firstOk].zReOhm!.pop();
    const dup = structuredClone(good) as { cells: unknown[] };
    dup.cells[5] = { ...(dup.cells[4] as object) };
    const outside = structuredClone(good) as { cells: { row: number }[] };
    outside.cells[3].row = 50;

    const cases: [string, Promise<Response>, number, string, RegExp][] = [
      [
        'no key',
        fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
        401,
        'UNAUTHENTICATED',
        /^Missing X-Api-Key/,
      ],
      [
        'unknown key',
        post(good, { 'x-api-key': '1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
        401,
        'UNAUTHENTICATED',
        /^Unknown API key/,
      ],
      ['unknown sheet', post({ ...good, sheet: 'S-NOPE-0001' }), 404, 'NOT_FOUND', /^Unknown sheet S-NOPE-0001/],
      ['wrong length', post(short), 400, 'VALIDATION_FAILED', new RegExp(`cells\\[${firstOk}\\]\\.zReOhm`)],
      [
        'NaN is not JSON',
        post(undefined, {}, Buffer.from(JSON.stringify(good).replace(/"ocvV":[-0-9.e]+/, '"ocvV":NaN'))),
        400,
        'VALIDATION_FAILED',
        /^The body is not valid JSON/,
      ],
      ['duplicate cell', post(dup), 400, 'VALIDATION_FAILED', /given twice/],
      ['outside the grid', post(outside), 400, 'VALIDATION_FAILED', /cells\[3\]\.row/],
      [
        'not JSON',
        post(undefined, { 'content-type': 'text/csv' }, Buffer.from('row,col\n0,0')),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        /expected application\/json/,
      ],
      [
        'truncated gzip',
        post(undefined, { 'content-encoding': 'gzip' }, gzipSync(JSON.stringify(good)).subarray(0, 5000)),
        400,
        'VALIDATION_FAILED',
        /^The gzip body is corrupt or truncated/,
      ],
      ['50 MB of garbage', post(undefined, {}, Buffer.alloc(50 * 1024 * 1024, 0x7b)), 413, 'PAYLOAD_TOO_LARGE', /limit is \d+ bytes/],
    ];
    for (const [name, pending, httpStatus, code, message] of cases) {
      const res = await pending;
      const body = (await res.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } };
      expect({ name, status: res.status, code: body.error.code }).toEqual({ name, status: httpStatus, code });
      expect(body.error.message).toMatch(message);
    }
    expect(await storedTests()).toBe(tests);
    expect(await storedCells()).toBe(cells);
  });

  it('accepts a gzip body', async () => {
    const res = await post(undefined, { 'content-encoding': 'gzip' }, gzipSync(JSON.stringify(bodyFor('S-R0001-0004', 'RIG7-gz-0001'))));
    expect(res.status).toBe(202);
  });

  it('accepts the same test as an Arrow IPC stream: binned like JSON, idempotent across the two forms, corrupt streams refused', async () => {
    const arrowPost = (bytes: Uint8Array, type = ARROW_STREAM_MEDIA_TYPE) =>
      fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, { method: 'POST', headers: { 'content-type': type, 'x-api-key': key }, body: bytes });
    const body = bodyFor('S-R0001-0003', 'RIG7-arrow-0001') as SheetTestBody;
    const res = await arrowPost(encodeSheetTestArrow(body, { spectra: 'float64' }));
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { sheetTestId: string; cells: number; status: string };
    expect(accepted).toMatchObject({ cells: 2500, status: 'QUEUED' });
    // The same values as JSON are the same content: 200 with the same sheet test, not a second one.
    const asJson = await post(body);
    expect(asJson.status).toBe(200);
    expect(((await asJson.json()) as { sheetTestId: string }).sheetTestId).toBe(accepted.sheetTestId);
    const changed = await arrowPost(encodeSheetTestArrow({ ...body, temperatureC: 26 }));
    expect(changed.status).toBe(409);

    let status: { status: string; cellsBinned: number } | undefined;
    for (let i = 0; i < 240 && status?.status !== 'DONE' && status?.status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = (await (
        await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${accepted.sheetTestId}`, { headers: { 'x-api-key': key } })
      ).json()) as typeof status;
    }
    expect(status).toMatchObject({ status: 'DONE', cellsBinned: 2500 });
    const ocv = await mes.admin.ok('{ sheetMap(sheet: "S-R0001-0003", metric: OCV_V) { values } }');
    for (const c of sim.cells) expect(ocv.sheetMap.values[c.row * 50 + c.col]).toBe(c.status === 'NO_CONTACT' ? null : c.ocvV);

    const tests = await storedTests();
    const cells = await storedCells();
    // A corrupt stream: the header string changed length inside the flatbuffer, so every offset after
    // it is wrong. The Arrow library would allocate until the process died; here the rig gets a 400.
    const good = Buffer.from(encodeSheetTestArrow(bodyFor('S-R0001-0007', 'RIG7-arrow-0002') as SheetTestBody));
    const header = JSON.stringify({ ...bodyFor('S-R0001-0007', 'RIG7-arrow-0002'), cells: undefined });
    const corrupt = Buffer.from(
      good.toString('latin1').replace(header, header.replace('"temperatureC":25', '"temperatureC":25.0')),
      'latin1',
    );
    expect(corrupt.length).toBe(good.length + 2);
    const bad = (await arrowPost(corrupt)) as Response;
    const refusal = (await bad.json()) as { error: { code: string; message: string } };
    expect({ status: bad.status, code: refusal.error.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(refusal.error.message).toMatch(/^invalid sheet test: (the Arrow body could not be decoded|not a complete Arrow IPC stream)/);
    const truncated = await arrowPost(good.subarray(0, 1000));
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { error: { message: string } }).error.message).toMatch(/not a complete Arrow IPC stream/);
    const outside = structuredClone(bodyFor('S-R0001-0007', 'RIG7-arrow-0003')) as SheetTestBody;
    outside.cells[7].row = 50;
    const refusedCell = await arrowPost(encodeSheetTestArrow(outside));
    expect(refusedCell.status).toBe(400);
    expect(((await refusedCell.json()) as { error: { message: string } }).error.message).toMatch(/cells\[7\]\.row/);
    expect(await storedTests()).toBe(tests);
    expect(await storedCells()).toBe(cells);
    // The service and its decoder are still there: the good stream is taken (under the file media type
    // too: the decoder tells the two forms apart by their first bytes).
    const after = await arrowPost(good, ARROW_FILE_MEDIA_TYPE);
    expect(after.status).toBe(202);
  });

  it('refuses a sheet on hold (409) and one tracked in at another rig’s station (403)', async () => {
    await mes.admin.ok('mutation { placeHold(input: { target: SHEET, sheetBarcode: "S-R0001-0005", reason: "probe card crash" }) { id } }');
    const held = await post(bodyFor('S-R0001-0005', 'RIG7-held-0001'));
    expect(held.status).toBe(409);
    expect(((await held.json()) as { error: { message: string } }).error.message).toMatch(
      /^Sheet S-R0001-0005 is on hold: probe card crash/,
    );
    await mes.admin.ok('mutation { scan(input: { barcode: "S-R0001-0006", stationCode: "TST-2", action: TRACK_IN }) { stepState } }');
    const elsewhere = await post(bodyFor('S-R0001-0006', 'RIG7-else-0001'));
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toBe(
      'Sheet S-R0001-0006 is tracked in at station TST-2; rig RIG 7 belongs to station TST-1',
    );
  });
});
