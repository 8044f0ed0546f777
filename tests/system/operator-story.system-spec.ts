import { GraphqlClient, signatureArg } from '@mes/testing';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The operator story of the foundation, through the gateway over HTTP: log in, register a roll,
 * scan it through the first operations, cut it into sheets, hold an MD region, see an affected
 * sheet refused with the hold's reason, release the hold, continue.
 */
describe('operator story through the gateway', () => {
  let mes: MesProcesses;
  let operator: GraphqlClient;
  let engineer: GraphqlClient;

  beforeAll(async () => {
    mes = await useSharedMes();
    for (const [username, role] of [
      ['olga', 'OPERATOR'],
      ['erik', 'ENGINEER'],
    ] as const) {
      await mes.admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
        i: { username, password: 'password-123', role },
      });
    }
    operator = await new GraphqlClient(mes.graphqlUrl).login('olga', 'password-123');
    engineer = await new GraphqlClient(mes.graphqlUrl).login('erik', 'password-123');
  });
  afterAll(() => mes.close());

  const scan = (client: GraphqlClient, barcode: string, stationCode: string, action: 'TRACK_IN' | 'TRACK_OUT') =>
    client.request<{ scan: { operation: string | null; stepState: string } }>(
      'mutation($i: ScanInput!) { scan(input: $i) { operation stepState repeated } }',
      { i: { barcode, stationCode, action } },
    );

  it('answers /health with every dependency up', async () => {
    const res = await fetch(`${mes.gatewayUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual([
      'postgresql',
      'redis',
      'subgraph:assembly',
      'subgraph:process',
      'subgraph:test-data',
      'subgraph:tracking',
    ]);
  });

  it('runs a roll from registration to sheets, through a hold and its release', async () => {
    const registered = await operator.ok(
      'mutation { registerRoll(input: { barcode: "R-STORY", productCode: "TFB-0505", widthMm: 300, lengthM: 3, substrateThicknessUm: 20, supplierLot: "SS-7731" }) { barcode operation stepState } }',
    );
    expect(registered.registerRoll).toEqual({ barcode: 'R-STORY', operation: 'INCOMING_FOIL', stepState: 'WAITING' });

    for (const [station, next] of [
      ['INC-1', 'WEB_CLEAN'],
      ['CLN-1', 'LCO_DEPOSITION'],
      ['LCO-1', 'LCO_ANNEAL'],
      ['ANL-1', 'CUT_TO_SHEETS'],
    ]) {
      expect((await scan(operator, 'R-STORY', station, 'TRACK_IN')).errors).toBeUndefined();
      const out = await scan(operator, 'R-STORY', station, 'TRACK_OUT');
      expect(out.data?.scan.operation).toBe(next);
    }
    await scan(operator, 'R-STORY', 'CUT-1', 'TRACK_IN');
    const cut = await operator.ok(
      'mutation { cutSheets(input: { rollBarcode: "R-STORY", stationCode: "CUT-1" }) { sheets { barcode mdStartMm mdEndMm } } }',
    );
    // 3 m roll, 1 m leader and trailer: three 300 mm sheets from MD 1000 mm.
    expect(cut.cutSheets.sheets).toEqual([
      { barcode: 'S-R-STORY-0001', mdStartMm: 1000, mdEndMm: 1300 },
      { barcode: 'S-R-STORY-0002', mdStartMm: 1300, mdEndMm: 1600 },
      { barcode: 'S-R-STORY-0003', mdStartMm: 1600, mdEndMm: 1900 },
    ]);
    await scan(operator, 'R-STORY', 'CUT-1', 'TRACK_OUT');

    const hold = await operator.ok(
      'mutation { placeHold(input: { target: ROLL_REGION, rollBarcode: "R-STORY", mdFromMm: 1350, mdToMm: 1450, reason: "LCO rate sagged to 0.45 A/s" }) { id } }',
    );
    const refused = await scan(operator, 'S-R-STORY-0002', 'LPN-1', 'TRACK_IN');
    expect(refused.errors?.[0].extensions?.code).toBe('UNIT_ON_HOLD');
    expect(refused.errors?.[0].message).toMatch(
      /^Sheet S-R-STORY-0002 is on hold: LCO rate sagged to 0.45 A\/s \(hold \d+ on roll R-STORY MD 1350-1450 mm/,
    );
    expect((await scan(operator, 'S-R-STORY-0001', 'LPN-1', 'TRACK_IN')).errors).toBeUndefined();

    const forbidden = await operator.fails(
      `mutation { releaseHold(input: { holdId: "${hold.placeHold.id}", disposition: RELEASE, comment: "ok" }, ${signatureArg('password-123', 'REVIEWED')}) { id } }`,
    );
    expect(forbidden.extensions?.code).toBe('FORBIDDEN');
    await engineer.ok(
      `mutation { releaseHold(input: { holdId: "${hold.placeHold.id}", disposition: RELEASE, comment: "rate back in band, films checked" }, ${signatureArg('password-123', 'REVIEWED')}) { active } }`,
    );
    const resumed = await scan(operator, 'S-R-STORY-0002', 'LPN-1', 'TRACK_IN');
    expect(resumed.data?.scan).toMatchObject({ operation: 'LIPON_DEPOSITION', stepState: 'IN_PROCESS' });

    const history = await engineer.ok('{ unitHistory(barcode: "S-R-STORY-0002") { kind actor summary } }');
    const kinds = history.unitHistory.map((h: { kind: string }) => h.kind);
    expect(kinds).toEqual(['CREATED', 'HOLD_PLACED', 'HOLD_RELEASED', 'SCAN']);
    expect(history.unitHistory[1].actor).toBe('olga');
    expect(history.unitHistory[2].actor).toBe('erik');

    const audit = await engineer.ok('{ auditTrail(entityType: "Hold", limit: 5) { action actor } }');
    expect(audit.auditTrail.slice(0, 3)).toEqual([
      { action: 'SIGNATURE', actor: 'erik' }, // the release's electronic signature
      { action: 'RELEASE_HOLD', actor: 'erik' },
      { action: 'PLACE_HOLD', actor: 'olga' },
    ]);
  });

  it('gives each bad scan its code and a message that says what is expected', async () => {
    const cases: [string, string, 'TRACK_IN' | 'TRACK_OUT', string, RegExp][] = [
      ['NO-SUCH-ROLL', 'INC-1', 'TRACK_IN', 'UNKNOWN_BARCODE', /^Unknown barcode NO-SUCH-ROLL/],
      ['R0002', 'TST-1', 'TRACK_IN', 'WRONG_OPERATION', /waiting for operation LCO_DEPOSITION .* scan it at station LCO-1, not at TST-1/],
      ['R0002', 'LCO-1', 'TRACK_OUT', 'NOT_TRACKED_IN', /not tracked in at LCO_DEPOSITION/],
      ['R0001', 'TST-1', 'TRACK_IN', 'UNIT_NOT_ACTIVE', /Roll R0001 no longer exists as a roll/],
    ];
    for (const [barcode, station, action, code, message] of cases) {
      const r = await scan(operator, barcode, station, action);
      expect({ barcode, code: r.errors?.[0].extensions?.code }).toEqual({ barcode, code });
      expect(r.errors?.[0].message).toMatch(message);
    }
    const anonymous = await new GraphqlClient(mes.graphqlUrl).fails('{ stations { code } }');
    expect(anonymous.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers REST paths no service serves yet with the contract error shape', async () => {
    const res = await fetch(`${mes.gatewayUrl}/api/v1/nothing-here`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No service of this MES serves POST /api/v1/nothing-here', details: [] },
    });
    const rigless = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/queue`);
    expect(rigless.status).toBe(401);
  });

  it('answers 503 naming the subgraph that is down', async () => {
    await mes.stopApp('tracking');
    const res = await fetch(`${mes.gatewayUrl}/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { down: string[] };
    expect(body.down).toEqual(['subgraph:tracking']);
  });
});
