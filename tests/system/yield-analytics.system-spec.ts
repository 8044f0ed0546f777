import { signatureArg, TEST_ADMIN_PASSWORD } from '@mes/testing';
import { LineDriver, type LineRunResult, type PatternSpec } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * Issue 12 end to end through the gateway: a control chart of the sheets' mean ASR with limits frozen
 * from a first roll; a second roll whose LiPON gets thicker along MD from halfway (its cells' impedance
 * rises with it). The chart breaks a rule at sheets of the second half only, the MD region of those
 * sheets is held in tracking, the roll's pattern is an MD drift, and correlating the roll's ASR with
 * the process data at each cell ranks the LiPON thickness first.
 */
describe('yield analytics through the gateway', () => {
  let mes: MesProcesses;
  beforeAll(async () => {
    mes = await useSharedMes();
  }, 600_000);
  afterAll(async () => {
    await mes?.close();
  });

  const SHEETS = 8;
  const t0 = Date.now();
  const step = (what: string) => process.stderr.write(`[yield-analytics ${((Date.now() - t0) / 1000).toFixed(0)} s] ${what}\n`);
  const until = async <T>(what: () => Promise<T>, done: (v: T) => boolean, seconds = 90): Promise<T> => {
    let v = await what();
    for (let i = 0; i < seconds * 4 && !done(v); i++) {
      await new Promise((r) => setTimeout(r, 250));
      v = await what();
    }
    return v;
  };
  const drive = (prefix: string, seed: number, patterns: PatternSpec[]): Promise<LineRunResult> =>
    new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      rolls: 1,
      sheets: SHEETS,
      seed,
      rollPrefix: prefix,
      concurrency: 1,
      gzip: true,
      patterns,
    }).run();

  it('breaks a rule at the drifting sheets, holds their region, names the drift and points at the LiPON thickness', async () => {
    const admin = mes.admin;
    const { createSpcChart: chart } = await admin.ok(
      `mutation { createSpcChart(input: { productCode: "TFB-0505", name: "ASR sheet mean", metric: "ASR", statistic: "ZONE_MEAN", chartType: "I_MR",
         zones: 5, rules: ["NELSON_1", "NELSON_2", "NELSON_3", "WE_2"] }) { id limitsVersion } }`,
    );
    expect(chart.limitsVersion).toBe(0);
    const bad = await admin.fails(
      'mutation { createSpcChart(input: { productCode: "TFB-0505", name: "x", metric: "ASR", statistic: "YIELD", chartType: "P", zones: 5, rules: ["WE_1"] }) { id } }',
    );
    expect(bad.message).toMatch(
      /^Invalid SPC chart x: chartType: a yield chart is metric YIELD, statistic YIELD and chart type P together/,
    );

    // Baseline roll: no pattern. Its sheets' points land before there are limits.
    const base = await drive('SPCA', 31, []);
    const baseSheets = base.rolls[0].sheets.filter((s) => s.test?.status === 'DONE').map((s) => s.barcode);
    expect(baseSheets.length).toBe(SHEETS);
    await until(
      async () => (await admin.ok(`{ spcChart(id: "${chart.id}") { points(last: 100) { sheetBarcode } } }`)).spcChart.points.length,
      (n: number) => n >= SHEETS,
    );
    const frozen = await admin.ok(
      `mutation($s: [String!]!) { freezeSpcLimits(input: { chartId: "${chart.id}", baselineSheets: $s, reason: "roll SPCA, no known issue" }, ${signatureArg()}) { version centre sigma } }`,
      { s: baseSheets },
    );
    expect(frozen.freezeSpcLimits.version).toBe(1);
    step('baseline roll driven and limits frozen');

    // The drifting roll: its sheets lie where the baseline roll's did; ASR (through the LiPON thickness) +30 % from halfway to the end.
    const layout = base.rolls[0].sheets;
    const fromMdMm = layout[SHEETS / 2].mdStartMm;
    const toMdMm = layout[SHEETS - 1].mdEndMm;
    const drifted = await drive('SPCB', 32, [{ kind: 'MD_DRIFT', fromMdMm, toMdMm, relativeChange: 0.3 }]);
    const roll = drifted.rolls[0].barcode;
    const sheets = drifted.rolls[0].sheets;
    expect(sheets.every((s) => s.test?.status === 'DONE')).toBe(true);
    step('drifting roll driven');

    // Events: only at sheets of the second half, each naming the chart, the rule and its points.
    const events = await until(
      async () =>
        (
          await admin.ok(
            `{ spcEvents(chartId: "${chart.id}") { id rule atSheet reason points { sheet } holds { roll mdFromMm mdToMm holdId } holdError } }`,
          )
        ).spcEvents as Array<{
          id: string;
          rule: string;
          atSheet: string;
          reason: string;
          points: Array<{ sheet: string }>;
          holds: Array<{ roll: string; mdFromMm: number; mdToMm: number; holdId: string }>;
          holdError: string | null;
        }>,
      (e) => e.length > 0 && e.every((x) => x.holds.length > 0),
    );
    expect(events.length).toBeGreaterThan(0);
    step(`${events.length} events`);
    const index = (sheet: string) => sheets.findIndex((s) => s.barcode === sheet);
    for (const e of events) {
      expect(index(e.atSheet)).toBeGreaterThanOrEqual(SHEETS / 2);
      expect(e.reason).toMatch(new RegExp(`^SPC ASR sheet mean \\(TFB-0505\\): ${e.rule}, `));
      expect(e.holdError).toBeNull();
      expect(e.holds[0].roll).toBe(roll);
    }
    // Each event's hold covers the cells of its points' sheets (from the first cell row's edge to the last's), nothing beyond them.
    const first = events[events.length - 1];
    const pts = first.points.map((p) => sheets.find((s) => s.barcode === p.sheet)!);
    const span = { from: Math.min(...pts.map((s) => s.mdStartMm)), to: Math.max(...pts.map((s) => s.mdEndMm)) };
    expect(first.holds[0].mdFromMm).toBeGreaterThanOrEqual(span.from);
    expect(first.holds[0].mdFromMm).toBeLessThan(span.from + 30);
    expect(first.holds[0].mdToMm).toBeLessThanOrEqual(span.to);
    expect(first.holds[0].mdToMm).toBeGreaterThan(span.to - 30);
    // tracking holds the breaking sheet with the event's hold, whose reason names the event's among the
    // events it holds for (one hold per region; a roll region hold shows on the sheets in it, not on the roll itself).
    const held = (await admin.ok(`{ sheet(barcode: "${first.atSheet}") { activeHolds { id reason } } }`)).sheet.activeHolds as Array<{
      id: string;
      reason: string;
    }>;
    const eventHold = held.find((h) => h.id === first.holds[0].holdId);
    expect(eventHold?.reason.split('; ')).toContain(first.reason);

    // The roll's map is an MD drift; the sheet and the roll carry their patterns and points (federated fields).
    type RollView = {
      patterns: { classes: string[]; sheets: number } | null;
      spcPoints: Array<{ sheetBarcode: string; z: number | null }>;
    };
    const patterns = await until(
      async (): Promise<RollView> =>
        (
          await admin.ok(
            `{ roll(barcode: "${roll}") { patterns { classes sheets findings { kind region { mdFromMm } } } spcPoints { sheetBarcode z } } }`,
          )
        ).roll,
      (r) => (r.patterns?.sheets ?? 0) === SHEETS,
    );
    step(`roll patterns ${patterns.patterns?.classes.join(', ')}`);
    expect(patterns.patterns?.classes).toContain('MD_DRIFT');
    expect(patterns.spcPoints.length).toBe(SHEETS);
    const sheetView = (
      await admin.ok(`{ sheet(barcode: "${sheets[SHEETS - 1].barcode}") { barcode patterns { classes } spcPoints { z } } }`)
    ).sheet;
    expect(sheetView.spcPoints[0].z).toBeGreaterThan(3);

    // Acknowledge one event.
    const ack = await admin.ok(
      `mutation { acknowledgeSpcEvent(id: "${first.id}", comment: "LiPON target erosion, target changed") { status acknowledgedBy comment } }`,
    );
    expect(ack.acknowledgeSpcEvent).toEqual({
      status: 'ACKNOWLEDGED',
      acknowledgedBy: 'admin',
      comment: 'LiPON target erosion, target changed',
    });

    // Metrology: the LiPON thickness map of the roll follows the drift; the LCO map is flat with noise.
    const md = Array.from({ length: 25 }, (_, i) => layout[0].mdStartMm + ((toMdMm - layout[0].mdStartMm) * i) / 24);
    const cd = [0, 75, 150, 225, 300];
    const lipon = md.flatMap((m) => cd.map(() => 1.5 * (1 + 0.3 * Math.min(1, Math.max(0, (m - fromMdMm) / (toMdMm - fromMdMm))))));
    const lco = md.flatMap((m, i) => cd.map((_, j) => 10 + 0.05 * Math.sin(i * 7.1 + j * 3.3)));
    for (const [layer, valuesUm] of [
      ['LIPON', lipon],
      ['LCO', lco],
    ] as const) {
      await admin.ok(`mutation($i: ThicknessMapInput!) { postThicknessMap(input: $i) { id } }`, {
        i: { rollBarcode: roll, layer, instrument: 'XRF-1', measuredAt: new Date().toISOString(), cdMm: cd, mdMm: md, valuesUm },
      });
    }
    const requested = await admin.ok(`mutation { requestRollCorrelation(roll: "${roll}", metric: "ASR") { status } }`);
    expect(['QUEUED', 'RUNNING']).toContain(requested.requestRollCorrelation.status);
    type Correlation = {
      status: string;
      error: string | null;
      cellsSampled: number | null;
      cellsWithProcessData: number | null;
      channels: Array<{ channel: string; pearson: number; pValue: number }>;
    };
    const corr = await until(
      async (): Promise<Correlation> =>
        (
          await admin.ok(
            `{ rollCorrelation(roll: "${roll}", metric: "ASR") { status error cellsSampled cellsWithProcessData channels { channel pearson pValue } } }`,
          )
        ).rollCorrelation,
      (c) => c.status === 'DONE' || c.status === 'FAILED',
      120,
    );
    step(
      `correlation ${corr.status}: ${corr.channels
        .slice(0, 3)
        .map((c) => `${c.channel} ${c.pearson.toFixed(2)}`)
        .join('; ')}`,
    );
    expect(corr.error).toBeNull();
    expect(corr.status).toBe('DONE');
    expect(corr.cellsWithProcessData).toBeGreaterThan(100);
    expect(corr.channels[0].channel).toBe('LIPON thickness [µm]');
    expect(corr.channels[0].pearson).toBeGreaterThan(0.5);
  }, 900_000);
});
