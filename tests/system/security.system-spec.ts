import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/** What a client may see of a failure: a code, a message and at most an error id, never the server's insides. */
function expectNoServerInsides(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace/i);
  expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/); // a stack frame
  expect(text).not.toMatch(/\.(ts|js|mjs):\d+/); // a source position
  expect(text).not.toContain(process.cwd()); // the server's file paths
  expect(text).not.toContain('node_modules');
}

/**
 * Security through the gateway, on one MES (the apps run with NODE_ENV unset, as npm start runs
 * them: tests/support/mes-processes.ts): what errors show, machine keys, the login throttle.
 */
describe('security through the gateway', () => {
  let mes: MesProcesses;

  beforeAll(async () => {
    mes = await useSharedMes();
  }, 600_000); // six processes starting on a shared machine
  afterAll(async () => mes?.close());

  async function untilHealthy(url: string): Promise<void> {
    for (let i = 0; i < 1200; i++) {
      if (
        await fetch(url).then(
          (r) => r.ok,
          () => false,
        )
      )
        return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${url} did not come back`);
  }

  async function post(query: string, variables: Record<string, unknown> = {}, token = mes.admin.token) {
    const res = await fetch(mes.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
  }

  it('errors: a query the gateway refuses (unknown field, bad syntax)', async () => {
    for (const query of ['{ me { id shoeSize } }', '{ me { id ']) {
      const body = await post(query);
      expect(body.errors?.[0]?.extensions?.code).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
      expectNoServerInsides(body);
    }
  });

  it('limits: an operation deeper than the gateway allows is refused, naming the limit', async () => {
    // RollParent has no parents: the usual validation error comes too, from the same validation pass.
    const deep = `{ roll(barcode: "R0001") { ${'parents { '.repeat(12)}barcode${' }'.repeat(12)} } }`;
    const body = await post(deep);
    expect(body.errors).toContainEqual({
      message: "The operation's depth is 14; the gateway allows at most 12: split it into smaller operations",
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' },
    });
    expectNoServerInsides(body);
  });

  it("errors: a subgraph's refusals (input validation, a missing token)", async () => {
    const invalid = await post('mutation { createUser(input: { username: "Bad Name", password: "short", role: OPERATOR }) { id } }');
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', serviceName: 'tracking' });
    expectNoServerInsides(invalid);
    const anonymous = await post('{ users { id } }', {}, '');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expectNoServerInsides(anonymous);
  });

  it('errors: an unexpected failure (a subgraph that does not answer) reaches the client as an error id only', async () => {
    await mes.stopApp('process');
    try {
      const body = await post('{ recipes { id } }');
      const error = body.errors?.[0];
      expect(error?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(error?.message).toBe(`Internal error ${String(error?.extensions?.errorId)}: the server logged the details under this id`);
      expectNoServerInsides(body);
    } finally {
      mes.startApp('process');
      await untilHealthy(mes.processUrl.replace(/\/graphql$/, '/health'));
    }
  });

  async function rest(path: string, key: string): Promise<number> {
    return (await fetch(`${mes.gatewayUrl}${path}`, { headers: { 'x-api-key': key } })).status;
  }

  it('keys: rig keys are listed without the secret, revoked (refused at once) and rotated, by admins only, audited', async () => {
    const reg = await mes.admin.ok('mutation { registerRig(name: "RIG KEYS", stationCode: "TST-1") { rig { id } apiKey } }');
    const rigId = reg.registerRig.rig.id as string;
    const oldKey = reg.registerRig.apiKey as string;
    expect(await rest('/api/v1/sheet-tests/queue', oldKey)).toBe(200);

    const list = await mes.admin.ok('{ rigKeys { rig { id name } active issuedAt revokedAt createdBy } }');
    const listed = (list.rigKeys as { rig: { id: string } }[]).find((k) => k.rig.id === rigId);
    expect(listed).toMatchObject({ rig: { id: rigId, name: 'RIG KEYS' }, active: true, revokedAt: null, createdBy: 'admin' });
    expect(JSON.stringify(list)).not.toContain(oldKey.split('.')[1]);

    const engineer = await mes.admin.ok(
      'mutation { createUser(input: { username: "keys.engineer", password: "password-123", role: ENGINEER }) { id } }',
    );
    expect(engineer.createUser.id).toBeTruthy();
    const asEngineer = await mes.admin.as(undefined).login('keys.engineer', 'password-123');
    expect((await asEngineer.fails(`mutation { revokeRigKey(rigId: "${rigId}") { active } }`)).extensions?.code).toBe('FORBIDDEN');
    expect((await asEngineer.fails('{ rigKeys { active } }')).extensions?.code).toBe('FORBIDDEN');

    const revoked = await mes.admin.ok(`mutation { revokeRigKey(rigId: "${rigId}") { active revokedAt } }`);
    expect(revoked.revokeRigKey).toMatchObject({ active: false, revokedAt: expect.any(String) });
    expect(await rest('/api/v1/sheet-tests/queue', oldKey)).toBe(401);
    expect((await mes.admin.fails(`mutation { revokeRigKey(rigId: "${rigId}") { active } }`)).extensions?.code).toBe('CONFLICT');
    expect((await mes.admin.fails('mutation { revokeRigKey(rigId: "999999") { active } }')).extensions?.code).toBe('NOT_FOUND');

    const rotated = await mes.admin.ok(`mutation { rotateRigKey(rigId: "${rigId}") { rig { id } apiKey } }`);
    const newKey = rotated.rotateRigKey.apiKey as string;
    expect(newKey).not.toBe(oldKey);
    expect(await rest('/api/v1/sheet-tests/queue', newKey)).toBe(200);
    expect(await rest('/api/v1/sheet-tests/queue', oldKey)).toBe(401);

    const audit = await mes.admin.ok(`{ testDataAuditTrail(entityType: "Rig", entityKey: "${rigId}") { action actor } }`);
    expect((audit.testDataAuditTrail as { action: string }[]).map((a) => a.action).sort()).toEqual(
      ['REGISTER_RIG', 'RIG_KEY_REVOKED', 'RIG_KEY_ROTATED'].sort(),
    );
  });

  it('keys: equipment trace keys are listed, revoked (refused at once) and rotated, audited', async () => {
    const issued = await mes.admin.ok('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }');
    const oldKey = issued.issueEquipmentKey.apiKey as string;
    const post = async (key: string) =>
      (
        await fetch(`${mes.gatewayUrl}/api/v1/equipment-traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ batchId: 'b1' }),
        })
      ).status;
    expect(await post(oldKey)).toBe(400); // the key passes; the body is what is wrong
    const list = await mes.admin.ok('{ equipmentKeys { equipmentCode active issuedAt revokedAt } }');
    expect(list.equipmentKeys).toContainEqual({ equipmentCode: 'SPT-LCO-1', active: true, issuedAt: expect.any(String), revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(oldKey.split('.')[1]);

    const revoked = await mes.admin.ok('mutation { revokeEquipmentKey(equipmentCode: "SPT-LCO-1") { active revokedAt } }');
    expect(revoked.revokeEquipmentKey).toMatchObject({ active: false, revokedAt: expect.any(String) });
    expect(await post(oldKey)).toBe(401);
    const again = await mes.admin.fails('mutation { revokeEquipmentKey(equipmentCode: "SPT-LCO-1") { active } }');
    expect(again.extensions?.code).toBe('CONFLICT');

    const rotated = await mes.admin.ok('mutation { rotateEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }');
    expect(await post(rotated.rotateEquipmentKey.apiKey as string)).toBe(400);
    expect(await post(oldKey)).toBe(401);
    const audit = await mes.admin.ok('{ processAudit(entityType: "EQUIPMENT", entityId: "SPT-LCO-1") { action } }');
    expect((audit.processAudit as { action: string }[]).map((a) => a.action)).toEqual(
      expect.arrayContaining(['TRACE_KEY_ISSUED', 'TRACE_KEY_REVOKED', 'TRACE_KEY_ROTATED']),
    );
  });

  // Last: it blocks the address the gateway sees (this test's) for the rest of the window.
  it('login throttle: the gateway passes on the connection address, which a client cannot choose', async () => {
    const attempt = async (username: string, spoofed: string) =>
      (
        (await (
          await fetch(mes.graphqlUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-mes-client-address': spoofed },
            body: JSON.stringify({ query: `mutation { login(username: "${username}", password: "wrong-password") { token } }` }),
          })
        ).json()) as { errors: { message: string; extensions: { code: string; retryAfterSeconds?: number } }[] }
      ).errors[0];
    // At once: the throttle counts what is stored, so twenty attempts in flight are twenty failures.
    const failed = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(`guess${i}`, `10.9.9.${i}`)));
    expect(failed.map((e) => e.extensions.code)).toEqual(Array(20).fill('UNAUTHENTICATED'));
    const refused = await attempt('admin', '10.9.9.99');
    expect(refused.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) });
    expect(refused.message).toMatch(/^Too many failed logins for this address \(20 in 15 minutes\): try again in \d+ seconds$/);
  });
});
