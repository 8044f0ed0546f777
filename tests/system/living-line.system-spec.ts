import { LIVING_LINE_ROLL, seedLivingLine } from '@mes/simulator';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The living line npm start seeds in the background: one simulated roll through every step of the
 * line, through the gateway, so the web UI's pages all have true data; seeded once.
 */
describe('the living line (seedLivingLine, as npm start runs it)', () => {
  let mes: MesProcesses;
  const lines: string[] = [];

  beforeAll(async () => {
    mes = await useSharedMes();
  }, 600_000);
  afterAll(async () => {
    await mes?.close();
  });

  it('makes roll DEMO-SIM-1 deposited, tested, binned, singulated, stacked, stack tested and cycled, and only once', async () => {
    const outcome = await seedLivingLine({ url: mes.gatewayUrl, password: TEST_ADMIN_PASSWORD, log: (l) => lines.push(l) });
    if (!outcome.seeded) throw new Error(`not seeded: ${outcome.reason}`);
    expect(outcome.summary).toMatch(/^living line: roll DEMO-SIM-1, 10 sheets tested, \d+ cells singulated, 12 stacks \(/);

    // Deposited: the roll's process runs, through the process service.
    expect(outcome.line.counts.processRuns).toBeGreaterThan(0);
    // Inspected: every sheet's AOI result was posted before its test, and the defects are in the graph.
    expect(outcome.line.counts.inspectionsPosted).toBe(10);
    const defects = (await mes.admin.ok(`{ roll(barcode: "${LIVING_LINE_ROLL}") { defectDensity { sheetsInspected count } } }`)).roll
      .defectDensity;
    expect(defects.sheetsInspected).toBe(10);
    expect(defects.count).toBeGreaterThan(0);
    const roll = (
      await mes.admin.ok(`{ roll(barcode: "${LIVING_LINE_ROLL}") { barcode yield { finalYield } sheets { barcode operation status } } }`)
    ).roll;
    expect(roll.sheets).toHaveLength(10);
    expect(roll.yield.finalYield).toBeGreaterThan(0.5);

    // Every sheet singulated, each with a few broken cells.
    for (const sheet of roll.sheets) {
      const y = (await mes.admin.ok(`{ singulationYield(sheet: "${sheet.barcode}") { picked broken cellsInPickMap } }`)).singulationYield;
      expect(y).not.toBeNull();
      expect(y.broken).toBeGreaterThanOrEqual(1);
      expect(y.picked + y.broken).toBe(y.cellsInPickMap);
      expect(sheet.operation).not.toBe('SINGULATION');
    }

    // Stacks: the MES's bins are the truth the simulator injected (one open layer, one shorted layer).
    const stacks = (await mes.admin.ok(`{ stacksWhereUsed(roll: "${LIVING_LINE_ROLL}") { barcode status bin } }`)).stacksWhereUsed as {
      barcode: string;
      status: string;
      bin: string;
    }[];
    expect(stacks).toHaveLength(12);
    const truth = new Map(outcome.endOfLine.stacks.map((s) => [s.barcode, s.fault?.kind ?? 'PASS']));
    expect(Object.fromEntries(stacks.map((s) => [s.barcode, s.bin]))).toEqual(Object.fromEntries(truth));
    expect(stacks.filter((s) => s.bin === 'OPEN_LAYER')).toHaveLength(1);
    expect(stacks.filter((s) => s.bin === 'SHORTED_LAYER')).toHaveLength(1);
    expect(outcome.endOfLine.comparison.exact).toBe(true);

    // Three passing stacks cycled, with their layers' sheet-test ASR beside their retention.
    const cycled = (
      await mes.admin.ok('{ cyclingByProduct(productCode: "MLB-1200") { stacks { stackBarcode cycles retention meanLayerAsrOhmCm2 } } }')
    ).cyclingByProduct.stacks;
    expect(cycled).toHaveLength(3);
    for (const c of cycled) {
      expect(truth.get(c.stackBarcode)).toBe('PASS');
      expect(c.cycles).toBe(200);
      expect(c.retention).toBeGreaterThan(0.5);
      expect(c.retention).toBeLessThan(1);
      expect(c.meanLayerAsrOhmCm2).toBeGreaterThan(0);
    }

    // A restart seeds nothing more.
    const again = await seedLivingLine({ url: mes.gatewayUrl, password: TEST_ADMIN_PASSWORD });
    expect(again).toEqual({ seeded: false, reason: 'roll DEMO-SIM-1 exists' });
    expect((await mes.admin.ok(`{ stacksWhereUsed(roll: "${LIVING_LINE_ROLL}") { barcode } }`)).stacksWhereUsed).toHaveLength(12);
  }, 900_000); // ten sheets fitted and binned, then the end of the line: minutes on a small machine
});
