import { GraphqlClient } from '@mes/testing';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';
import { newProduct, newRoll, stationOf } from '../testing/line-fixtures';

/** Every field of the mutation's answer, which the REST answer must match. */
const FULL_SCAN = `mutation($i: ScanInput!) {
  scan(input: $i) { unitKind barcode status operation stepState stationCode repeated
                    event { id action operation stationCode goodCount rejectCount actor at } }
}`;

interface Refusal {
  code: string;
  message: string;
  details: unknown;
  extra: Record<string, unknown>;
}

/**
 * POST /api/v1/scans against the scan mutation on one tracking process: the same answers, the same
 * refusals and the same scan events and audit records, for the same scans of twin units.
 */
describe('REST scan endpoint against the scan mutation (tracking on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  let restUrl: string;

  beforeAll(async () => {
    stack = await startTrackingTestStack('scan_rest');
    restUrl = stack.url.replace(/\/graphql$/, '/api/v1/scans');
    await newProduct(stack.admin, 'REST-P');
  }, STACK_START_MS);
  afterAll(() => stack.close());

  const rest = async (body: unknown, opts: { token?: string | null; contentType?: string; raw?: string } = {}) => {
    const token = opts.token === undefined ? stack.admin.token : opts.token;
    const res = await fetch(restUrl, {
      method: 'POST',
      headers: { 'content-type': opts.contentType ?? 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: opts.raw ?? JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const restRefusal = async (input: unknown, opts?: Parameters<typeof rest>[1]): Promise<Refusal & { status: number }> => {
    const { status, body } = await rest(input, opts);
    const { code, message, details, ...extra } = body.error ?? {};
    return { status, code, message, details, extra };
  };
  const graphqlRefusal = async (input: unknown, client = stack.admin): Promise<Refusal> => {
    const res = await client.request(FULL_SCAN, { i: input });
    expect(res.data?.scan ?? null).toBeNull();
    const { code, details, ...extra } = (res.errors?.[0]?.extensions ?? {}) as Record<string, unknown>;
    delete extra.serviceName;
    return { code: code as string, message: res.errors?.[0]?.message as string, details, extra };
  };
  const viaGraphql = async (input: Record<string, unknown>) => (await stack.admin.ok(FULL_SCAN, { i: input })).scan;
  const viaRest = async (input: Record<string, unknown>) => {
    const { status, body } = await rest(input);
    expect(status).toBe(200);
    return body;
  };
  /** What a scan stored for a unit, without what differs between twins (ids, times, barcode). */
  const stored = async (barcode: string) => ({
    events: await stack.query(
      `SELECT e.unit_kind, st.code AS station, e.operation, e.step_seq, e.action, e.good_count, e.reject_count, e.actor
         FROM tracking.scan_events e JOIN tracking.stations st ON st.id = e.station_id
        WHERE e.unit_id = (SELECT id FROM tracking.rolls WHERE barcode = $1) AND e.unit_kind = 'ROLL' ORDER BY e.id`,
      [barcode],
    ),
    audit: await stack.query(
      `SELECT actor, action, entity_type, before, after FROM tracking.audit_records WHERE entity_key = $1 AND action IN ('TRACK_IN', 'TRACK_OUT') ORDER BY id`,
      [barcode],
    ),
    unit: await stack.query(`SELECT status, step_seq, step_state, station_id, version FROM tracking.rolls WHERE barcode = $1`, [barcode]),
  });
  const counts = async () =>
    (
      await stack.query<{ events: string; audit: string }>(
        `SELECT (SELECT count(*) FROM tracking.scan_events) AS events, (SELECT count(*) FROM tracking.audit_records) AS audit`,
      )
    )[0];
  const twin = (answer: Record<string, any>, barcode: string) => ({
    ...answer,
    barcode,
    event: {
      ...answer.event,
      id: 'id',
      at: typeof answer.event.at === 'string' && !isNaN(Date.parse(answer.event.at)) ? 'iso' : answer.event.at,
    },
  });

  it('answers and stores the same as the mutation for the same scans of twin rolls', async () => {
    await newRoll(stack.admin, 'RS-G1', 'REST-P');
    await newRoll(stack.admin, 'RS-R1', 'REST-P');
    const scans: Record<string, unknown>[] = [
      { stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_IN' },
      { stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_IN' }, // a double press
      { stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_OUT', goodCount: 1, rejectCount: 0 },
      { stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_OUT' }, // a double press after moving on
      { stationCode: stationOf('WEB_CLEAN'), action: 'TRACK_IN' },
    ];
    for (const s of scans) {
      const g = await viaGraphql({ ...s, barcode: 'RS-G1' });
      const r = await viaRest({ ...s, barcode: ' RS-R1 ' }); // trimmed as the mutation trims
      expect(twin(r, 'X')).toEqual(twin(g, 'X'));
      expect(r.barcode).toBe('RS-R1');
    }
    const [g, r] = [await stored('RS-G1'), await stored('RS-R1')];
    expect(g.events).toHaveLength(3);
    expect(r).toEqual(g);
  });

  it('refuses what the mutation refuses, with the same code, message and details, and stores nothing', async () => {
    await newRoll(stack.admin, 'RS-G2', 'REST-P');
    await newRoll(stack.admin, 'RS-R2', 'REST-P');
    await viaGraphql({ barcode: 'RS-G2', stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_IN' });
    await viaRest({ barcode: 'RS-R2', stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_IN' });
    const bad: { name: string; input: (barcode: string) => Record<string, unknown> }[] = [
      { name: 'unknown station', input: (b) => ({ barcode: b, stationCode: 'NOPE-9', action: 'TRACK_IN' }) },
      { name: 'unknown barcode', input: () => ({ barcode: 'NO-SUCH-ROLL', stationCode: 'INC-1', action: 'TRACK_IN' }) },
      { name: 'a singulated cell', input: () => ({ barcode: 'S-X-0001-R1C2', stationCode: 'INC-1', action: 'TRACK_IN' }) },
      { name: 'wrong station', input: (b) => ({ barcode: b, stationCode: stationOf('LCO_ANNEAL'), action: 'TRACK_OUT' }) },
      { name: 'already in process', input: (b) => ({ barcode: b, stationCode: stationOf('WEB_CLEAN'), action: 'TRACK_IN' }) },
      {
        name: 'too many counts',
        input: (b) => ({ barcode: b, stationCode: stationOf('INCOMING_FOIL'), action: 'TRACK_OUT', goodCount: 2 }),
      },
      { name: 'empty barcode', input: () => ({ barcode: '', stationCode: 'INC-1', action: 'TRACK_IN' }) },
      { name: 'negative count', input: (b) => ({ barcode: b, stationCode: 'INC-1', action: 'TRACK_OUT', rejectCount: -1 }) },
      { name: 'unknown equipment', input: (b) => ({ barcode: b, stationCode: 'INC-1', action: 'TRACK_OUT', equipmentCode: 'NO-EQ' }) },
    ];
    const before = await counts();
    for (const b of bad) {
      const g = await graphqlRefusal(b.input('RS-G2'));
      const r = await restRefusal(b.input('RS-R2'));
      const name = (x: Refusal) => ({ ...x, message: x.message.replaceAll('RS-G2', 'U').replaceAll('RS-R2', 'U') });
      expect({ case: b.name, ...name(r), status: undefined }).toEqual({ case: b.name, ...name(g), status: undefined });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(await counts()).toEqual(before);
  });

  it('asks for the token as the mutation does', async () => {
    const input = { barcode: 'RS-R2', stationCode: 'INC-1', action: 'TRACK_OUT' };
    const none = await restRefusal(input, { token: null });
    expect(none).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const anonymous = await graphqlRefusal(input, new GraphqlClient(stack.url));
    expect(none.message).toBe(anonymous.message);
    const forged = await restRefusal(input, { token: `${stack.admin.token}x` });
    expect(forged).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'The bearer token is invalid or expired: log in again' });
    // Any role scans, as with the mutation.
    const operator = await stack.userClient('OPERATOR');
    await newRoll(stack.admin, 'RS-R3', 'REST-P');
    const { status, body } = await rest({ barcode: 'RS-R3', stationCode: 'INC-1', action: 'TRACK_IN' }, { token: operator.token });
    expect(status).toBe(200);
    expect(body.event.actor).not.toBe('admin');
  });

  it('refuses a body that is not a scan input with a clear 400 or 415, and stores nothing', async () => {
    const before = await counts();
    expect(await restRefusal(['RS-R2'])).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ path: 'input' }] });
    expect(await restRefusal({ barcode: 'RS-R2', stationCode: 'INC-1', action: 'TRACK_IN', by: 'me' })).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: 'input.by', message: 'property by should not exist' }],
    });
    const action = await restRefusal({ barcode: 'RS-R2', stationCode: 'INC-1', action: 'PRESS' });
    expect(action).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ path: 'input.action' }] });
    const missing = await restRefusal({ barcode: 'RS-R2', action: 'TRACK_IN' });
    expect(missing).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', details: [{ path: 'input.stationCode' }] });
    expect(await restRefusal(null, { raw: '{"barcode":', contentType: 'application/json' })).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(await restRefusal(null, { raw: 'RS-R2', contentType: 'text/plain' })).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await counts()).toEqual(before);
  });
});
