import { LineDriver, simulateSheet, toSheetTestBody, type RollRun } from '@mes/simulator';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * One graph: tracking owns Roll, Sheet and Cell, test-data adds their maps, yields, bin Paretos,
 * tests, a cell's results and spectrum, process adds runs, trace summaries and a cell's provenance,
 * so one query through the gateway walks from a roll to its sheets, their holds and their results,
 * down to each cell's history and provenance, and answers exactly what the separate root queries
 * answer, at a number of subgraph calls that does not grow with the number of cells.
 */
describe('one graph from a roll to its sheets and their results', () => {
  let mes: MesProcesses;
  let line: RollRun;
  const sim = simulateSheet({ seed: 21, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });

  beforeAll(async () => {
    mes = await useSharedMes();
    const reg = await mes.admin.ok('mutation { registerRig(name: "RIG 9", stationCode: "TST-1") { apiKey } }');
    const key = reg.registerRig.apiKey as string;
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RIG9-graph-0001', sheet: 'S-R0001-0001', startedAt: '2026-11-22T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    let status = '';
    for (let i = 0; i < 240 && status !== 'DONE' && status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = (
        (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': key } })).json()) as {
          status: string;
        }
      ).status;
    }
    expect(status).toBe('DONE');
    // A roll made through the whole line: process runs with traces on the roll and on each sheet, sheets tested.
    const driven = await new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      rolls: 1,
      sheets: 2,
      seed: 9,
      rollPrefix: 'GRAPH',
      concurrency: 2,
    }).run();
    expect(driven.skipped).toEqual({});
    line = driven.rolls[0];
    expect(line.sheets.every((s) => s.test?.status === 'DONE')).toBe(true);
  }, 600_000); // the MES's start, a rig test and a roll through the whole line, on a shared machine
  afterAll(async () => {
    await mes?.close();
  });

  const WALK = `{
    roll(barcode: "R0001") {
      barcode sheetsCut
      yield { sheetsTested cellsTested firstPassYield finalYield }
      binPareto { softBin hardBin binName count }
      map(metric: SOFT_BIN) { roll mdStepMm cdStepMm mdBins cdBins values counts }
      sheets {
        barcode operation activeHolds { id }
        yield { sheet cellsTested firstPassYield finalYield }
        map(metric: OCV_V) { sheet rows cols values }
        binPareto { softBin count }
        tests { testId status cells }
      }
    }
  }`;

  it('answers a roll, its sheets, their holds, maps, yields and bins in one query, as the root queries do', async () => {
    const { roll } = await mes.admin.ok(WALK);
    expect(roll.barcode).toBe('R0001');
    expect(roll.sheets).toHaveLength(roll.sheetsCut);

    const direct = await mes.admin.ok(`{
      rollYield(roll: "R0001") { sheetsTested cellsTested firstPassYield finalYield }
      binPareto(roll: "R0001") { softBin hardBin binName count }
      sheetMap(sheet: "S-R0001-0001", metric: OCV_V) { sheet rows cols values }
      sheetTests(sheet: "S-R0001-0001") { testId status cells }
    }`);
    const { rollMap } = await mes.admin.ok(
      '{ rollMap(roll: "R0001", metric: SOFT_BIN) { roll mdStepMm cdStepMm mdBins cdBins values counts } }',
    );
    expect(roll.yield).toEqual(direct.rollYield);
    expect(roll.yield).toMatchObject({ sheetsTested: 1, cellsTested: 2500 });
    expect(roll.binPareto).toEqual(direct.binPareto);
    expect(roll.map).toEqual(rollMap);

    const tested = roll.sheets.find((s: { barcode: string }) => s.barcode === 'S-R0001-0001');
    expect(tested.map).toEqual(direct.sheetMap);
    expect(tested.tests).toEqual(direct.sheetTests);
    expect(tested.tests).toEqual([{ testId: 'RIG9-graph-0001', status: 'DONE', cells: 2500 }]);
    expect(tested.binPareto.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(2500);
    // One sheet tested: its yield is the roll's.
    expect(tested.yield).toEqual({
      sheet: 'S-R0001-0001',
      cellsTested: 2500,
      firstPassYield: roll.yield.firstPassYield,
      finalYield: roll.yield.finalYield,
    });
    expect(tested.activeHolds).toEqual([]);

    const untested = roll.sheets.find((s: { barcode: string }) => s.barcode === 'S-R0001-0002');
    expect(untested.yield).toEqual({ sheet: 'S-R0001-0002', cellsTested: 0, firstPassYield: null, finalYield: null });
    expect(untested.map.values).toHaveLength(2500);
    expect(untested.map.values.every((v: number | null) => v === null)).toBe(true);
    expect(untested.binPareto).toEqual([]);
    expect(untested.tests).toEqual([]);
  });

  const CELL_FIELDS = `
    code sheetBarcode row col rollBarcode mdMm cdMm status
    activeHolds { id reason }
    result { testId sheetTestId ocvV rOhmicOhm rCtOhm asrOhmCm2 softBin hardBin binName ruleId ruleSetVersion history { testId softBin ruleSetVersion } }
    spectrum { sheetTestId testId status ocvV frequenciesHz zReOhm zImOhm fit { circuit relRms } fitMissingReason }
    provenance { rollBarcode mdMm cdMm mdFromMm mdToMm layers { operation run { id recipeName recipeVersion } traces { channel unit mean min max samples } } thickness { layer thicknessUm } alarms { id } }`;

  it('walks from a roll to its runs, trace summary, sheets and a cell’s holds, results, spectrum and provenance in one query', async () => {
    const { roll } = await mes.admin.ok(
      `query($roll: String!) { roll(barcode: $roll) {
        barcode
        processRuns { id operation sheetBarcode recipeName mdStartMm mdEndMm traceSamples }
        traceSummary { operation channel unit runs batches samples min max mean }
        sheets { barcode rollBarcode processRuns { id operation sheetBarcode } cell(row: 5, col: 7) { ${CELL_FIELDS} } }
      } }`,
      { roll: line.barcode },
    );
    // The roll's runs are the process service's own list (processRuns answers newest first; the graph in process order).
    const { processRuns } = await mes.admin.ok(
      'query($roll: String!) { processRuns(rollBarcode: $roll) { id operation sheetBarcode recipeName mdStartMm mdEndMm traceSamples } }',
      { roll: line.barcode },
    );
    expect(roll.processRuns).toEqual([...processRuns].reverse());
    expect(roll.processRuns.length).toBeGreaterThanOrEqual(2 + 2 * 2);

    // The trace summary covers every operation that posted traces, and its figures hold together.
    const traced = new Set(
      roll.processRuns.filter((r: { traceSamples: number }) => r.traceSamples > 0).map((r: { operation: string }) => r.operation),
    );
    expect(new Set(roll.traceSummary.map((t: { operation: string }) => t.operation))).toEqual(traced);
    for (const t of roll.traceSummary) {
      const runsOfOp = roll.processRuns.filter((r: { operation: string }) => r.operation === t.operation);
      expect(t.runs).toBeLessThanOrEqual(runsOfOp.length);
      expect(t.samples).toBeGreaterThan(0);
      expect(t.samples).toBeLessThanOrEqual(runsOfOp.reduce((n: number, r: { traceSamples: number }) => n + r.traceSamples, 0));
      // The mean is a sum of float products: allow its last bits.
      expect(t.min).toBeLessThanOrEqual(t.mean + 1e-9 * Math.abs(t.mean));
      expect(t.mean).toBeLessThanOrEqual(t.max + 1e-9 * Math.abs(t.max));
    }

    for (const sheet of roll.sheets) {
      const cell = sheet.cell;
      const direct = await mes.admin.ok(
        `query($s: String!) {
          cellResult(sheet: $s, row: 5, col: 7) { testId sheetTestId ocvV rOhmicOhm rCtOhm asrOhmCm2 softBin hardBin binName ruleId ruleSetVersion history { testId softBin ruleSetVersion } }
          cellSpectrum(sheet: $s, row: 5, col: 7) { sheetTestId testId status ocvV frequenciesHz zReOhm zImOhm fit { circuit relRms } fitMissingReason }
          cellProvenance(sheet: $s, row: 5, col: 7) { rollBarcode mdMm cdMm mdFromMm mdToMm layers { operation run { id recipeName recipeVersion } traces { channel unit mean min max samples } } thickness { layer thicknessUm } alarms { id } }
          cellStates(cells: [{ sheetBarcode: $s, row: 5, col: 7 }]) { rollBarcode mdMm cdMm status activeHolds { id reason } }
        }`,
        { s: sheet.barcode },
      );
      expect(cell).toMatchObject({ code: `${sheet.barcode}-R5C7`, sheetBarcode: sheet.barcode, row: 5, col: 7, rollBarcode: line.barcode });
      const [state] = direct.cellStates;
      expect({
        rollBarcode: cell.rollBarcode,
        mdMm: cell.mdMm,
        cdMm: cell.cdMm,
        status: cell.status,
        activeHolds: cell.activeHolds,
      }).toEqual(state);
      expect(cell.result).toEqual(direct.cellResult);
      expect(cell.result.history.length).toBeGreaterThanOrEqual(1);
      expect(cell.spectrum).toEqual(direct.cellSpectrum);
      expect(cell.spectrum.frequenciesHz.length).toBeGreaterThan(0);
      expect(cell.provenance).toEqual(direct.cellProvenance);
      // Tracking's position of the cell is the one its provenance was read at.
      expect(cell.provenance).toMatchObject({ rollBarcode: cell.rollBarcode, mdMm: cell.mdMm, cdMm: cell.cdMm });
      expect(cell.provenance.layers.map((l: { operation: string }) => l.operation)).toEqual(
        expect.arrayContaining(['LCO_DEPOSITION', 'LIPON_DEPOSITION']),
      );
      // The sheet's provenance: the roll's runs over its stretch and its own sheet runs, which make every layer of its cells.
      const sheetRuns = new Set(sheet.processRuns.map((r: { id: string }) => r.id));
      for (const l of cell.provenance.layers) expect(sheetRuns.has(l.run.id)).toBe(true);
      const own = roll.processRuns.filter((r: { sheetBarcode: string | null }) => r.sheetBarcode === sheet.barcode);
      expect(own.length).toBeGreaterThan(0);
      for (const r of own) expect(sheetRuns.has(r.id)).toBe(true);
      expect(sheet.processRuns.some((r: { sheetBarcode: string | null }) => r.sheetBarcode && r.sheetBarcode !== sheet.barcode)).toBe(
        false,
      );
    }
  });

  it('answers every cell of a region with its own results and provenance, at the subgraph calls one cell costs', async () => {
    const sheet = line.sheets[0];
    const one = `query($roll: String!) { roll(barcode: $roll) { sheets { cell(row: 0, col: 0) { code result { softBin } provenance { mdMm layers { operation } } } } } }`;
    const many = `query($roll: String!, $to: Float!) { roll(barcode: $roll) {
      cellsInRegion(mdFromMm: 0, mdToMm: $to, limit: 400) { code sheetBarcode row col mdMm activeHolds { id } result { softBin history { testId } } provenance { mdMm layers { operation } } }
    } }`;
    await mes.resetSubgraphCalls();
    await mes.admin.ok(one, { roll: line.barcode });
    const callsForOne = await mes.subgraphCalls();
    await mes.resetSubgraphCalls();
    const { roll } = await mes.admin.ok(many, { roll: line.barcode, to: sheet.mdEndMm });
    const callsForMany = await mes.subgraphCalls();
    expect(roll.cellsInRegion.length).toBe(400);
    // One request per subgraph the plan visits, whether it is one cell or 400 (no call per cell).
    expect(callsForMany).toEqual(callsForOne);
    expect(callsForMany).toEqual({ tracking: 1, 'test-data': 1, process: 1, assembly: 0 });

    // Each cell got its own answer: its soft bin is the one the sheet map shows at its (row, col), its provenance is at its position.
    const { sheetMap } = await mes.admin.ok('query($s: String!) { sheetMap(sheet: $s, metric: SOFT_BIN) { cols values } }', {
      s: sheet.barcode,
    });
    for (const c of roll.cellsInRegion) {
      expect(c.sheetBarcode).toBe(sheet.barcode);
      expect(c.result.softBin).toBe(sheetMap.values[c.row * sheetMap.cols + c.col]);
      expect(c.provenance.mdMm).toBe(c.mdMm);
      expect(c.provenance.layers.length).toBeGreaterThan(0);
    }
  });

  it('refuses a cell outside the sheet’s grid with the grid in the message', async () => {
    const body = await mes.admin.request('{ sheet(barcode: "S-R0001-0001") { barcode cell(row: 50, col: 0) { code } } }');
    expect(body.data).toEqual({ sheet: { barcode: 'S-R0001-0001', cell: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Cell (50, 0) is outside the 50 x 50 grid of sheet S-R0001-0001',
      path: ['sheet', 'cell'],
      extensions: { code: 'VALIDATION_FAILED' },
    });
  });

  it('refuses the walk without a token, and a metric the map does not know, with clear errors', async () => {
    const anonymous = await fetch(`${mes.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: WALK }),
    });
    const body = (await anonymous.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const error = await mes.admin.fails('{ roll(barcode: "R0001") { sheets { map(metric: THICKNESS) { values } } } }');
    expect(error.message).toContain('THICKNESS');
  });

  it('answers UNKNOWN_BARCODE for a roll that does not exist, and no results', async () => {
    const body = await mes.admin.request('{ roll(barcode: "R9999") { barcode yield { cellsTested } } }');
    expect(body.data).toBeNull();
    expect(body.errors?.[0].extensions?.code).toBe('UNKNOWN_BARCODE');
    expect(body.errors?.[0].message).toContain('R9999');
  });
});
