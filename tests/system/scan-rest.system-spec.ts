import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

const SCAN = `mutation($i: ScanInput!) {
  scan(input: $i) { unitKind barcode status operation stepState stationCode repeated
                    event { action operation stationCode goodCount rejectCount actor } }
}`;

/** POST /api/v1/scans through the gateway, as a scanner terminal sends it, against the mutation. */
describe('REST scans through the gateway', () => {
  let mes: MesProcesses;
  beforeAll(async () => {
    mes = await useSharedMes();
  });
  afterAll(() => mes?.close());

  const post = async (body: unknown, token: string | undefined = mes.admin.token) => {
    const res = await fetch(`${mes.gatewayUrl}/api/v1/scans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('scans as the mutation does and refuses with the REST error shape', async () => {
    for (const barcode of ['R-SR-G', 'R-SR-R'])
      await mes.admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
        i: { barcode, productCode: 'TFB-0505', widthMm: 300, lengthM: 10 },
      });
    const input = { stationCode: 'INC-1', action: 'TRACK_IN' };
    const viaGraphql = (await mes.admin.ok(SCAN, { i: { ...input, barcode: 'R-SR-G' } })).scan;
    const viaRest = await post({ ...input, barcode: 'R-SR-R' });
    expect(viaRest.status).toBe(200);
    const { at, ...event } = viaRest.body.event;
    expect(event.id).toMatch(/^\d+$/);
    delete event.id;
    expect({ ...viaRest.body, event, barcode: 'R' }).toEqual({ ...viaGraphql, barcode: 'R' });
    expect(new Date(at).toISOString()).toBe(at);
    const state = await mes.admin.ok('{ roll(barcode: "R-SR-R") { stepState } }');
    expect(state.roll.stepState).toBe('IN_PROCESS');

    expect(await post({ barcode: 'R-SR-R', stationCode: 'ANL-1', action: 'TRACK_OUT' })).toMatchObject({
      status: 409,
      body: { error: { code: 'WRONG_OPERATION' } },
    });
    expect(await post({ ...input, barcode: 'NO-SUCH' })).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_BARCODE' } } });
    expect(await post({ ...input, barcode: 'R-SR-R' }, undefined)).toMatchObject({
      status: 200, // with the token: a double press answers the first scan again
      body: { repeated: true },
    });
    expect(await post({ ...input, barcode: 'R-SR-R' }, '')).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
  });
});
