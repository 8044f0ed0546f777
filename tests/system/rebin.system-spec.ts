import { signatureArg, TEST_ADMIN_PASSWORD } from '@mes/testing';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * Re-binning through the gateway: an engineer derives a new rule set version from version 1 (a
 * tighter OCV window), releases it and re-bins a sheet; the worker bins the stored features again,
 * the results carry version 2 and follow the new limits, and the version 1 results stay in history.
 */
describe('re-binning a sheet with a new rule set version', () => {
  let mes: MesProcesses;
  const SHEET = 'S-R0001-0003';

  beforeAll(async () => {
    mes = await useSharedMes();
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

  it('re-bins from the stored features: version 2 results follow the new limits, version 1 stays in history', async () => {
    const { registerRig } = await mes.admin.ok('mutation { registerRig(name: "RIG RB", stationCode: "TST-1") { apiKey } }');
    const sim = simulateSheet({ seed: 17, sheetIndex: 3, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': registerRig.apiKey },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RB-0001', sheet: SHEET, startedAt: '2026-11-22T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    const status = await until(
      async () =>
        (
          (await (
            await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': registerRig.apiKey } })
          ).json()) as { status: string }
        ).status,
      (s) => s === 'DONE' || s === 'FAILED',
    );
    expect(status).toBe('DONE');

    // Version 1 is the library's default rule set, created when the first test of the product was binned.
    const v1 = (await mes.admin.ok('{ ruleSets(productCode: "TFB-0505") { version status ruleSet } }')).ruleSets as {
      version: number;
      status: string;
      ruleSet: string;
    }[];
    expect(v1.map((r) => [r.version, r.status])).toEqual([[1, 'RELEASED']]);
    const before = (await mes.admin.ok(`{ sheetMap(sheet: "${SHEET}", metric: SOFT_BIN) { values } }`)).sheetMap.values as (
      number | null
    )[];
    const ocv = (await mes.admin.ok(`{ sheetMap(sheet: "${SHEET}", metric: OCV_V) { values } }`)).sheetMap.values as (number | null)[];

    // Version 2: the OCV window's upper limit at the sheet's median OCV.
    const measured = ocv.filter((v): v is number => v !== null).sort((a, b) => a - b);
    const upper = measured[Math.floor(measured.length / 2)];
    const ruleSet = JSON.parse(v1[0].ruleSet) as { rules: { id: string; upper?: number }[] };
    ruleSet.rules.find((r) => r.id === 'ocv-window')!.upper = upper;

    const notJson = await mes.admin.fails(
      'mutation($r: String!) { createRuleSetDraft(productCode: "TFB-0505", ruleSet: $r) { version } }',
      { r: '{"rules": [' },
    );
    expect(notJson.message).toMatch(/^ruleSet is not valid JSON/);
    const broken = structuredClone(ruleSet) as { rules: { softBin?: number }[] };
    broken.rules[0].softBin = 42;
    const invalid = await mes.admin.fails(
      'mutation($r: String!) { createRuleSetDraft(productCode: "TFB-0505", ruleSet: $r) { version } }',
      { r: JSON.stringify(broken) },
    );
    expect(invalid.message).toMatch(/^Invalid rule set for TFB-0505: ruleSet\.rules\[0\]/);

    const draft = await mes.admin.ok(
      'mutation($r: String!) { createRuleSetDraft(productCode: "TFB-0505", ruleSet: $r) { version status } }',
      { r: JSON.stringify(ruleSet) },
    );
    expect(draft.createRuleSetDraft).toEqual({ version: 2, status: 'DRAFT' });
    const released = await mes.admin.ok(
      `mutation { releaseRuleSet(productCode: "TFB-0505", version: 2, ${signatureArg(TEST_ADMIN_PASSWORD, 'RESPONSIBLE')}) { version status releasedBy } }`,
    );
    expect(released.releaseRuleSet).toEqual({ version: 2, status: 'RELEASED', releasedBy: 'admin' });
    const again = await mes.admin.fails(`mutation { releaseRuleSet(productCode: "TFB-0505", version: 2, ${signatureArg()}) { version } }`);
    expect(again.message).toBe('Rule set TFB-0505 v2 is RELEASED already: only a DRAFT can be released');

    const nothing = await mes.admin.fails('mutation { rebin(input: { sheet: "S-R0001-0019" }) { id } }');
    expect(nothing.message).toBe('Nothing to re-bin: no binned tests of sheet S-R0001-0019');
    const twoScopes = await mes.admin.fails(`mutation { rebin(input: { sheet: "${SHEET}", roll: "R0001" }) { id } }`);
    expect(twoScopes.message).toBe('rebin needs exactly one scope: a sheet, a roll, or receivedFrom and receivedTo');

    const { rebin } = await mes.admin.ok(`mutation { rebin(input: { sheet: "${SHEET}" }) { id status } }`);
    expect(rebin.status).toBe('QUEUED');
    const request = await until(
      async () =>
        (await mes.admin.ok(`{ rebinRequest(id: "${rebin.id}") { status testsInScope testsRebinned error } }`)).rebinRequest as {
          status: string;
        },
      (r) => r.status === 'DONE' || r.status === 'FAILED',
    );
    expect(request).toEqual({ status: 'DONE', testsInScope: 1, testsRebinned: 1, error: null });

    // Every cell decided by a rule before the OCV window keeps its bin; every other cell above the new limit fails OCV (soft bin 14).
    const after = (await mes.admin.ok(`{ sheetMap(sheet: "${SHEET}", metric: SOFT_BIN) { values } }`)).sheetMap.values as (number | null)[];
    const decidedEarlier = new Set([0, 10, 11, 12, 17]);
    let failedOcv = 0;
    before.forEach((bin, i) => {
      if (bin === null) return expect(after[i]).toBeNull();
      if (decidedEarlier.has(bin)) return expect({ i, bin: after[i] }).toEqual({ i, bin });
      if ((ocv[i] as number) > upper) {
        expect({ i, bin: after[i] }).toEqual({ i, bin: 14 });
        failedOcv++;
      }
    });
    expect(failedOcv).toBeGreaterThan(500);

    const cell = before.findIndex((b, i) => b !== null && !decidedEarlier.has(b) && (ocv[i] as number) > upper);
    const result = await mes.admin.ok(
      `{ cellResult(sheet: "${SHEET}", row: ${Math.floor(cell / 50)}, col: ${cell % 50}) { softBin ruleSetVersion ruleId history { testId ruleSetVersion softBin } } }`,
    );
    expect(result.cellResult).toMatchObject({ softBin: 14, ruleSetVersion: 2, ruleId: 'ocv-window' });
    expect(result.cellResult.history).toEqual([
      { testId: 'RB-0001', ruleSetVersion: 2, softBin: 14 },
      { testId: 'RB-0001', ruleSetVersion: 1, softBin: before[cell] },
    ]);

    const trail = await mes.admin.ok('{ testDataAuditTrail(entityType: "RuleSet") { action entityKey actor } }');
    expect(trail.testDataAuditTrail).toEqual([
      { action: 'SIGNATURE', entityKey: 'TFB-0505 v2', actor: 'admin' }, // the release's electronic signature
      { action: 'RELEASE_RULE_SET', entityKey: 'TFB-0505 v2', actor: 'admin' },
      { action: 'CREATE_RULE_SET_DRAFT', entityKey: 'TFB-0505 v2', actor: 'admin' },
    ]);
  });
});
