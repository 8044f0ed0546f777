import { signatureArg, TEST_ADMIN_PASSWORD } from '@mes/testing';
import { LineDriver } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * Issue 3 end to end through the gateway: an engineer releases a recipe, an operator runs roll R0002
 * through LCO deposition, the coater posts its trace in batches while the deposition rate sags as the
 * thermal-evaporation rate of seed 000 did (1.2 down to 0.45 Å/s over half an hour), the MES holds the
 * MD region made during the sag and nothing else, and a cell from that region shows the sag in its
 * provenance.
 */
describe('process data through the gateway', () => {
  let mes: MesProcesses;
  beforeAll(async () => {
    mes = await useSharedMes();
  });
  afterAll(async () => {
    await mes?.close();
  });

  const SPEED_M_MIN = 0.05; // 0.833 mm/s
  const mdAt = (t: number) => (t * SPEED_M_MIN * 1000) / 60;
  /** On target for 20 min, a slow sag to 0.45 Å/s, 5 min at the bottom, then back on target. */
  const rate = (t: number) => (t < 1200 ? 1.2 : t < 2990 ? 1.2 - (0.75 * (t - 1200)) / 1790 : t < 3300 ? 0.45 : 1.2);
  const inBand = (v: number) => v >= 0.96 && v <= 1.44; // 1.2 ± 20 %

  it('holds exactly the region made while the rate sagged, and shows the sag in a cell’s provenance', async () => {
    const admin = mes.admin;
    // An engineer releases version 2 of the LCO recipe with a 1.2 Å/s rate target and a ±20 % / 60 s band.
    const v1 = (
      await admin.ok(
        '{ recipe(name: "LCO-SPUTTER-10UM", version: 1) { operation description parameters { name unit type target targetText lowerLimit upperLimit required allowedValues } traceBands { channel setpointParameter tolerancePct minDurationS } } }',
      )
    ).recipe;
    const parameters = v1.parameters.map((p: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(p.name === 'rate_a_per_s' ? { ...p, target: 1.2, lowerLimit: 0.9, upperLimit: 1.5 } : p).filter(
          ([, v]) => v !== null,
        ),
      ),
    );
    const v2 = (
      await admin.ok('mutation($i: CreateRecipeInput!) { createRecipe(input: $i) { version state } }', {
        i: {
          name: 'LCO-SPUTTER-10UM',
          operation: v1.operation,
          description: 'slow rate trial',
          parameters,
          traceBands: v1.traceBands.filter((b: { channel: string }) => b.channel === 'qcm_rate'),
        },
      })
    ).createRecipe;
    expect(v2).toEqual({ version: 2, state: 'DRAFT' });
    const draftRun = await admin.fails(
      'mutation { startProcessRun(input: { unitBarcode: "R0002", equipmentCode: "SPT-LCO-1", recipe: { name: "LCO-SPUTTER-10UM", version: 2 } }) { id } }',
    );
    expect(draftRun.extensions?.code).toBe('RECIPE_NOT_RELEASED');
    await admin.ok(`mutation { releaseRecipe(recipe: { name: "LCO-SPUTTER-10UM", version: 2 }, ${signatureArg()}) { state } }`);

    const run = (
      await admin.ok(
        'mutation { startProcessRun(input: { unitBarcode: "R0002", equipmentCode: "SPT-LCO-1", recipe: { name: "LCO-SPUTTER-10UM", version: 2 }, mdStartMm: 0, mdEndMm: 3500 }) { id state } }',
      )
    ).startProcessRun;
    const key = (await admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey.apiKey;

    // One hour at 1 Hz in six batches of 600 samples, posted to the gateway's REST endpoint.
    const t0 = Date.now() - 2 * 3600_000;
    const alarms: { mdStartMm: number; mdEndMm: number; reason: string }[] = [];
    for (let b = 0; b < 6; b++) {
      const tS = Array.from({ length: 600 }, (_, i) => i);
      const body = {
        batchId: `qcm-${b}`,
        runId: run.id,
        t0: new Date(t0 + b * 600_000).toISOString(),
        tS,
        channels: {
          web_speed: { unit: 'm/min', values: tS.map(() => SPEED_M_MIN) },
          qcm_rate: { unit: 'Å/s', values: tS.map((i) => rate(b * 600 + i)) },
          power: { unit: 'W', values: tS.map(() => 2000) },
        },
      };
      const res = await fetch(`${mes.gatewayUrl}/api/v1/equipment-traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      alarms.push(...((await res.json()) as { alarms: typeof alarms }).alarms);
    }
    // The region: from the first out-of-band sample to the last one.
    let first = -1;
    let last = -1;
    for (let t = 0; t < 3600; t++) {
      if (!inBand(rate(t))) {
        if (first < 0) first = t;
        last = t;
      }
    }
    expect(alarms.length).toBeGreaterThan(0);
    // The MES held the region as soon as the sag had lasted 60 s, then extended it batch by batch.
    const sorted = [...alarms].sort((a, b) => a.mdStartMm - b.mdStartMm);
    expect(sorted[0].mdStartMm).toBeCloseTo(mdAt(first), 6);
    expect(sorted[sorted.length - 1].mdEndMm).toBeCloseTo(mdAt(last), 6);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].mdStartMm).toBeCloseTo(sorted[i - 1].mdEndMm, 6);
    expect(sorted[0].reason).toMatch(/qcm_rate out of band \(1\.2 ± 20 %, over 60 s\)/);

    const actuals = v1.parameters
      .filter((p: { required: boolean }) => p.required)
      .map((p: { name: string; type: string; target: number | null; targetText: string | null }) =>
        p.type === 'NUMBER'
          ? { parameter: p.name, value: p.name === 'rate_a_per_s' ? 1.2 : p.target }
          : { parameter: p.name, text: p.targetText ?? 'x' },
      );
    await admin.ok('mutation($i: CompleteProcessRunInput!) { completeProcessRun(input: $i) { state } }', {
      i: { runId: run.id, actuals, trackOut: false },
    });
    // The rest of the roll on version 1, without a trace; then the roll moves on and is cut.
    const rest = (
      await admin.ok(
        'mutation { startProcessRun(input: { unitBarcode: "R0002", equipmentCode: "SPT-LCO-1", recipe: { name: "LCO-SPUTTER-10UM", version: 1 }, mdStartMm: 3500 }) { id } }',
      )
    ).startProcessRun;
    const v1Actuals = actuals.map((a: { parameter: string }) =>
      a.parameter === 'rate_a_per_s' ? { parameter: 'rate_a_per_s', value: 10 } : a,
    );
    await admin.ok('mutation($i: CompleteProcessRunInput!) { completeProcessRun(input: $i) { state } }', {
      i: { runId: rest.id, actuals: v1Actuals },
    });
    const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
    await admin.ok(scan, { i: { barcode: 'R0002', stationCode: 'ANL-1', action: 'TRACK_IN' } });
    await admin.ok(scan, { i: { barcode: 'R0002', stationCode: 'ANL-1', action: 'TRACK_OUT' } });
    await admin.ok(scan, { i: { barcode: 'R0002', stationCode: 'CUT-1', action: 'TRACK_IN' } });
    const sheets = (
      await admin.ok(
        'mutation { cutSheets(input: { rollBarcode: "R0002", stationCode: "CUT-1" }) { sheets { barcode mdStartMm mdEndMm layout { firstCellMdMm pitchMdMm cellMdMm rows } activeHolds { reason } } } }',
      )
    ).cutSheets.sheets as {
      barcode: string;
      mdStartMm: number;
      mdEndMm: number;
      layout: { firstCellMdMm: number; pitchMdMm: number; cellMdMm: number; rows: number };
      activeHolds: { reason: string }[];
    }[];
    for (const s of sheets) {
      const inSag = s.mdStartMm < mdAt(last) && mdAt(first) < s.mdEndMm;
      expect({ sheet: s.barcode, held: s.activeHolds.length > 0 }).toEqual({ sheet: s.barcode, held: inSag });
    }
    expect(sheets.filter((s) => s.activeHolds.length > 0).length).toBeGreaterThan(0);
    expect(sheets.filter((s) => s.activeHolds.length === 0).length).toBeGreaterThan(0);

    // A cell at the bottom of the sag (0.45 Å/s from t = 2990 s to 3299 s).
    let cell: { sheet: string; row: number } | null = null;
    for (const s of sheets) {
      for (let r = 0; r < s.layout.rows && !cell; r++) {
        const md = s.mdStartMm + s.layout.firstCellMdMm + r * s.layout.pitchMdMm;
        if (md - s.layout.cellMdMm / 2 > mdAt(2995) && md + s.layout.cellMdMm / 2 < mdAt(3295)) cell = { sheet: s.barcode, row: r };
      }
    }
    if (!cell) throw new Error('no cell at the bottom of the sag');
    const p = (
      await admin.ok(
        `{ cellProvenance(sheet: "${cell.sheet}", row: ${cell.row}, col: 10) { mdMm layers { operation run { recipeVersion condition } traces { channel mean min max samples } } alarms { subject holdId } } }`,
      )
    ).cellProvenance;
    const layer = p.layers.find((l: { operation: string }) => l.operation === 'LCO_DEPOSITION');
    expect(layer.run.recipeVersion).toBe(2);
    const qcm = layer.traces.find((t: { channel: string }) => t.channel === 'qcm_rate');
    expect(qcm.mean).toBeCloseTo(0.45, 5);
    expect(qcm.samples).toBeGreaterThanOrEqual(5);
    expect(p.alarms.length).toBeGreaterThan(0);
    expect(p.alarms.every((a: { subject: string; holdId: string | null }) => a.subject === 'qcm_rate' && a.holdId)).toBe(true);
  });

  it('lets the line simulator run every recipe step through the public API, and each cell carries its layer stack', async () => {
    const driver = new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      rolls: 1,
      sheets: 3,
      seed: 5,
      rollPrefix: 'SIMP',
      concurrency: 3,
    });
    const result = await driver.run();
    expect(result.skipped.process).toBeUndefined();
    // Roll steps with equipment: LCO deposition and anneal; sheet steps: LiPON and interlayer, per sheet.
    expect(result.counts.processRuns).toBe(2 + 3 * 2);
    expect(result.counts.traceSamples).toBeGreaterThan(0);
    const sheet = result.rolls[0].sheets[1];
    const p = (
      await mes.admin.ok(
        `{ cellProvenance(sheet: "${sheet.barcode}", row: 5, col: 5) { layers { operation run { recipeName state actuals { inSpec } } traces { channel } } } }`,
      )
    ).cellProvenance;
    expect(p.layers.map((l: { operation: string }) => l.operation)).toEqual([
      'LCO_DEPOSITION',
      'LCO_ANNEAL',
      'LIPON_DEPOSITION',
      'INTERLAYER',
    ]);
    expect(
      p.layers.every(
        (l: { run: { state: string; actuals: { inSpec: boolean }[] } }) =>
          l.run.state === 'COMPLETED' && l.run.actuals.every((a) => a.inSpec),
      ),
    ).toBe(true);
    expect(p.layers[0].traces.map((t: { channel: string }) => t.channel)).toEqual(expect.arrayContaining(['qcm_rate', 'web_speed']));
    // Sheets alternate between the allowed interlayer recipes (the seed 000 comparison, in production).
    const interlayers = new Set<string>();
    for (const s of result.rolls[0].sheets) {
      const q = (
        await mes.admin.ok(`{ cellProvenance(sheet: "${s.barcode}", row: 0, col: 0) { layers { operation run { recipeName } } } }`)
      ).cellProvenance;
      interlayers.add(q.layers.find((l: { operation: string }) => l.operation === 'INTERLAYER').run.recipeName);
    }
    expect(interlayers.size).toBe(3);

    // Yield by the interlayer material each sheet was made with: one sheet per material, and the
    // three together are the roll's yield as test-data reports it.
    const byMaterial = (
      await mes.admin.ok(
        '{ yieldByParameter(operation: "INTERLAYER", parameter: "material", rollBarcodes: ["SIMP-1"]) { condition runs cellsTested cellsPassed firstPassYield finalYield } }',
      )
    ).yieldByParameter as {
      condition: string;
      runs: number;
      cellsTested: number;
      cellsPassed: number;
      firstPassYield: number;
      finalYield: number;
    }[];
    expect(byMaterial.map((c) => [c.condition, c.runs, c.cellsTested])).toEqual([
      ['Au', 1, 2500],
      ['Pt', 1, 2500],
      ['ZnO', 1, 2500],
    ]);
    const roll = (await mes.admin.ok('{ rollYield(roll: "SIMP-1") { cellsTested finalYield firstPassYield } }')).rollYield;
    expect(roll.cellsTested).toBe(7500);
    expect(byMaterial.reduce((n, c) => n + c.cellsPassed, 0)).toBe(Math.round(roll.finalYield * 7500));
    expect(byMaterial.reduce((n, c) => n + c.firstPassYield * c.cellsTested, 0)).toBeCloseTo(roll.firstPassYield * 7500, 6);
    const bad = await mes.admin.fails('{ yieldByParameter(operation: "INTERLAYER", parameter: "material", binWidth: -1) { condition } }');
    expect(bad.extensions?.code).toBe('VALIDATION_FAILED');
  });
});
