import { gzipSync } from 'node:zlib';
import { STACK_START_MS, startProcessTestStack, type ProcessTestStack } from '@mes/process-testing';
import { signatureArg, TEST_USER_PASSWORD } from '@mes/testing';

const RUN_FIELDS =
  'id state rollBarcode sheetBarcode mdStartMm mdEndMm recipeName recipeVersion equipmentCode energyKwh traceSamples condition experimentCode actuals { parameter value text inSpec } alarms { id kind subject mdStartMm mdEndMm reason holdId }';
const START = `mutation($i: StartProcessRunInput!) { startProcessRun(input: $i) { ${RUN_FIELDS} } }`;
const COMPLETE = `mutation($i: CompleteProcessRunInput!) { completeProcessRun(input: $i) { ${RUN_FIELDS} } }`;
const CREATE_RECIPE = 'mutation($i: CreateRecipeInput!) { createRecipe(input: $i) { id name version state } }';

/** The actuals of the demo LCO recipe, on target unless overridden. */
function lcoActuals(over: Record<string, number | string> = {}) {
  const values: Record<string, number | string> = {
    power_w: 2000,
    ar_flow_sccm: 40,
    o2_flow_sccm: 4,
    pressure_mtorr: 3,
    drum_temp_c: 25,
    web_speed_m_min: 0.05,
    rate_a_per_s: 10,
    thickness_um: 10,
    ...over,
  };
  return Object.entries(values).map(([parameter, v]) => (typeof v === 'number' ? { parameter, value: v } : { parameter, text: v }));
}

interface TracePost {
  status: number;
  body: any;
}

