import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';

/**
 * One graph: tracking owns Roll and Sheet, test-data adds their maps, yields, bin Paretos and tests,
 * so one query through the gateway walks from a roll to its sheets, their holds and their results,
 * and answers exactly what the separate root queries answer.
 */
describe('one graph from a roll to its sheets and their results', () => {
  let mes: MesProcesses;
  const sim = simulateSheet({ seed: 21, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });

  beforeAll(async () => {
    mes = await startMesProcesses('graph');
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
  });
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
