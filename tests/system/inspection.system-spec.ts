import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import { LineDriver, type LineRunResult } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

type Defect = { seq: number; defectClass: string; sizeUm: number; zone: string; row: number; col: number };

/**
 * Inspection through the gateway: the simulator inspects each sheet at the AOI station (the particle
 * behind a short is usually seen in that cell) and then tests it. Cells with a large particle in
 * their active area never pass: those the electrical test passed land in FAIL_VISUAL with the defect
 * named; the defects, their densities and the shorts-against-defects correlation answer as fields
 * of Sheet and Roll; a bad body is refused with nothing stored.
 */
describe('inspection (AOI) results and visual bins', () => {
  let mes: MesProcesses;
  let run: LineRunResult;
  const SHEETS = 3;

  beforeAll(async () => {
    mes = await useSharedMes();
    run = await new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      rolls: 1,
      sheets: SHEETS,
      seed: 5,
      rollPrefix: 'INSP',
      concurrency: 1,
      keepTruth: true,
      inspect: true,
      testTimeoutMs: 600_000,
    }).run();
  }, 1_200_000);
  afterAll(async () => {
    await mes?.close();
  });

  it('patterns every sheet with the demo layout first: alignment recorded, the layout grid kept', async () => {
    expect(run.counts).toMatchObject({ sheetsPatterned: SHEETS, sheetsMisregistered: 0 });
    for (const sheet of run.rolls[0].sheets) {
      const { sheet: s } = await mes.admin.ok(
        `{ sheet(barcode: "${sheet.barcode}") { rows cols patterning { layoutName layoutVersion stationCode registered alignment { offsetMdMm offsetCdMm rotationDeg } } } }`,
      );
      const a = sheet.patterning!.alignment;
      expect(s).toEqual({
        rows: 50,
        cols: 50,
        patterning: {
          layoutName: 'PAT-5050-5MM',
          layoutVersion: 1,
          stationCode: 'PAT-1',
          registered: true,
          alignment: { offsetMdMm: a.offsetMdMm, offsetCdMm: a.offsetCdMm, rotationDeg: a.rotationDeg },
        },
      });
    }
  });

  it('holds a sheet the patterning tool misregistered, with the numbers, and never tests it', async () => {
    const held = await new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      rolls: 1,
      sheets: 2,
      seed: 9,
      rollPrefix: 'MISREG',
      misregistrationRate: 1,
    }).run();
    expect(held.counts).toMatchObject({ sheetsPatterned: 2, sheetsMisregistered: 2, testsPosted: 0 });
    for (const sheet of held.rolls[0].sheets) {
      expect(sheet.patterning!.registered).toBe(false);
      const { sheet: s } = await mes.admin.ok(`{ sheet(barcode: "${sheet.barcode}") { operation stepState activeHolds { reason } } }`);
      expect(s.operation).toBe('INSPECTION');
      expect(s.activeHolds).toHaveLength(1);
      expect(s.activeHolds[0].reason).toMatch(
        /^Misregistered at patterning with PAT-5050-5MM@1: (MD offset|CD offset|rotation) -?[\d.]+(°| µm) past ±/,
      );
      expect(s.activeHolds[0].reason).toBe(sheet.patterning!.holdReason);
    }
  });

  it('inspects and tests every sheet; the MES maps each defect where the simulator put it', async () => {
    expect(run.counts).toMatchObject({ sheets: SHEETS, testsPosted: SHEETS, inspectionsPosted: SHEETS });
    for (const sheet of run.rolls[0].sheets) {
      const posted = sheet.inspection!;
      expect(posted.status).toBe(201);
      const { sheet: answer } = await mes.admin.ok(
        `{ sheet(barcode: "${sheet.barcode}") { defects { seq zone row col } inspections { inspectionId defectCount } } }`,
      );
      expect(answer.inspections).toEqual([{ inspectionId: posted.inspectionId, defectCount: posted.defects }]);
      expect((answer.defects as Defect[]).map((d) => ({ row: d.row, col: d.col, zone: d.zone }))).toEqual(
        posted.truth!.map((t) => ({ row: t.row, col: t.col, zone: t.zone })),
      );
    }
  });

  it('never passes a cell with a large particle in its active area, and names the deciding defect of its visual fail', async () => {
    let visual = 0;
    for (const sheet of run.rolls[0].sheets) {
      const { sheet: s } = await mes.admin.ok(
        `{ sheet(barcode: "${sheet.barcode}") { cols defects { seq defectClass sizeUm zone row col } map(metric: SOFT_BIN) { values } } }`,
      );
      const large = (s.defects as Defect[]).filter(
        (d) => d.zone === 'ACTIVE' && d.sizeUm >= 50 && ['PARTICLE', 'PINHOLE', 'DELAMINATION', 'PATTERN_DEFECT'].includes(d.defectClass),
      );
      expect(large.length).toBeGreaterThan(0);
      for (const d of large) {
        const bin = (s.map.values as (number | null)[])[d.row * (s.cols as number) + d.col];
        // a rig fault (0) is retested; an electrical fail (>= 10) keeps its bin; nothing passes
        expect({ cell: [d.row, d.col], pass: bin !== null && bin >= 1 && bin <= 9 }).toEqual({ cell: [d.row, d.col], pass: false });
        if (bin !== 15) continue;
        visual++;
        const { sheet: c } = await mes.admin.ok(
          `{ sheet(barcode: "${sheet.barcode}") { cell(row: ${d.row}, col: ${d.col}) { result { binName ruleId decidingDefect reason defects { seq zone } } } } }`,
        );
        const r = c.cell.result;
        expect(r).toMatchObject({ binName: 'FAIL_VISUAL', ruleId: 'visual-large-defect' });
        expect(r.decidingDefect).toMatch(new RegExp(`^${sheet.inspection!.inspectionId}#\\d+$`));
        expect((r.defects as { seq: number }[]).map((x) => x.seq)).toContain(Number(String(r.decidingDefect).split('#')[1]));
      }
    }
    expect(visual).toBeGreaterThan(0);
    const { roll } = await mes.admin.ok(`{ roll(barcode: "INSP-1") { binPareto { binName count } } }`);
    expect((roll.binPareto as { binName: string; count: number }[]).find((b) => b.binName === 'FAIL_VISUAL')?.count).toBe(visual);
  });

  it('answers densities by class and the correlation of shorts with defects on the roll', async () => {
    const { roll } = await mes.admin.ok(
      `{ roll(barcode: "INSP-1") { defectDensity { sheetsInspected areaCm2 count perCm2 byClass { defectClass count perCm2 } }
         defectCorrelation { cellsTested shorts shortsNearDefect shortFraction chanceFraction lift } } }`,
    );
    const posted = run.rolls[0].sheets.reduce((n, s) => n + s.inspection!.defects, 0);
    expect(roll.defectDensity).toMatchObject({ sheetsInspected: SHEETS, count: posted });
    expect(roll.defectDensity.perCm2).toBeCloseTo(posted / roll.defectDensity.areaCm2, 9);
    expect((roll.defectDensity.byClass as { count: number }[]).reduce((n, c) => n + c.count, 0)).toBe(posted);
    const c = roll.defectCorrelation;
    expect(c.cellsTested).toBe(SHEETS * 2500);
    expect(c.shorts).toBeGreaterThan(0);
    // the simulator sees the particle behind most shorts: shorts sit at defects far more than chance
    expect(c.shortFraction).toBeGreaterThan(0.5);
    expect(c.lift).toBeGreaterThan(3);
  });

  it('refuses a bad body and a sheet-test rig’s key, storing nothing', async () => {
    const { registerRig: aoi } = await mes.admin.ok('mutation { registerRig(name: "AOI SYS", stationCode: "AOI-1") { apiKey } }');
    const { registerRig: rig } = await mes.admin.ok('mutation { registerRig(name: "RIG SYS", stationCode: "TST-1") { apiKey } }');
    const sheet = run.rolls[0].sheets[0].barcode;
    const post = (key: string, body: unknown) =>
      fetch(`${mes.gatewayUrl}/api/v1/inspections`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(body),
      });
    const bad = await post(aoi.apiKey, {
      inspectionId: 'SYS-BAD',
      sheet,
      inspectedAt: '2026-11-22T10:00:00Z',
      defects: [
        { class: 'PARTICLE', mdMm: 1, cdMm: 1, sizeUm: 60 },
        { class: 'PARTICLE', mdMm: 1, cdMm: 1, sizeUm: -3 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'invalid inspection: defects[1].sizeUm: expected micrometres > 0 and <= 100000, got -3',
        details: [{ path: 'defects[1].sizeUm', message: 'expected micrometres > 0 and <= 100000, got -3' }],
      },
    });
    const forbidden = await post(rig.apiKey, { inspectionId: 'SYS-RIG', sheet, inspectedAt: '2026-11-22T10:00:00Z', defects: [] });
    expect(forbidden.status).toBe(403);
    expect((await post('nope', {})).status).toBe(401);
    const { sheet: after } = await mes.admin.ok(`{ sheet(barcode: "${sheet}") { inspections { inspectionId } } }`);
    expect(after.inspections).toHaveLength(1);
  });
});
