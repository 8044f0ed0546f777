import { signatureArg } from '@mes/testing';
import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

const SHEET = 'S-R0001-0001';
const COLS = 50;

/** What a rig measures on layers in parallel: Z = 1 / Σ (1 / Z_i) at each frequency. */
function parallel(cells: { zReOhm: number[]; zImOhm: number[] }[], n: number): { zRe: number[]; zIm: number[] } {
  const zRe: number[] = [];
  const zIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let yr = 0;
    let yi = 0;
    for (const c of cells) {
      const d = c.zReOhm[k] ** 2 + c.zImOhm[k] ** 2;
      yr += c.zReOhm[k] / d;
      yi -= c.zImOhm[k] / d;
    }
    const d = yr ** 2 + yi ** 2;
    zRe.push(yr / d);
    zIm.push(-yi / d);
  }
  return { zRe, zIm };
}

interface Pick {
  row: number;
  col: number;
  cellCode: string;
  softBin: number;
  carrier: string;
  position: number;
}

/**
 * The end of the line through the gateway: a binned sheet, its pick map, singulation, a stack built
 * by scanning, its final test, and a region hold placed afterwards reaching the stack.
 */
describe('singulation, stacking and stack test through the gateway', () => {
  let mes: MesProcesses;
  let key: string;
  let db: Client;
  // No probe-contact opens: every cell has a result after one test, so no retest is pending.
  const sim = simulateSheet({ seed: 23, sheetIndex: 1, rows: 50, cols: COLS, cellActiveAreaCm2: 0.25, defects: { contactOpenRate: 0 } });
  let bins: (number | null)[];
  let picks: Pick[];
  const count = async (table: string) => Number((await db.query(`SELECT count(*) FROM assembly.${table}`)).rows[0].count);

  const waitDone = async (sheetTestId: string) => {
    for (let i = 0; i < 240; i++) {
      const st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': key } })).json()) as {
        status: string;
      };
      if (st.status === 'DONE' || st.status === 'FAILED') return st.status;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`sheet test ${sheetTestId} did not finish`);
  };

  beforeAll(async () => {
    mes = await useSharedMes();
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    key = (await mes.admin.ok('mutation { registerRig(name: "RIG A", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
  });
  afterAll(async () => {
    await db?.end();
    await mes?.close();
  });

  it('refuses to track an untested sheet into singulation, saying why', async () => {
    // By hand through SHEET_TEST, as a new user would.
    await mes.admin.ok('mutation { scan(input: { barcode: "S-R0001-0002", stationCode: "TST-1", action: TRACK_IN }) { stepState } }');
    await mes.admin.ok('mutation { scan(input: { barcode: "S-R0001-0002", stationCode: "TST-1", action: TRACK_OUT }) { stepState } }');
    const refused = await mes.admin.fails(
      'mutation { scan(input: { barcode: "S-R0001-0002", stationCode: "SNG-1", action: TRACK_IN }) { stepState } }',
    );
    expect(refused.extensions?.code).toBe('CONFLICT');
    expect(refused.message).toBe(
      'Sheet S-R0001-0002 cannot be tracked into SINGULATION: it has never been tested: every sheet is tested at SHEET_TEST before singulation',
    );
    const still = await mes.admin.ok('{ sheet(barcode: "S-R0001-0002") { operation stepState } }');
    expect(still.sheet).toEqual({ operation: 'SINGULATION', stepState: 'WAITING' });
  });

  it('bins a sheet and builds a pick map of exactly the allowed, unheld cells', async () => {
    // Metrology's LCO map of the roll (10.0 µm at the operator side to 10.4 µm across): each cell's capacity is predicted from it.
    await mes.admin.ok(
      `mutation { postThicknessMap(input: { rollBarcode: "R0001", layer: LCO, instrument: "XRF-1", measuredAt: "2026-11-30T09:00:00Z", cdMm: [0, 300], mdMm: [0, 8000], valuesUm: [10, 10.4, 10, 10.4] }) { id } }`,
    );
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RIGA-0001', sheet: SHEET, startedAt: '2026-11-30T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    expect(await waitDone(((await res.json()) as { sheetTestId: string }).sheetTestId)).toBe('DONE');
    bins = (await mes.admin.ok(`{ sheetMap(sheet: "${SHEET}", metric: SOFT_BIN) { values } }`)).sheetMap.values;
    expect(bins.filter((b) => b === 0)).toEqual([]);

    // A hold on one passing cell stops that cell: it is never in a pick map.
    const heldIndex = bins.findIndex((b) => b === 1);
    const held = { row: Math.floor(heldIndex / COLS), col: heldIndex % COLS };
    await mes.admin.ok(
      `mutation { placeHold(input: { target: CELL, sheetBarcode: "${SHEET}", row: ${held.row}, col: ${held.col}, reason: "chipped corner seen at AOI" }) { id } }`,
    );

    const map = (
      await mes.admin.ok(
        `{ pickMap(sheet: "${SHEET}") { strategy entries { row col cellCode softBin carrier position } excluded { reason count } } }`,
      )
    ).pickMap;
    picks = map.entries;
    // The demo stack product MLB-1200 (the only open work order) takes grades 1 and 2.
    const expected = bins.flatMap((b, i) => (b !== null && (b === 1 || b === 2) && i !== heldIndex ? [i] : []));
    expect(picks.map((p) => p.row * COLS + p.col).sort((a, b) => a - b)).toEqual(expected);
    expect(picks.every((p) => p.cellCode === `${SHEET}-R${p.row}C${p.col}`)).toBe(true);
    expect(map.excluded.find((e: { reason: string }) => e.reason === 'ON_HOLD')).toEqual({ reason: 'ON_HOLD', count: 1 });
    const failed = bins.filter((b) => b !== null && b >= 10).length;
    expect(map.excluded.find((e: { reason: string }) => e.reason === 'FAILED')?.count ?? 0).toBe(failed);
    expect(failed).toBeGreaterThan(0);

    const csv = await fetch(`${mes.gatewayUrl}/api/v1/pick-maps/${SHEET}.csv`, { headers: { authorization: `Bearer ${mes.admin.token}` } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('sheet,row,col,cell_code,soft_bin,carrier,position,work_order,layer');
    expect(lines).toHaveLength(picks.length + 1);
    const anonymous = await fetch(`${mes.gatewayUrl}/api/v1/pick-maps/${SHEET}.csv`);
    expect(anonymous.status).toBe(401);
  });

  it('singulates: a bad report stores nothing, a good one keeps picks, breaks and yield', async () => {
    await mes.admin.ok(`mutation { scan(input: { barcode: "${SHEET}", stationCode: "SNG-1", action: TRACK_IN }) { stepState } }`);
    const failedIndex = bins.findIndex((b) => b !== null && b >= 10);
    const failed = { row: Math.floor(failedIndex / COLS), col: failedIndex % COLS };
    const bad = await mes.admin.fails('mutation($i: SingulationReportInput!) { reportSingulation(input: $i) { picked } }', {
      i: {
        sheet: SHEET,
        stationCode: 'SNG-1',
        strategy: 'GRADED',
        picked: [...picks.slice(0, 3).map(({ row, col }) => ({ row, col })), failed],
        broken: [],
      },
    });
    expect(bad.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.message).toMatch(
      new RegExp(`cell \\(${failed.row}, ${failed.col}\\) is not in the pick map: it failed \\(soft bin ${bins[failedIndex]}`),
    );
    expect(await count('singulated_cells')).toBe(0);
    expect(await count('singulation_reports')).toBe(0);

    const broken = picks[picks.length - 1];
    const done = await mes.admin.ok(
      'mutation($i: SingulationReportInput!) { reportSingulation(input: $i) { cellsTested cellsPassed cellsInPickMap picked broken testYield singulationLoss } }',
      {
        i: {
          sheet: SHEET,
          stationCode: 'SNG-1',
          strategy: 'GRADED',
          picked: picks.slice(0, -1).map(({ row, col }) => ({ row, col })),
          broken: [{ row: broken.row, col: broken.col, reason: 'cracked at pick' }],
        },
      },
    );
    const passed = bins.filter((b) => b !== null && b >= 1 && b <= 9).length;
    expect(done.reportSingulation).toEqual({
      cellsTested: 2500,
      cellsPassed: passed,
      cellsInPickMap: picks.length,
      picked: picks.length - 1,
      broken: 1,
      testYield: passed / 2500,
      singulationLoss: 1 / picks.length,
    });
    expect(await count('singulated_cells')).toBe(picks.length);
    const again = await mes.admin.fails('mutation($i: SingulationReportInput!) { reportSingulation(input: $i) { picked } }', {
      i: { sheet: SHEET, stationCode: 'SNG-1', strategy: 'GRADED', picked: [{ row: picks[0].row, col: picks[0].col }], broken: [] },
    });
    expect(again.extensions?.code).toBe('CONFLICT');
  });

  it('builds a stack by scanning, refuses a failed cell with its bin and a double scan, tests it, and a later region hold reaches it', async () => {
    const proposal = (
      await mes.admin.ok(
        '{ stackProposal(productCode: "MLB-1200", grade: 1) { layersPerStack layerCapacityMah layersSource cellsAvailable upperBound stacks } }',
      )
    ).stackProposal;
    // 68.5 µAh/cm²/µm x ~10 µm x 0.25 cm² x 0.9 ≈ 0.155 mAh a layer: ceil(1.2 / the smallest) = 8 layers.
    expect(proposal).toMatchObject({ layersPerStack: 8, layersSource: 'PREDICTED' });
    expect(proposal.layerCapacityMah).toBeGreaterThan((68.5 * 10 * 0.25 * 0.9) / 1000);
    expect(proposal.layerCapacityMah).toBeLessThan((68.5 * 10.4 * 0.25 * 0.9) / 1000);
    expect(proposal.stacks.length).toBeGreaterThan(0);
    expect(proposal.stacks.length).toBeLessThanOrEqual(proposal.upperBound);
    const layers: string[] = proposal.stacks[0];

    await mes.admin.ok(
      'mutation { startStack(input: { barcode: "STK-0001", productCode: "MLB-1200", workOrder: "WO-0001", stationCode: "STACK-1" }) { status } }',
    );
    const addLayer =
      'mutation($s: String!, $c: String!) { addStackLayer(input: { stackBarcode: $s, cellCode: $c }) { status layers { layerIndex cellCode } } }';

    const failedIndex = bins.findIndex((b) => b !== null && b >= 10);
    const failedCode = `${SHEET}-R${Math.floor(failedIndex / COLS)}C${failedIndex % COLS}`;
    const refused = await mes.admin.fails(addLayer, { s: 'STK-0001', c: failedCode });
    expect(refused.extensions?.code).toBe('CONFLICT');
    expect(refused.extensions?.reason).toBe('CELL_NOT_SINGULATED');
    expect(refused.message).toMatch(
      new RegExp(`^Cell ${failedCode} was not singulated: its current result is soft bin ${bins[failedIndex]} \\(`),
    );

    // The one scan mutation knows a cell code when it sees one and says where it belongs.
    const misplaced = await mes.admin.fails(
      `mutation { scan(input: { barcode: "${layers[0]}", stationCode: "SNG-1", action: TRACK_IN }) { stepState } }`,
    );
    expect(misplaced.message).toMatch(
      /^S-R0001-0001-R\d+C\d+ is singulated cell \(\d+, \d+\) of sheet S-R0001-0001: scan it into a stack \(addStackLayer\)/,
    );

    await mes.admin.ok(addLayer, { s: 'STK-0001', c: layers[0] });
    const twice = await mes.admin.fails(addLayer, { s: 'STK-0001', c: layers[0] });
    expect(twice.message).toBe(`Cell ${layers[0]} is already layer 1 of stack STK-0001 (a second scan of the same layer)`);
    expect(await count('stack_layers')).toBe(1);
    let stack;
    for (const code of layers.slice(1)) stack = (await mes.admin.ok(addLayer, { s: 'STK-0001', c: code })).addStackLayer;
    expect(stack.status).toBe('BUILT');
    const planned = (await mes.admin.ok('{ stack(barcode: "STK-0001") { layersPlanned layersSource layers { capacitySource } } }')).stack;
    expect(planned).toMatchObject({ layersPlanned: 8, layersSource: 'PREDICTED' });
    expect(planned.layers.every((l: { capacitySource: string }) => l.capacitySource === 'PREDICTED')).toBe(true);
    expect(stack.layers.map((l: { cellCode: string }) => l.cellCode)).toEqual(layers);

    const postTest =
      'mutation($i: StackTestInput!) { postStackTest(input: $i) { status bin binReason tests { testId bin deviation comparison { frequenciesHz expectedZReOhm measuredZReOhm hypotheses { hypothesis layer deviation } layerSpectra { layerIndex cellCode testId } } } } }';
    const unknown = await mes.admin.fails(postTest, {
      i: {
        testId: 'STT-X',
        stackBarcode: 'STK-NOPE',
        stationCode: 'STT-1',
        ocvV: 4,
        frequenciesHz: [1e4, 1e3, 1],
        zReOhm: [1, 2, 3],
        zImOhm: [0, 0, 0],
      },
    });
    expect(unknown.extensions?.code).toBe('NOT_FOUND');
    expect(await count('stack_tests')).toBe(0);

    // The stack measures its layers in parallel: Z = 1 / Σ (1 / Z_i) at the rig's frequencies.
    const cells = layers.map((code) => {
      const [, r, c] = /-R(\d+)C(\d+)$/.exec(code)!;
      return sim.cells.find((x) => x.row === Number(r) && x.col === Number(c)) as unknown as {
        ocvV: number;
        zReOhm: number[];
        zImOhm: number[];
      };
    });
    const { zRe, zIm } = parallel(cells, sim.frequenciesHz.length);
    const ocvV = cells.reduce((s, c) => s + c.ocvV, 0) / cells.length;

    // The stack's own route: STACKING → FORMATION → STACK_TEST, by scans; its final test waits for STACK_TEST.
    const scanStack =
      'mutation($s: String!, $st: String!) { scanStack(input: { stackBarcode: $s, stationCode: $st }) { step electrochemicalState } }';
    const early = await mes.admin.fails(postTest, {
      i: {
        testId: 'STT-0001',
        stackBarcode: 'STK-0001',
        stationCode: 'STT-1',
        ocvV,
        frequenciesHz: sim.frequenciesHz,
        zReOhm: zRe,
        zImOhm: zIm,
      },
    });
    expect(early.extensions).toMatchObject({ code: 'WRONG_OPERATION', reason: 'WRONG_STEP' });
    expect(await count('stack_tests')).toBe(0);
    const skipped = await mes.admin.fails(scanStack, { s: 'STK-0001', st: 'STT-1' });
    expect(skipped.extensions).toMatchObject({ code: 'WRONG_OPERATION', reason: 'WRONG_ORDER' });
    expect(skipped.message).toBe(
      'Stack STK-0001 is at STACKING; its next step is FORMATION, not STACK_TEST (route STACKING → FORMATION → STACK_TEST)',
    );
    expect((await mes.admin.ok(scanStack, { s: 'STK-0001', st: 'FRM-1' })).scanStack).toEqual({
      step: 'FORMATION',
      electrochemicalState: 'AS_MADE',
    });
    expect((await mes.admin.ok(scanStack, { s: 'STK-0001', st: 'STT-1' })).scanStack).toEqual({
      step: 'STACK_TEST',
      electrochemicalState: 'FORMED',
    });
    // A stack with no layers yet cannot leave STACKING.
    await mes.admin.ok(
      'mutation { startStack(input: { barcode: "STK-0003", productCode: "MLB-1200", workOrder: "WO-0001", stationCode: "STACK-1" }) { status } }',
    );
    const incomplete = await mes.admin.fails(scanStack, { s: 'STK-0003', st: 'FRM-1' });
    expect(incomplete.extensions).toMatchObject({ code: 'CONFLICT', reason: 'STACK_INCOMPLETE' });

    const tested = (
      await mes.admin.ok(postTest, {
        i: {
          testId: 'STT-0001',
          stackBarcode: 'STK-0001',
          stationCode: 'STT-1',
          ocvV,
          frequenciesHz: sim.frequenciesHz,
          zReOhm: zRe,
          zImOhm: zIm,
        },
      })
    ).postStackTest;
    expect(tested).toMatchObject({ status: 'TESTED', bin: 'PASS', tests: [{ testId: 'STT-0001', bin: 'PASS' }] });
    // Judged on whole spectra: the layers' stored spectra (from test-data) at every measured frequency.
    const comparison = tested.tests[0].comparison;
    expect(comparison.frequenciesHz).toHaveLength(sim.frequenciesHz.length);
    expect(comparison.layerSpectra).toEqual(layers.map((cellCode, i) => ({ layerIndex: i + 1, cellCode, testId: 'RIGA-0001' })));
    expect(comparison.hypotheses).toHaveLength(1 + layers.length);
    // Float32 storage of the layers' spectra is all that separates expectation and measurement.
    expect(tested.tests[0].deviation).toBeLessThan(1e-5);
    comparison.expectedZReOhm.forEach((z: number, k: number) => expect(z).toBeCloseTo(zRe[k], 3));

    // Genealogy in one query: each layer's sheet and roll come from tracking through the gateway.
    const genealogy = (
      await mes.admin.ok(
        '{ stack(barcode: "STK-0001") { layers { layerIndex cellCode row col mdMm softBin sheet { barcode sheetIndex rollBarcode } roll { barcode lengthMm } } } }',
      )
    ).stack.layers;
    expect(genealogy[0]).toMatchObject({
      layerIndex: 1,
      cellCode: layers[0],
      sheet: { barcode: SHEET, sheetIndex: 1, rollBarcode: 'R0001' },
      roll: { barcode: 'R0001', lengthMm: 8000 },
    });
    // ...and each layer cell, as the graph's Cell entity: its code and holds from tracking, its
    // current result from test-data, its provenance from process, all in the same query.
    const layerCells = (
      await mes.admin.ok(
        '{ stack(barcode: "STK-0001") { layers { cellCode mdMm softBin cell { code mdMm activeHolds { id } result { softBin } provenance { mdMm } } } } }',
      )
    ).stack.layers;
    for (const l of layerCells) {
      expect(l.cell).toMatchObject({ code: l.cellCode, activeHolds: [], result: { softBin: l.softBin } });
      expect(l.cell.mdMm).toBeCloseTo(l.mdMm, 6);
      expect(l.cell.provenance.mdMm).toBeCloseTo(l.mdMm, 6);
    }

    // Cycler samples: a bad file stores nothing; a good one gives retention and CE statistics.
    const importCsv =
      'mutation($i: ImportCyclerResultsInput!) { importCyclerResults(input: $i) { cycles retention cyclesTo95 cyclesTo80 meanCePct meanLayerAsrOhmCm2 } }';
    const badCsv = await mes.admin.fails(importCsv, {
      i: { stackBarcode: 'STK-0001', csv: 'cycle,charge_mah,discharge_mah\n1,1.2,1.1\n1,1.2,x\n' },
    });
    expect(badCsv.extensions?.code).toBe('VALIDATION_FAILED');
    expect(badCsv.message).toMatch(/line 3: discharge capacity "x" is not a number/);
    expect(await count('cycle_results')).toBe(0);
    const csv = [
      'cycle,charge_mah,discharge_mah,ce_pct,discharge_energy_mwh,end_voltage_v',
      ...Array.from(
        { length: 200 },
        (_, i) => `${i + 1},1.2,${(1.15 * (1 - i * 0.0012)).toFixed(5)},,${(4.4 * (1 - i * 0.0012)).toFixed(4)},4.2`,
      ),
    ].join('\n');
    const cycled = (await mes.admin.ok(importCsv, { i: { stackBarcode: 'STK-0001', csv } })).importCyclerResults;
    expect(cycled).toMatchObject({ cycles: 200, cyclesTo95: 43, cyclesTo80: 168 });
    expect(cycled.retention).toBeCloseTo(1 - 199 * 0.0012, 4);
    expect(cycled.meanLayerAsrOhmCm2).toBeGreaterThan(0);

    // A second stack whose third layer is not connected: the measurement matches the expectation without it.
    const second: string[] = proposal.stacks[1];
    await mes.admin.ok(
      'mutation { startStack(input: { barcode: "STK-0002", productCode: "MLB-1200", workOrder: "WO-0001", stationCode: "STACK-1" }) { status } }',
    );
    for (const code of second) await mes.admin.ok(addLayer, { s: 'STK-0002', c: code });
    for (const station of ['FRM-1', 'STT-1']) await mes.admin.ok(scanStack, { s: 'STK-0002', st: station });
    const secondCells = second.map((code) => {
      const [, r, c] = /-R(\d+)C(\d+)$/.exec(code)!;
      return sim.cells.find((x) => x.row === Number(r) && x.col === Number(c)) as unknown as {
        ocvV: number;
        zReOhm: number[];
        zImOhm: number[];
      };
    });
    const open = parallel(
      secondCells.filter((_, i) => i !== 2),
      sim.frequenciesHz.length,
    );
    const openTest = (
      await mes.admin.ok(postTest, {
        i: {
          testId: 'STT-0003',
          stackBarcode: 'STK-0002',
          stationCode: 'STT-1',
          ocvV,
          frequenciesHz: sim.frequenciesHz,
          zReOhm: open.zRe,
          zImOhm: open.zIm,
        },
      })
    ).postStackTest;
    expect(openTest.bin).toBe('OPEN_LAYER');
    expect(openTest.binReason).toMatch(/one layer is not connected/);

    // A stack test rig posts over REST with a key of the sheet rigs' scheme, registered at the STACK_TEST station.
    const stackRigKey = (await mes.admin.ok('mutation { registerRig(name: "STACK RIG", stationCode: "STT-1") { apiKey } }')).registerRig
      .apiKey;
    const restBody = { testId: 'STR-0001', stack: 'STK-0002', ocvV, frequenciesHz: sim.frequenciesHz, zReOhm: open.zRe, zImOhm: open.zIm };
    const postRest = (k: string, b: unknown, path = 'stack-tests') =>
      fetch(`${mes.gatewayUrl}/api/v1/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': k },
        body: JSON.stringify(b),
      });
    const sheetRigPosts = await postRest(key, restBody);
    expect(sheetRigPosts.status).toBe(403);
    expect(((await sheetRigPosts.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    const stackRigPostsSheet = await postRest(stackRigKey, { testId: 'X1', sheet: SHEET }, 'sheet-tests');
    expect(stackRigPostsSheet.status).toBe(403);
    const rest = await postRest(stackRigKey, restBody);
    expect(rest.status).toBe(201);
    expect(await rest.json()).toMatchObject({ testId: 'STR-0001', stack: 'STK-0002', bin: 'OPEN_LAYER', suspectLayer: 3 });
    expect((await postRest(stackRigKey, restBody)).status).toBe(200);
    expect((await postRest(stackRigKey, { ...restBody, ocvV: ocvV + 0.1 })).status).toBe(409);

    // A region hold placed afterwards around layer 1's cell holds the stack, and where-used finds it.
    const layer1 = (await mes.admin.ok('{ stack(barcode: "STK-0001") { layers { mdMm rollBarcode } } }')).stack.layers[0];
    const hold = (
      await mes.admin.ok(
        `mutation { placeHold(input: { target: ROLL_REGION, rollBarcode: "R0001", mdFromMm: ${layer1.mdMm - 1}, mdToMm: ${layer1.mdMm + 1}, reason: "LCO rate excursion" }) { id } }`,
      )
    ).placeHold;
    const held = (await mes.admin.ok('{ stack(barcode: "STK-0001") { onHold activeHolds { holdId reason cellCode } } }')).stack;
    expect(held.onHold).toBe(true);
    expect(held.activeHolds).toContainEqual({ holdId: hold.id, reason: 'LCO rate excursion', cellCode: layers[0] });
    const used = (
      await mes.admin.ok(
        `{ stacksWhereUsed(roll: "R0001", mdFromMm: ${layer1.mdMm - 1}, mdToMm: ${layer1.mdMm + 1}) { barcode cellCodes } }`,
      )
    ).stacksWhereUsed;
    // Every stack with a layer cut from the region (a cell of the same sheet row as layer 1's sits at
    // the same MD, and the proposal may have put one in STK-0002), and no other.
    const inRegion: string[] = [];
    for (const barcode of ['STK-0001', 'STK-0002']) {
      const { stack } = await mes.admin.ok(`{ stack(barcode: "${barcode}") { layers { mdMm rollBarcode } } }`);
      if (stack.layers.some((l: { mdMm: number; rollBarcode: string }) => l.rollBarcode === 'R0001' && Math.abs(l.mdMm - layer1.mdMm) <= 1))
        inRegion.push(barcode);
    }
    expect(inRegion).toContain('STK-0001');
    expect(used.map((u: { barcode: string }) => u.barcode).sort()).toEqual(inRegion);
    expect(used.find((u: { barcode: string }) => u.barcode === 'STK-0001').cellCodes).toContain(layers[0]);
    const byHold = (await mes.admin.ok(`{ stacksWhereUsedByHold(holdId: "${hold.id}") { barcode } }`)).stacksWhereUsedByHold;
    expect(byHold.map((u: { barcode: string }) => u.barcode).sort()).toEqual(inRegion);
    const onHoldTest = await mes.admin.fails(postTest, {
      i: {
        testId: 'STT-0002',
        stackBarcode: 'STK-0001',
        stationCode: 'STT-1',
        ocvV,
        frequenciesHz: sim.frequenciesHz,
        zReOhm: zRe,
        zImOhm: zIm,
      },
    });
    expect(onHoldTest.extensions?.code).toBe('UNIT_ON_HOLD');
    // A held stack goes nowhere on its route either.
    const heldScan = await mes.admin.fails(scanStack, { s: 'STK-0001', st: 'FRM-1' });
    expect(heldScan.extensions).toMatchObject({ code: 'UNIT_ON_HOLD', reason: 'ON_HOLD', holdId: hold.id });

    // SCRAP of that hold scraps the stack.
    await mes.admin.ok(
      `mutation { releaseHold(input: { holdId: "${hold.id}", disposition: SCRAP, comment: "region scrapped" }, ${signatureArg()}) { active } }`,
    );
    expect((await mes.admin.ok('{ stack(barcode: "STK-0001") { status } }')).stack.status).toBe('SCRAPPED');
    const scrapped = await mes.admin.fails(scanStack, { s: 'STK-0001', st: 'FRM-1' });
    expect(scrapped.extensions).toMatchObject({ code: 'UNIT_NOT_ACTIVE', reason: 'SCRAPPED' });
  });
});
