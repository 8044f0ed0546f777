import { GraphqlClient } from '@mes/testing';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

describe('auth (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  beforeAll(async () => {
    stack = await startTrackingTestStack('auth', { seedDemo: false });
  }, STACK_START_MS);
  afterAll(() => stack.close());

  it('logs in the bootstrap admin and says who is logged in', async () => {
    expect((await stack.admin.ok('{ me { username role } }')).me).toEqual({ username: 'admin', role: 'ADMIN' });
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const anon = new GraphqlClient(stack.url);
    const login = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
    const wrong = await anon.fails(login, { u: 'admin', p: 'not-the-password' });
    const unknown = await anon.fails(login, { u: 'nobody', p: 'whatever-123' });
    expect(wrong.extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknown.message).toBe(wrong.message);
    const audit = await stack.admin.ok('{ auditTrail(entityType: "User", limit: 3) { action entityKey } }');
    expect(audit.auditTrail.slice(0, 2)).toEqual([
      { action: 'LOGIN_FAILED', entityKey: 'nobody' },
      { action: 'LOGIN_FAILED', entityKey: 'admin' },
    ]);
  });

  it('needs a valid token for every operation but login', async () => {
    const none = await new GraphqlClient(stack.url).fails('{ stations { code } }');
    expect(none.extensions?.code).toBe('UNAUTHENTICATED');
    expect(none.message).toBe('Authentication required: send Authorization: Bearer <token> from the login mutation');
    const forged = await new GraphqlClient(stack.url, `${stack.admin.token}x`).fails('{ stations { code } }');
    expect(forged.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets only an admin create users, and the new user logs in with its role', async () => {
    const operator = await stack.userClient('OPERATOR');
    expect((await operator.ok('{ me { username role } }')).me).toEqual({ username: 'operator1', role: 'OPERATOR' });
    const denied = await operator.fails(
      'mutation { createUser(input: { username: "eve", password: "password-123", role: ADMIN }) { id } }',
    );
    expect(denied.extensions?.code).toBe('FORBIDDEN');
    expect(denied.message).toBe('createUser needs role ADMIN; operator1 has role OPERATOR');
    const bad = await stack.admin.fails(
      'mutation { createUser(input: { username: "Bad Name", password: "short", role: ENGINEER }) { id } }',
    );
    expect(bad.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.extensions?.details?.map((d) => d.path).sort()).toEqual(['input.password', 'input.username']);
    const dup = await stack.admin.fails(
      'mutation { createUser(input: { username: "operator1", password: "password-123", role: ENGINEER }) { id } }',
    );
    expect(dup.extensions?.code).toBe('CONFLICT');
  });

  it('keeps master data changes for engineers and admins', async () => {
    const operator = await stack.userClient('OPERATOR');
    const denied = await operator.fails(
      'mutation { createStation(input: { code: "X-1", name: "x", operation: "SHEET_TEST", lineCode: "R2R-1" }) { code } }',
    );
    expect(denied.extensions?.code).toBe('FORBIDDEN');
  });
});