async function postTrace(
  stack: ProcessTestStack,
  key: string | null,
  body: unknown,
  contentType = 'application/json',
  gzip = false,
): Promise<TracePost> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${stack.origin}/api/v1/equipment-traces`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}), ...(key ? { 'x-api-key': key } : {}) },
    body: gzip ? gzipSync(text) : text,
  });
  return { status: res.status, body: await res.json() };
}

/** A 1 Hz batch: web at `speed` m/min, QCM rate from `rate(i)`, power on target. */
function batch(runId: string, batchId: string, t0: Date, n: number, rate: (i: number) => number, speed = 0.05) {
  const tS = Array.from({ length: n }, (_, i) => i);
  return {
    batchId,
    runId,
    t0: t0.toISOString(),
    tS,
    channels: {
      web_speed: { unit: 'm/min', values: tS.map(() => speed) },
      qcm_rate: { unit: 'Å/s', values: tS.map((i) => rate(i)) },
      power: { unit: 'W', values: tS.map(() => 2000) },
    },
  };
}

describe('process service (recipes, runs, traces, holds, provenance) against tracking', () => {
  let stack: ProcessTestStack;
  beforeAll(async () => {
    stack = await startProcessTestStack('process');
  }, STACK_START_MS);
  afterAll(async () => {
    await stack?.close();
  });

  describe('recipes', () => {
    it('versions a name, releases only as an engineer, and never changes a released version', async () => {
      const input = {
        name: 'LCO-TRIAL',
        operation: 'LCO_DEPOSITION',
        description: 'trial',
        parameters: [{ name: 'power_w', unit: 'W', type: 'NUMBER', target: 1800, lowerLimit: 1700, upperLimit: 1900, required: true }],
        traceBands: [],
      };
      const v1 = (await stack.admin.ok(CREATE_RECIPE, { i: input })).createRecipe;
      const v2 = (await stack.admin.ok(CREATE_RECIPE, { i: input })).createRecipe;
      expect([v1.version, v1.state, v2.version]).toEqual([1, 'DRAFT', 2]);

      const operator = await stack.userClient('OPERATOR');
      const release = (password: string, fields = 'state') =>
        `mutation { releaseRecipe(recipe: { name: "LCO-TRIAL", version: 1 }, ${signatureArg(password)}) { ${fields} } }`;
      const denied = await operator.fails(release(TEST_USER_PASSWORD));
      expect(denied.extensions?.code).toBe('FORBIDDEN');
      const engineer = await stack.userClient('ENGINEER');
      // The signature: tracking checks the password; a wrong one or none releases nothing.
      const wrong = await engineer.fails(release('not-the-password'));
      expect(wrong).toMatchObject({
        extensions: { code: 'SIGNATURE_REJECTED' },
        message: expect.stringMatching(/^The signature of engineer1 was refused: the password is not engineer1's/),
      });
      const unsigned = await engineer.request('mutation { releaseRecipe(recipe: { name: "LCO-TRIAL", version: 1 }) { state } }');
      expect(unsigned.errors?.[0].message).toMatch(/argument "signature" of type "SignatureInput!" is required/);
      expect((await engineer.ok('{ recipe(name: "LCO-TRIAL", version: 1) { state } }')).recipe.state).toBe('DRAFT');
      expect((await engineer.ok(release(TEST_USER_PASSWORD, 'state releasedBy'))).releaseRecipe).toEqual({
        state: 'RELEASED',
        releasedBy: 'engineer1',
      });
      const again = await engineer.fails(release(TEST_USER_PASSWORD));
      expect(again.extensions?.code).toBe('CONFLICT');
      expect(again.message).toMatch(/RELEASED/);
      const other = await stack.admin.fails(CREATE_RECIPE, { i: { ...input, operation: 'LIPON_DEPOSITION' } });
      expect(other.message).toMatch(/LCO_DEPOSITION recipe/);
      const audit = (await stack.admin.ok('{ processAudit(entityType: "RECIPE", entityId: "LCO-TRIAL@1") { actor action details } }'))
        .processAudit as { actor: string; action: string; details: string }[];
      expect(audit.map((a) => ({ actor: a.actor, action: a.action }))).toEqual([
        { actor: 'engineer1', action: 'SIGNATURE' },
        { actor: 'engineer1', action: 'RECIPE_RELEASED' },
        { actor: 'admin', action: 'RECIPE_CREATED' },
      ]);
      expect(JSON.parse(audit[0].details)).toEqual({
        signer: 'engineer1',
        meaning: 'APPROVED',
        comment: null,
        signedAt: expect.any(String),
        signed: 'RECIPE_RELEASED LCO-TRIAL@1',
      });
    });

    it('refuses an invalid parameter set naming the parameter, and stores nothing', async () => {
      const bad = await stack.admin.fails(CREATE_RECIPE, {
        i: {
          name: 'BAD-RECIPE',
          operation: 'LCO_DEPOSITION',
          parameters: [{ name: 'power_w', unit: 'W', type: 'NUMBER', target: 2500, lowerLimit: 1900, upperLimit: 2100, required: true }],
          traceBands: [],
        },
      });
      expect(bad.extensions?.code).toBe('VALIDATION_FAILED');
      expect(bad.extensions?.details?.[0].path).toMatch(/^input\.parameters\[0\]/);
      expect((await stack.admin.ok('{ recipes(name: "BAD-RECIPE") { id } }')).recipes).toEqual([]);
    });
  });

  describe('runs', () => {
    it('refuses a recipe that is not RELEASED, not allowed, or for another operation', async () => {
      const draft = await stack.admin.fails(START, {
        i: { unitBarcode: 'R0002', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-TRIAL', version: 2 } },
      });
      expect(draft.extensions?.code).toBe('RECIPE_NOT_RELEASED');
      const notAllowed = await stack.admin.fails(START, {
        i: { unitBarcode: 'R0002', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-TRIAL', version: 1 } },
      });
      expect(notAllowed.extensions?.code).toBe('RECIPE_NOT_ALLOWED');
      expect(notAllowed.message).toMatch(/allowed: LCO-SPUTTER-10UM/);
      const wrongOp = await stack.admin.fails(START, {
        i: { unitBarcode: 'R0002', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LIPON-RF-2UM', version: 1 } },
      });
      expect(wrongOp.extensions?.code).toBe('RECIPE_NOT_ALLOWED');
      const sheet = (await stack.tracking.ok('{ sheets(operation: "SHEET_TEST", limit: 1) { barcode } }')).sheets[0].barcode;
      const wrongUnit = await stack.admin.fails(START, {
        i: { unitBarcode: sheet, equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
      });
      expect(wrongUnit.extensions?.code).toBe('WRONG_OPERATION');
      expect(wrongUnit.message).toMatch(/is at SHEET_TEST, not LCO_DEPOSITION/);
      const badSegment = await stack.admin.fails(START, {
        i: {
          unitBarcode: 'R0002',
          equipmentCode: 'SPT-LCO-1',
          recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
          mdStartMm: 5000,
          mdEndMm: 9000,
        },
      });
      expect(badSegment.extensions?.code).toBe('VALIDATION_FAILED');
      // Nothing was stored, and the roll is still waiting.
      expect((await stack.admin.ok('{ processRuns(rollBarcode: "R0002") { id } }')).processRuns).toEqual([]);
      expect((await stack.tracking.ok('{ roll(barcode: "R0002") { stepState } }')).roll.stepState).toBe('WAITING');
    });

    it('runs a roll segment with a trace, holds exactly the MD region where the rate sagged, and refuses bad batches', async () => {
      // A 4000 mm segment (the first half of roll R0002) at 0.05 m/min: 300 mm per 6 min.
      const run = (
        await stack.admin.ok(START, {
          i: {
            unitBarcode: 'R0002',
            equipmentCode: 'SPT-LCO-1',
            recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
            mdStartMm: 0,
            mdEndMm: 4000,
          },
        })
      ).startProcessRun;
      expect(run).toMatchObject({ state: 'RUNNING', mdStartMm: 0, mdEndMm: 4000 });
      expect((await stack.tracking.ok('{ roll(barcode: "R0002") { stepState stationCode } }')).roll).toEqual({
        stepState: 'IN_PROCESS',
        stationCode: 'LCO-1',
      });
      expect((await stack.admin.ok('{ equipmentStatus(equipmentCode: "SPT-LCO-1") { e10State } }')).equipmentStatus.e10State).toBe(
        'PRODUCTIVE',
      );
      const overlap = await stack.admin.fails(START, {
        i: {
          unitBarcode: 'R0002',
          equipmentCode: 'SPT-LCO-1',
          recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
          mdStartMm: 3000,
          mdEndMm: 8000,
        },
      });
      expect(overlap.extensions?.code).toBe('CONFLICT');

      const key = (await stack.admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey
        .apiKey as string;
      const t0 = new Date(Date.now() - 3600_000);
      // Batch 1: 1200 s on target (web 0 -> 1000 mm). Batch 2: 1200 s, the rate sags to 4.5 Å/s
      // (-55 %) from s 300 to s 599 (md 1250 -> 1499.2 mm), then recovers.
      const b1 = await postTrace(
        stack,
        key,
        batch(run.id, 'b1', t0, 1200, () => 10),
      );
      expect(b1.status).toBe(201);
      expect(b1.body).toMatchObject({ samples: 1200, mdStartMm: 0, alarms: [] });
      expect(b1.body.mdEndMm).toBeCloseTo((1199 * 50) / 60, 6);
      const sag = batch(run.id, 'b2', new Date(t0.getTime() + 1200_000), 1200, (i) => (i >= 300 && i < 600 ? 4.5 : 10));
      const b2 = await postTrace(stack, key, sag);
      expect(b2.status).toBe(201);
      expect(b2.body.alarms).toHaveLength(1);
      const alarm = b2.body.alarms[0];
      expect(alarm.subject).toBe('qcm_rate');
      expect(alarm.mdStartMm).toBeCloseTo(1000 + (300 * 50) / 60, 6);
      expect(alarm.mdEndMm).toBeCloseTo(1000 + (599 * 50) / 60, 6);
      expect(alarm.reason).toMatch(/qcm_rate out of band/);
      expect(alarm.reason).toContain(run.id);

      // The same batch again is harmless; the same id with other content is a conflict.
      expect((await postTrace(stack, key, sag)).status).toBe(200);
      const reused = await postTrace(stack, key, { ...sag, tS: sag.tS.map((t) => t + 5000) });
      expect(reused.status).toBe(409);
      // Bad batches: nothing stored, each says where and what.
      const notANumber = JSON.stringify(batch(run.id, 'b3', new Date(t0.getTime() + 2400_000), 3, () => 10)).replace(
        '"values":[10,10,10]',
        '"values":[10,"x",10]',
      );
      const nan = await postTrace(stack, key, notANumber);
      expect(nan.status).toBe(400);
      expect(nan.body.error.details[0].path).toBe('channels.qcm_rate.values[1]');
      const backwards = await postTrace(stack, key, { ...batch(run.id, 'b4', t0, 3, () => 10), tS: [0, 2, 1] });
      expect(backwards.status).toBe(400);
      const unknownChannel = await postTrace(stack, key, {
        ...batch(run.id, 'b5', new Date(t0.getTime() + 2400_000), 2, () => 10),
        channels: { warp_drive: { unit: 'W', values: [1, 2] } },
      });
      expect(unknownChannel.status).toBe(400);
      expect(unknownChannel.body.error.details[0].path).toMatch(/warp_drive/);
      const wrongUnit = await postTrace(stack, key, {
        ...batch(run.id, 'b6', new Date(t0.getTime() + 2400_000), 2, () => 10),
        channels: { web_speed: { unit: 'mm/s', values: [1, 2] } },
      });
      expect(wrongUnit.status).toBe(400);
      expect(wrongUnit.body.error.message).toMatch(/m\/min/);
      const old = await postTrace(
        stack,
        key,
        batch(run.id, 'b7', t0, 2, () => 10),
      );
      expect(old.status).toBe(409);
      expect((await postTrace(stack, null, sag)).status).toBe(401);
      expect((await postTrace(stack, 'SPT-LCO-1.' + 'x'.repeat(43), sag)).status).toBe(401);
      expect((await postTrace(stack, key, 'not json')).status).toBe(400);
      expect((await postTrace(stack, key, '{}', 'text/plain')).status).toBe(415);
      const truncated = await fetch(`${stack.origin}/api/v1/equipment-traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': key },
        body: gzipSync(JSON.stringify(batch(run.id, 'b9', new Date(t0.getTime() + 2400_000), 100, () => 10))).subarray(0, 200),
      });
      expect(truncated.status).toBe(400);
      expect(((await truncated.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED');
      const otherKey = (await stack.admin.ok('mutation { issueEquipmentKey(equipmentCode: "FRN-1") { apiKey } }')).issueEquipmentKey
        .apiKey as string;
      expect(
        (
          await postTrace(
            stack,
            otherKey,
            batch(run.id, 'b8', new Date(t0.getTime() + 2400_000), 2, () => 10),
          )
        ).status,
      ).toBe(403);
      const stored = await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM process.trace_batches WHERE run_id = $1`, [run.id]);
      expect(stored[0].n).toBe(2);

      // Track-out: a missing required actual and a wrong type are refused naming the parameter.
      const missing = await stack.admin.fails(COMPLETE, {
        i: { runId: run.id, actuals: lcoActuals().filter((a) => a.parameter !== 'thickness_um') },
      });
      expect(missing.extensions?.code).toBe('VALIDATION_FAILED');
      expect(missing.message).toContain('thickness_um');
      const wrongType = await stack.admin.fails(COMPLETE, {
        i: { runId: run.id, actuals: [...lcoActuals().filter((a) => a.parameter !== 'power_w'), { parameter: 'power_w', text: 'high' }] },
      });
      expect(wrongType.message).toContain('power_w');
      // Out of spec: the thickness is below its lower limit -> a hold on the run's segment.
      const done = (await stack.admin.ok(COMPLETE, { i: { runId: run.id, actuals: lcoActuals({ thickness_um: 8.2 }), trackOut: false } }))
        .completeProcessRun;
      expect(done.state).toBe('COMPLETED');
      expect(done.energyKwh).toBeCloseTo((2000 * 2399) / 3.6e6, 6);
      expect(done.actuals.find((a: { parameter: string }) => a.parameter === 'thickness_um').inSpec).toBe(false);
      const limitAlarm = done.alarms.find((a: { kind: string }) => a.kind === 'ACTUAL_LIMIT');
      expect(limitAlarm).toMatchObject({ subject: 'thickness_um', mdStartMm: 0, mdEndMm: 4000 });
      expect(limitAlarm.reason).toMatch(/thickness_um = 8\.2 µm is outside \[9, 11\] µm/);
      expect(done.alarms.every((a: { holdId: string | null }) => a.holdId !== null)).toBe(true);

      const holds = (
        await stack.tracking.ok('{ holdList(active: true, rollBarcode: "R0002") { id target rollBarcode mdFromMm mdToMm reason } }')
      ).holdList as { id: string; target: string; mdFromMm: number; mdToMm: number; reason: string }[];
      const sagHold = holds.find((h) => h.id === alarm.holdId || h.reason.includes('qcm_rate'));
      expect(sagHold).toMatchObject({ target: 'ROLL_REGION', rollBarcode: 'R0002' });
      expect(sagHold?.mdFromMm).toBeCloseTo(alarm.mdStartMm, 6);
      expect(sagHold?.mdToMm).toBeCloseTo(alarm.mdEndMm, 6);
      expect(await stack.admin.fails(COMPLETE, { i: { runId: run.id, actuals: lcoActuals() } })).toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
    });

    it('runs the rest of the roll, tracks it out, and the cells cut from the sagging region are held while the others are not', async () => {
      const run = (
        await stack.admin.ok(START, {
          i: {
            unitBarcode: 'R0002',
            equipmentCode: 'SPT-LCO-1',
            recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
            mdStartMm: 4000,
            mdEndMm: 8000,
          },
        })
      ).startProcessRun;
      const done = (await stack.admin.ok(COMPLETE, { i: { runId: run.id, actuals: lcoActuals() } })).completeProcessRun;
      expect(done.alarms).toEqual([]);
      expect((await stack.tracking.ok('{ roll(barcode: "R0002") { operation stepState } }')).roll).toEqual({
        operation: 'LCO_ANNEAL',
        stepState: 'WAITING',
      });
      // Anneal and cut, then look at the sheets.
      const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
      await stack.tracking.ok(scan, { i: { barcode: 'R0002', stationCode: 'ANL-1', action: 'TRACK_IN' } });
      await stack.tracking.ok(scan, { i: { barcode: 'R0002', stationCode: 'ANL-1', action: 'TRACK_OUT' } });
      await stack.tracking.ok(scan, { i: { barcode: 'R0002', stationCode: 'CUT-1', action: 'TRACK_IN' } });
      const cut = (
        await stack.tracking.ok(
          'mutation { cutSheets(input: { rollBarcode: "R0002", stationCode: "CUT-1" }) { sheets { barcode mdStartMm mdEndMm activeHolds { reason } } } }',
        )
      ).cutSheets.sheets as {
        barcode: string;
        mdStartMm: number;
        mdEndMm: number;
        activeHolds: { reason: string }[];
      }[];
      const sagStart = 1000 + (300 * 50) / 60;
      const sagEnd = 1000 + (599 * 50) / 60;
      for (const s of cut) {
        const inSag = s.mdStartMm < sagEnd && sagStart < s.mdEndMm;
        const inThin = s.mdStartMm < 4000; // the out-of-spec thickness of the first run
        expect({ sheet: s.barcode, sag: s.activeHolds.some((h) => h.reason.includes('qcm_rate')) }).toEqual({
          sheet: s.barcode,
          sag: inSag,
        });
        expect({ sheet: s.barcode, thin: s.activeHolds.some((h) => h.reason.includes('thickness_um')) }).toEqual({
          sheet: s.barcode,
          thin: inThin,
        });
      }
      expect(cut.some((s) => s.mdStartMm >= 4000 && s.activeHolds.length === 0)).toBe(true);

      // Provenance of a cell in the sag: both LCO runs are on the roll, the cell sees the first,
      // with the sagging rate at its own MD.
      // A cell whose whole extent lies in the sag.
      let target: { sheet: string; row: number } | null = null;
      for (const c of cut) {
        const { layout } = (
          await stack.tracking.ok(`{ sheet(barcode: "${c.barcode}") { layout { firstCellMdMm pitchMdMm cellMdMm rows } } }`)
        ).sheet;
        for (let r = 0; r < layout.rows && !target; r++) {
          const md = c.mdStartMm + layout.firstCellMdMm + r * layout.pitchMdMm;
          if (md - layout.cellMdMm / 2 > sagStart + 1 && md + layout.cellMdMm / 2 < sagEnd - 1) target = { sheet: c.barcode, row: r };
        }
        if (target) break;
      }
      if (!target) throw new Error('no cell inside the sag region');
      const p = (
        await stack.admin.ok(`{ cellProvenance(sheet: "${target.sheet}", row: ${target.row}, col: 3) { rollBarcode mdMm mdFromMm mdToMm
          layers { operation run { id recipeName recipeVersion equipmentCode actuals { parameter value } } traces { channel unit mean min max samples } } alarms { subject } } }`)
      ).cellProvenance;
      expect(p.mdMm).toBeGreaterThan(sagStart);
      expect(p.mdMm).toBeLessThan(sagEnd);
      expect(p.layers).toHaveLength(1);
      expect(p.layers[0].run).toMatchObject({ recipeName: 'LCO-SPUTTER-10UM', recipeVersion: 1, equipmentCode: 'SPT-LCO-1' });
      const rate = p.layers[0].traces.find((t: { channel: string }) => t.channel === 'qcm_rate');
      expect(rate).toMatchObject({ unit: 'Å/s', mean: 4.5, min: 4.5, max: 4.5 });
      expect(rate.samples).toBeGreaterThan(0);
      expect(p.alarms.map((a: { subject: string }) => a.subject).sort()).toEqual(['qcm_rate', 'thickness_um']);
      const outside = (
        await stack.admin.ok(
          `{ cellProvenance(sheet: "${cut[cut.length - 1].barcode}", row: 0, col: 0) { layers { run { recipeName } traces { channel } } alarms { subject } } }`,
        )
      ).cellProvenance;
      expect(outside.alarms).toEqual([]);
      expect(outside.layers[0].traces).toEqual([]); // the second run posted no trace

      const used = (await stack.admin.ok(`{ runWhereUsed(runId: "${run.id}") { cells sheets { sheet cells } } }`)).runWhereUsed;
      expect((await stack.admin.fails('{ runWhereUsed(runId: "not-a-run") { cells } }')).extensions?.code).toBe('NOT_FOUND');
      expect(used.sheets.length).toBeGreaterThan(0);
      expect(used.sheets.every((s: { sheet: string }) => cut.find((c) => c.barcode === s.sheet)!.mdEndMm > 4000)).toBe(true);
      const trend = (
        await stack.admin.ok(
          '{ parameterTrend(operation: "LCO_DEPOSITION", parameter: "thickness_um") { rollBarcode actual { value inSpec } } }',
        )
      ).parameterTrend;
      expect(trend.map((t: { actual: { value: number } }) => t.actual.value)).toEqual([8.2, 10]);
    });

    it('counts target energy and refuses track-in once the target is past its life', async () => {
      const before = (await stack.admin.ok('{ equipmentStatus(equipmentCode: "SPT-LCO-1") { targetConsumedKwh e10State } }'))
        .equipmentStatus;
      expect(before.targetConsumedKwh).toBeGreaterThan(1.3);
      expect(before.e10State).toBe('STANDBY');
      await stack.admin.ok('mutation { configureEquipment(input: { equipmentCode: "SPT-LCO-1", targetLifeKwh: 1 }) { targetLifeKwh } }');
      await stack.tracking.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
        i: { barcode: 'R0900', productCode: 'TFB-0505', widthMm: 300, lengthM: 4, substrateThicknessUm: 20 },
      });
      const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
      for (const station of ['INC-1', 'CLN-1']) {
        await stack.tracking.ok(scan, { i: { barcode: 'R0900', stationCode: station, action: 'TRACK_IN' } });
        await stack.tracking.ok(scan, { i: { barcode: 'R0900', stationCode: station, action: 'TRACK_OUT' } });
      }
      const spent = await stack.admin.fails(START, {
        i: { unitBarcode: 'R0900', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
      });
      expect(spent.extensions?.code).toBe('EQUIPMENT_NOT_AVAILABLE');
      expect(spent.message).toMatch(/LCO-T-0001/);
      await stack.admin.ok(
        'mutation { replaceTarget(input: { equipmentCode: "SPT-LCO-1", targetId: "LCO-T-0002" }) { targetConsumedKwh } }',
      );
      // E10: an unscheduled down refuses runs; it cannot go straight back to PRODUCTIVE.
      await stack.admin.ok(
        'mutation { setEquipmentState(input: { equipmentCode: "SPT-LCO-1", state: UNSCHEDULED_DOWN, reason: "arcing, Li contamination suspected" }) { e10State } }',
      );
      const down = await stack.admin.fails(START, {
        i: { unitBarcode: 'R0900', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
      });
      expect(down.extensions?.code).toBe('EQUIPMENT_NOT_AVAILABLE');
      expect(down.message).toMatch(/UNSCHEDULED_DOWN/);
      await stack.admin.ok(
        'mutation { setEquipmentState(input: { equipmentCode: "SPT-LCO-1", state: STANDBY, reason: "chamber cleaned and qualified" }) { e10State } }',
      );
      const history = (
        await stack.admin.ok('{ equipmentStatus(equipmentCode: "SPT-LCO-1") { stateHistory { fromState toState changedBy } } }')
      ).equipmentStatus.stateHistory;
      expect(history.slice(0, 2).map((h: { toState: string }) => h.toState)).toEqual(['STANDBY', 'UNSCHEDULED_DOWN']);
      expect(
        (
          await stack.admin.ok(START, {
            i: { unitBarcode: 'R0900', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
          })
        ).startProcessRun.state,
      ).toBe('RUNNING');
    });
  });

  describe('experiments', () => {
    it('splits a roll into arms that must run their own recipe version', async () => {
      await stack.tracking.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
        i: { barcode: 'R0901', productCode: 'TFB-0505', widthMm: 300, lengthM: 4, substrateThicknessUm: 20 },
      });
      const arms = [
        { condition: 'std', mdStartMm: 0, mdEndMm: 2000, recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
        { condition: 'trial', mdStartMm: 2000, mdEndMm: 4000, recipe: { name: 'LCO-TRIAL', version: 1 } },
      ];
      const create = 'mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { code arms { condition recipeName } } }';
      const notAllowed = await stack.admin.fails(create, {
        i: { code: 'EXP-1', purpose: 'trial power', rollBarcode: 'R0901', operation: 'LCO_DEPOSITION', arms },
      });
      expect(notAllowed.extensions?.details?.[0]).toMatchObject({ path: 'input.arms[1].recipe' });
      await stack.admin.ok(
        'mutation { setRouteStepRecipes(input: { productCode: "TFB-0505", operation: "LCO_DEPOSITION", recipeNames: ["LCO-SPUTTER-10UM", "LCO-TRIAL"] }) { recipeNames } }',
      );
      const overlapping = await stack.admin.fails(create, {
        i: {
          code: 'EXP-1',
          purpose: 'trial power',
          rollBarcode: 'R0901',
          operation: 'LCO_DEPOSITION',
          arms: [arms[0], { ...arms[1], mdStartMm: 1500 }],
        },
      });
      expect(overlapping.extensions?.code).toBe('VALIDATION_FAILED');
      expect(
        (
          await stack.admin.ok(create, {
            i: { code: 'EXP-1', purpose: 'trial power', rollBarcode: 'R0901', operation: 'LCO_DEPOSITION', arms },
          })
        ).createExperiment.arms,
      ).toHaveLength(2);

      const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
      for (const station of ['INC-1', 'CLN-1']) {
        await stack.tracking.ok(scan, { i: { barcode: 'R0901', stationCode: station, action: 'TRACK_IN' } });
        await stack.tracking.ok(scan, { i: { barcode: 'R0901', stationCode: station, action: 'TRACK_OUT' } });
      }
      const straddle = await stack.admin.fails(START, {
        i: {
          unitBarcode: 'R0901',
          equipmentCode: 'SPT-LCO-1',
          recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
          mdStartMm: 1000,
          mdEndMm: 3000,
        },
      });
      expect(straddle.message).toMatch(/not inside one arm of experiment EXP-1/);
      const wrongArm = await stack.admin.fails(START, {
        i: {
          unitBarcode: 'R0901',
          equipmentCode: 'SPT-LCO-1',
          recipe: { name: 'LCO-SPUTTER-10UM', version: 1 },
          mdStartMm: 2000,
          mdEndMm: 4000,
        },
      });
      expect(wrongArm.extensions?.code).toBe('RECIPE_NOT_ALLOWED');
      const ok = (
        await stack.admin.ok(START, {
          i: {
            unitBarcode: 'R0901',
            equipmentCode: 'SPT-LCO-1',
            recipe: { name: 'LCO-TRIAL', version: 1 },
            mdStartMm: 2000,
            mdEndMm: 4000,
          },
        })
      ).startProcessRun;
      expect(ok).toMatchObject({ experimentCode: 'EXP-1', condition: 'trial' });
    });
  });

  describe('genealogy', () => {
    it('follows a spliced roll back to the runs and traces of the rolls it was made from', async () => {
      await stack.admin.ok(
        'mutation { configureEquipment(input: { equipmentCode: "SPT-LCO-1", targetLifeKwh: 100000 }) { targetLifeKwh } }',
      );
      const key = (await stack.admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey
        .apiKey as string;
      const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
      const rates: Record<string, number> = { R0910: 9.5, R0911: 10.5 };
      for (const barcode of Object.keys(rates)) {
        await stack.tracking.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
          i: { barcode, productCode: 'TFB-0505', widthMm: 300, lengthM: 4, substrateThicknessUm: 20 },
        });
        for (const station of ['INC-1', 'CLN-1']) {
          await stack.tracking.ok(scan, { i: { barcode, stationCode: station, action: 'TRACK_IN' } });
          await stack.tracking.ok(scan, { i: { barcode, stationCode: station, action: 'TRACK_OUT' } });
        }
        const run = (
          await stack.admin.ok(START, {
            i: { unitBarcode: barcode, equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
          })
        ).startProcessRun;
        // 4000 mm at 0.05 m/min: 4800 s of trace.
        // Equipment may gzip its batches.
        expect(
          (
            await postTrace(
              stack,
              key,
              batch(run.id, 'all', new Date(Date.now() - 7200_000), 4800, () => rates[barcode]),
              'application/json',
              true,
            )
          ).status,
        ).toBe(201);
        await stack.admin.ok(COMPLETE, { i: { runId: run.id, actuals: lcoActuals() } });
      }
      await stack.tracking.ok('mutation($i: SpliceRollsInput!) { spliceRolls(input: $i) { barcode } }', {
        i: {
          newBarcode: 'R0912',
          parts: [
            { barcode: 'R0910', mdOffsetMm: 0 },
            { barcode: 'R0911', mdOffsetMm: 4000 },
          ],
        },
      });
      await stack.tracking.ok(scan, { i: { barcode: 'R0912', stationCode: 'ANL-1', action: 'TRACK_IN' } });
      await stack.tracking.ok(scan, { i: { barcode: 'R0912', stationCode: 'ANL-1', action: 'TRACK_OUT' } });
      await stack.tracking.ok(scan, { i: { barcode: 'R0912', stationCode: 'CUT-1', action: 'TRACK_IN' } });
      const sheets = (
        await stack.tracking.ok(
          'mutation { cutSheets(input: { rollBarcode: "R0912", stationCode: "CUT-1" }) { sheets { barcode mdStartMm } } }',
        )
      ).cutSheets.sheets as { barcode: string; mdStartMm: number }[];
      const provenance = async (sheet: string) =>
        (
          await stack.admin.ok(
            `{ cellProvenance(sheet: "${sheet}", row: 10, col: 10) { rollBarcode mdMm layers { run { rollBarcode } traces { channel mean } } } }`,
          )
        ).cellProvenance;
      for (const sheet of [sheets[0], sheets[sheets.length - 1]]) {
        const p = await provenance(sheet.barcode);
        const from = p.mdMm < 4000 ? 'R0910' : 'R0911';
        expect(p.rollBarcode).toBe('R0912');
        expect(p.layers.map((l: { run: { rollBarcode: string } }) => l.run.rollBarcode)).toEqual([from]);
        expect(p.layers[0].traces.find((t: { channel: string }) => t.channel === 'qcm_rate').mean).toBeCloseTo(rates[from], 5);
      }
    });
  });

  describe('deposition zones', () => {
    it('places a channel at its zone: the QCM 150 mm upstream of the encoder reference shifts its hold by -150 mm', async () => {
      await stack.admin.ok(
        'mutation { configureEquipment(input: { equipmentCode: "SPT-LCO-1", targetLifeKwh: 100000, zoneOffsets: [{ channel: "qcm_rate", offsetMm: -150 }] }) { zoneOffsets { channel offsetMm } } }',
      );
      const bad = await stack.admin.fails(
        'mutation { configureEquipment(input: { equipmentCode: "SPT-LCO-1", zoneOffsets: [{ channel: "qcm", offsetMm: 1 }] }) { targetLifeKwh } }',
      );
      expect(bad.extensions?.details?.[0]).toMatchObject({ path: 'input.zoneOffsets[0].channel' });
      const key = (await stack.admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')).issueEquipmentKey
        .apiKey as string;
      const scan = 'mutation($i: ScanInput!) { scan(input: $i) { stepState } }';
      await stack.tracking.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
        i: { barcode: 'R0920', productCode: 'TFB-0505', widthMm: 300, lengthM: 4, substrateThicknessUm: 20 },
      });
      for (const station of ['INC-1', 'CLN-1']) {
        await stack.tracking.ok(scan, { i: { barcode: 'R0920', stationCode: station, action: 'TRACK_IN' } });
        await stack.tracking.ok(scan, { i: { barcode: 'R0920', stationCode: station, action: 'TRACK_OUT' } });
      }
      const run = (
        await stack.admin.ok(START, {
          i: { unitBarcode: 'R0920', equipmentCode: 'SPT-LCO-1', recipe: { name: 'LCO-SPUTTER-10UM', version: 1 } },
        })
      ).startProcessRun;
      const posted = await postTrace(
        stack,
        key,
        batch(run.id, 'z', new Date(Date.now() - 7200_000), 3000, (i) => (i >= 1200 && i < 1500 ? 5 : 10)),
      );
      expect(posted.body.alarms).toHaveLength(1);
      expect(posted.body.alarms[0].mdStartMm).toBeCloseTo((1200 * 50) / 60 - 150, 6);
      expect(posted.body.alarms[0].mdEndMm).toBeCloseTo((1499 * 50) / 60 - 150, 6);
      await stack.admin.ok('mutation { configureEquipment(input: { equipmentCode: "SPT-LCO-1", zoneOffsets: [] }) { targetLifeKwh } }');
    });
  });

  describe('thickness maps', () => {
    it('interpolates a cell’s LCO thickness and predicts its capacity; refuses a grid off the roll', async () => {
      const post = 'mutation($i: ThicknessMapInput!) { postThicknessMap(input: $i) { id } }';
      const off = await stack.admin.fails(post, {
        i: {
          rollBarcode: 'R0001',
          layer: 'LCO',
          instrument: 'XRF-1',
          measuredAt: new Date().toISOString(),
          cdMm: [0, 400],
          mdMm: [0, 8000],
          valuesUm: [10, 10, 10, 10],
        },
      });
      expect(off.extensions?.details?.[0].path).toBe('input.cdMm');
      const short = await stack.admin.fails(post, {
        i: {
          rollBarcode: 'R0001',
          layer: 'LCO',
          instrument: 'XRF-1',
          measuredAt: new Date().toISOString(),
          cdMm: [0, 300],
          mdMm: [0, 8000],
          valuesUm: [10, 10, 10],
        },
      });
      expect(short.extensions?.code).toBe('VALIDATION_FAILED');
      // Thinner at the operator-side edge (CD 0) than at CD 300: 9 µm -> 11 µm.
      await stack.admin.ok(post, {
        i: {
          rollBarcode: 'R0001',
          layer: 'LCO',
          instrument: 'XRF-1',
          measuredAt: new Date().toISOString(),
          cdMm: [0, 300],
          mdMm: [0, 8000],
          valuesUm: [9, 11, 9, 11],
        },
      });
      const sheet = (await stack.tracking.ok('{ sheets(operation: "SHEET_TEST", limit: 1) { barcode cellActiveAreaCm2 } }')).sheets[0];
      const p = (
        await stack.admin.ok(
          `{ cellProvenance(sheet: "${sheet.barcode}", row: 0, col: 0) { cdMm thickness { layer thicknessUm } predictedCapacityUah } }`,
        )
      ).cellProvenance;
      const expected = 9 + (2 * p.cdMm) / 300;
      expect(p.thickness).toEqual([{ layer: 'LCO', thicknessUm: expect.closeTo(expected, 9) }]);
      expect(p.predictedCapacityUah).toBeCloseTo(68.5 * expected * sheet.cellActiveAreaCm2 * 0.9, 6);
      // The whole sheet at once, in mAh, for the assembly service's layer count.
      const all = (
        await stack.admin.ok(
          `{ sheetPredictedCapacity(sheet: "${sheet.barcode}") { rows cols lcoUtilization valuesMah cellsPredicted missingReason } }`,
        )
      ).sheetPredictedCapacity;
      expect(all).toMatchObject({ rows: 50, cols: 50, lcoUtilization: 0.9, cellsPredicted: 2500, missingReason: null });
      expect(all.valuesMah[0]).toBeCloseTo(p.predictedCapacityUah / 1000, 9);
      const last = (await stack.admin.ok(`{ cellProvenance(sheet: "${sheet.barcode}", row: 49, col: 49) { predictedCapacityUah } }`))
        .cellProvenance;
      expect(all.valuesMah[2499]).toBeCloseTo(last.predictedCapacityUah / 1000, 9);
      expect(all.valuesMah[49]).toBeGreaterThan(all.valuesMah[0]); // thicker towards CD 300
      const outOfGrid = await stack.admin.fails(`{ cellProvenance(sheet: "${sheet.barcode}", row: 999, col: 0) { mdMm } }`);
      expect(outOfGrid.extensions?.code).toBe('VALIDATION_FAILED');
    });
  });
});
