import { GRAPHQL_ACCESS, REST_ACCESS, rolesAllowed, Role, SERVICE_ROUTES, type Access } from '@mes/auth';
import { GraphqlClient } from '@mes/testing';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * Authorization, complete: every Query and Mutation field of the composed graph (introspected
 * through the gateway) and every REST route every app serves (each app's GET /health/routes) is
 * called anonymously and as OPERATOR, ENGINEER and ADMIN, and must be let in or refused exactly as
 * the access table of @mes/auth says. An operation without a row fails with its name.
 */

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
interface FullType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { kind name
  fields { name args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } }
  inputFields { name defaultValue type { ${TYPE_REF} } } enumValues { name } } } }`;

type Outcome = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'let in';
type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', Role.OPERATOR, Role.ENGINEER, Role.ADMIN];

/** What the table says a caller must get. */
function expected(who: Access, caller: Caller): Outcome {
  if (who === 'PUBLIC') return 'let in';
  if (caller === 'anonymous') return 'UNAUTHENTICATED';
  return rolesAllowed(who).includes(caller) ? 'let in' : 'FORBIDDEN';
}

function typeString(t: TypeRef): string {
  if (t.kind === 'NON_NULL') return `${typeString(t.ofType as TypeRef)}!`;
  if (t.kind === 'LIST') return `[${typeString(t.ofType as TypeRef)}]`;
  return t.name as string;
}

function namedType(t: TypeRef): TypeRef {
  return t.ofType ? namedType(t.ofType) : t;
}

async function inBatches<T, R>(items: T[], size: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(f))));
  return out;
}

describe('authorization: every operation and route against the access table', () => {
  let mes: MesProcesses;
  let types: Map<string, FullType>;
  let schema: { queryType: { name: string }; mutationType: { name: string } | null; types: FullType[] };
  const tokens = new Map<Caller, string | undefined>();

  beforeAll(async () => {
    mes = await useSharedMes();
    tokens.set('anonymous', undefined);
    tokens.set(Role.ADMIN, mes.admin.token);
    for (const role of [Role.OPERATOR, Role.ENGINEER]) {
      const username = `authz.${role.toLowerCase()}`;
      await mes.admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
        i: { username, password: 'password-123', role },
      });
      tokens.set(role, (await new GraphqlClient(mes.graphqlUrl).login(username, 'password-123')).token);
    }
    schema = (await mes.admin.ok<{ __schema: typeof schema }>(INTROSPECTION)).__schema;
    types = new Map(schema.types.map((t) => [t.name, t]));
  }, 600_000);
  afterAll(async () => mes?.close());

  /** The smallest value of a type the gateway accepts: what matters is who may call, not what. */
  function minimal(t: TypeRef, depth = 0): unknown {
    if (t.kind === 'NON_NULL') return minimal(t.ofType as TypeRef, depth);
    if (t.kind === 'LIST') return [];
    const type = types.get(t.name as string);
    if (type?.kind === 'ENUM') return type.enumValues?.[0]?.name;
    if (type?.kind === 'INPUT_OBJECT') {
      if (depth > 6) throw new Error(`input ${type.name} nests too deep for a minimal value`);
      return Object.fromEntries(
        (type.inputFields ?? [])
          .filter((f) => f.type.kind === 'NON_NULL' && f.defaultValue === null)
          .map((f) => [f.name, minimal(f.type, depth + 1)]),
      );
    }
    switch (t.name) {
      case 'Int':
        return 1;
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTime':
        return '2026-01-01T00:00:00.000Z';
      case 'JSON':
        return {};
      default:
        return '1'; // ID, String and string-like scalars
    }
  }

  function operationsOf(root: 'Query' | 'Mutation'): { coordinate: string; query: string; variables: Record<string, unknown> }[] {
    const typeName = root === 'Query' ? schema.queryType.name : schema.mutationType?.name;
    const type = typeName ? types.get(typeName) : undefined;
    return (type?.fields ?? []).map((f) => {
      const required = f.args.filter((a) => a.type.kind === 'NON_NULL' && a.defaultValue === null);
      const declared = required.map((a, i) => `$a${i}: ${typeString(a.type)}`).join(', ');
      const passed = required.map((a, i) => `${a.name}: $a${i}`).join(', ');
      const selection = ['OBJECT', 'INTERFACE', 'UNION'].includes(types.get(namedType(f.type).name as string)?.kind ?? '')
        ? ' { __typename }'
        : '';
      return {
        coordinate: `${root}.${f.name}`,
        query: `${root === 'Query' ? 'query' : 'mutation'}${declared ? `(${declared})` : ''} { ${f.name}${passed ? `(${passed})` : ''}${selection} }`,
        variables: Object.fromEntries(required.map((a, i) => [`a${i}`, minimal(a.type)])),
      };
    });
  }

  async function callGraphql(
    op: { query: string; variables: Record<string, unknown> },
    caller: Caller,
  ): Promise<{ outcome: Outcome; codes: string[] }> {
    const token = tokens.get(caller);
    const res = await fetch(mes.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(op),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    const codes = (body.errors ?? []).map((e) => String(e.extensions?.code));
    // The guard's refusals. A public operation may still answer UNAUTHENTICATED for its own reason
    // (login: a wrong password), which is not the guard keeping the caller out.
    const guard = (body.errors ?? []).filter(
      (e) => e.extensions?.code === 'FORBIDDEN' || /^Authentication required|^The bearer token is invalid/.test(e.message),
    );
    const outcome: Outcome = guard.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
      ? 'UNAUTHENTICATED'
      : guard.some((e) => e.extensions?.code === 'FORBIDDEN')
        ? 'FORBIDDEN'
        : 'let in';
    return { outcome, codes };
  }

  // First: the enumeration below signs with made-up passwords, which count as failed logins.
  it('signed release across services: test-data has tracking check the password, audits the signature, and releases nothing on a wrong one', async () => {
    await mes.admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
      i: { username: 'authz.signer', password: 'signer-password-1', role: Role.ENGINEER },
    });
    const signer = await new GraphqlClient(mes.graphqlUrl).login('authz.signer', 'signer-password-1');
    const v1 = (await signer.ok<{ ruleSets: { ruleSet: string }[] }>('{ ruleSets(productCode: "TFB-0505") { ruleSet } }')).ruleSets[0];
    const draft = await signer.ok<{ createRuleSetDraft: { version: number } }>(
      'mutation($r: String!) { createRuleSetDraft(productCode: "TFB-0505", ruleSet: $r) { version } }',
      { r: v1.ruleSet },
    );
    const version = draft.createRuleSetDraft.version;
    const release =
      'mutation($v: Int!, $s: SignatureInput!) { releaseRuleSet(productCode: "TFB-0505", version: $v, signature: $s) { status releasedBy } }';
    const auditOf = async () =>
      (
        await mes.admin.ok<{ testDataAuditTrail: { action: string; actor: string; after: string | null }[] }>(
          `{ testDataAuditTrail(entityType: "RuleSet", entityKey: "TFB-0505 v${version}") { action actor after } }`,
        )
      ).testDataAuditTrail;

    const wrong = await signer.fails(release, { v: version, s: { password: 'signer-password-2', meaning: 'APPROVED' } });
    expect(wrong.extensions?.code).toBe('SIGNATURE_REJECTED');
    expect(wrong.message).toBe(
      "The signature of authz.signer was refused: the password is not authz.signer's (type the password you signed in with); nothing was released",
    );
    const unsigned = await signer.request('mutation($v: Int!) { releaseRuleSet(productCode: "TFB-0505", version: $v) { status } }', {
      v: version,
    });
    expect(unsigned.errors?.[0].message).toMatch(/argument "signature" of type "SignatureInput!" is required/);
    const still = (
      await signer.ok<{ ruleSets: { version: number; status: string }[] }>('{ ruleSets(productCode: "TFB-0505") { version status } }')
    ).ruleSets;
    expect(still.find((v) => v.version === version)?.status).toBe('DRAFT');
    expect((await auditOf()).map((a) => a.action)).toEqual(['CREATE_RULE_SET_DRAFT']);
    // Tracking counted the wrong password as a failed login of the signer, and audited it.
    const userTrail = await mes.admin.ok<{ auditTrail: { action: string }[] }>(
      '{ auditTrail(entityType: "User", entityKey: "authz.signer") { action } }',
    );
    expect(userTrail.auditTrail.map((a) => a.action)).toContain('SIGNATURE_FAILED');

    const signed = await signer.ok(release, {
      v: version,
      s: { password: 'signer-password-1', meaning: 'RESPONSIBLE', comment: 'same rules, new version' },
    });
    expect(signed.releaseRuleSet).toEqual({ status: 'RELEASED', releasedBy: 'authz.signer' });
    const signature = (await auditOf()).find((a) => a.action === 'SIGNATURE');
    expect(signature?.actor).toBe('authz.signer');
    expect(JSON.parse(signature?.after ?? 'null')).toEqual({
      signer: 'authz.signer',
      meaning: 'RESPONSIBLE',
      comment: 'same rules, new version',
      signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      signed: `RELEASE_RULE_SET TFB-0505 v${version}`,
    });
  });

  it('GraphQL: every query and mutation of the composed graph has a role decision, and each role gets exactly it', async () => {
    const ops = [...operationsOf('Query'), ...operationsOf('Mutation')];
    const undecided = ops.filter((o) => !GRAPHQL_ACCESS[o.coordinate]).map((o) => `add a role decision for ${o.coordinate}`);
    expect(undecided).toEqual([]);

    // A row for a field the graph does not have is a stale decision.
    const fieldsOf = (type: string) => new Set((types.get(type)?.fields ?? []).map((f) => f.name));
    const stale = Object.keys(GRAPHQL_ACCESS).filter((c) => {
      const [type, field] = c.split('.');
      const real = type === 'Query' ? schema.queryType.name : type === 'Mutation' ? schema.mutationType?.name : type;
      return !real || !fieldsOf(real).has(field);
    });
    expect(stale.map((c) => `${c} is in the access table but not in the composed graph`)).toEqual([]);

    const wrong: string[] = [];
    let calls = 0;
    // Callers one after another (an admin's mutation must not change what an operator is refused);
    // each caller's operations in parallel batches.
    for (const caller of CALLERS) {
      const results = await inBatches(ops, 12, async (op) => ({ op, ...(await callGraphql(op, caller)) }));
      calls += results.length;
      for (const { op, outcome, codes } of results) {
        const want = expected(GRAPHQL_ACCESS[op.coordinate].who, caller);
        if (outcome !== want)
          wrong.push(`${op.coordinate} as ${caller}: expected ${want}, got ${outcome} (${codes.join(', ') || 'no error'})`);
      }
    }
    expect(wrong).toEqual([]);
    process.stdout.write(`authorization: ${ops.length} GraphQL operations, ${calls} calls checked\n`);
  });

  it('REST: every route every app serves has a role decision, and each caller gets exactly it', async () => {
    const apps = {
      tracking: mes.trackingUrl,
      'test-data': mes.testDataUrl,
      process: mes.processUrl,
      assembly: mes.assemblyUrl,
      gateway: mes.graphqlUrl,
    };
    const served: { app: string; route: string }[] = [];
    for (const [app, graphqlUrl] of Object.entries(apps)) {
      const list = await fetch(new URL('/health/routes', graphqlUrl));
      expect(list.status).toBe(200);
      for (const r of ((await list.json()) as { routes: { method: string; path: string }[] }).routes)
        served.push({ app, route: `${r.method} ${r.path}` });
    }
    const undecided = served
      .filter((s) => !REST_ACCESS[s.route] && !SERVICE_ROUTES.includes(s.route))
      .map((s) => `add a role decision for REST ${s.route} (${s.app})`);
    expect(undecided).toEqual([]);
    const stale = Object.keys(REST_ACCESS).filter((r) => !served.some((s) => s.route === r));
    expect(stale.map((r) => `${r} is in the access table but no app serves it`)).toEqual([]);
    for (const s of served.filter((x) => REST_ACCESS[x.route]))
      expect(`${s.route}: ${s.app}`).toBe(`${s.route}: ${REST_ACCESS[s.route].owner}`);

    // Machine keys: a rig at a SHEET_TEST, a STACK_TEST and an INSPECTION station, and an equipment key.
    const stations = (await mes.admin.ok<{ stations: { code: string; operation: string }[] }>('{ stations { code operation } }')).stations;
    const rigKeys: string[] = [];
    for (const operation of ['SHEET_TEST', 'STACK_TEST', 'INSPECTION']) {
      const station = stations.find((s) => s.operation === operation);
      if (!station) throw new Error(`the demo line has no ${operation} station to register a rig at`);
      const reg = await mes.admin.ok<{ registerRig: { apiKey: string } }>(
        'mutation($n: String!, $s: String!) { registerRig(name: $n, stationCode: $s) { apiKey } }',
        {
          n: `AUTHZ ${operation}`,
          s: station.code,
        },
      );
      rigKeys.push(reg.registerRig.apiKey);
    }
    const equipmentKey = (
      await mes.admin.ok<{ issueEquipmentKey: { apiKey: string } }>('mutation { issueEquipmentKey(equipmentCode: "SPT-LCO-1") { apiKey } }')
    ).issueEquipmentKey.apiKey;

    const call = async (route: string, headers: Record<string, string>): Promise<number> => {
      const [method, path] = route.split(' ');
      const url = `${mes.gatewayUrl}${path.replace(/:\w+/g, 'AUTHZ1').replace(/\*\w+/, 'no-such-route')}`;
      const verb = method === 'ALL' ? 'GET' : method;
      const abort = new AbortController();
      const res = await fetch(url, {
        method: verb,
        headers: { ...headers, ...(verb === 'POST' ? { 'content-type': 'application/json' } : {}) },
        body: verb === 'POST' ? '{}' : undefined,
        signal: abort.signal,
      });
      abort.abort(); // a server-sent event stream never ends on its own: the status is all that counts
      return res.status;
    };
    const refused = (status: number) => status === 401 || status === 403;
    const wrong: string[] = [];
    const routes = Object.keys(REST_ACCESS);
    let calls = 0;
    for (const caller of CALLERS) {
      const token = tokens.get(caller);
      const statuses = await inBatches(routes, 8, (r) => call(r, token ? { authorization: `Bearer ${token}` } : {}));
      calls += statuses.length;
      routes.forEach((route, i) => {
        const who = REST_ACCESS[route].who;
        const status = statuses[i];
        // A machine's route refuses every person, with or without a token.
        const want =
          who === 'RIG_KEY' || who === 'EQUIPMENT_KEY' ? (caller === 'anonymous' ? 'UNAUTHENTICATED' : 'refused') : expected(who, caller);
        const got = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'let in';
        const ok = want === 'refused' ? refused(status) : got === want;
        if (!ok) wrong.push(`${route} as ${caller}: expected ${want}, got HTTP ${status}`);
      });
    }
    for (const route of routes) {
      const who = REST_ACCESS[route].who;
      if (who !== 'RIG_KEY' && who !== 'EQUIPMENT_KEY') continue;
      const keys = who === 'RIG_KEY' ? rigKeys : [equipmentKey];
      const statuses = await Promise.all(keys.map((k) => call(route, { 'x-api-key': k })));
      calls += statuses.length;
      if (statuses.every(refused)) wrong.push(`${route} with a valid ${who}: expected let in, got HTTP ${statuses.join(', ')}`);
    }
    for (const [app, graphqlUrl] of Object.entries(apps))
      for (const route of SERVICE_ROUTES) {
        const status = (await fetch(new URL(route.split(' ')[1], graphqlUrl))).status;
        calls++;
        if (status !== 200) wrong.push(`${route} of ${app}: expected 200 without credentials, got ${status}`);
      }
    expect(wrong).toEqual([]);
    process.stdout.write(`authorization: ${served.length} REST routes served, ${calls} calls checked\n`);
  });
});
