import { CLIENT_ADDRESS_HEADER } from '@mes/auth';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import { startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

/** Failed logins are counted in PostgreSQL per username and per client address (15 minutes: 5 and 20). */
describe('login throttle (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  beforeAll(async () => {
    stack = await startTrackingTestStack('login_throttle', { seedDemo: false });
    await stack.userClient('OPERATOR'); // operator1, password-123
  });
  afterAll(() => stack.close());

  /** A login as the gateway passes it on: with the client's address in its header. */
  async function login(username: string, password: string, address: string) {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: address },
      body: JSON.stringify({
        query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
        variables: { u: username, p: password },
      }),
    });
    const body = (await res.json()) as {
      data?: { login: { token: string } } | null;
      errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[];
    };
    return { token: body.data?.login.token, error: body.errors?.[0] };
  }
  const failures = async (column: 'username' | 'address', value: string) =>
    Number((await stack.query<{ n: string }>(`SELECT count(*) AS n FROM tracking.login_failures WHERE ${column} = $1`, [value]))[0].n);

  it('refuses a username after five failures, even with the right password, and says how long to wait', async () => {
    const firstFailure = Date.now();
    for (let i = 0; i < 5; i++)
      expect((await login('operator1', `wrong-${i}`, '10.0.0.1')).error?.extensions?.code).toBe('UNAUTHENTICATED');
    const refused = await login('operator1', 'password-123', '10.0.0.2');
    const elapsedS = (Date.now() - firstFailure) / 1000;
    expect(refused.token).toBeUndefined();
    expect(refused.error?.extensions?.code).toBe('TOO_MANY_REQUESTS');
    // Until the first failure is 15 minutes old.
    const wait = refused.error?.extensions?.retryAfterSeconds ?? 0;
    expect(wait).toBeGreaterThanOrEqual(Math.floor(900 - elapsedS));
    expect(wait).toBeLessThanOrEqual(900);
    expect(refused.error?.message).toBe(`Too many failed logins for user operator1 (5 in 15 minutes): try again in ${wait} seconds`);
    // A refused attempt is not a failure: the wait does not grow with every try.
    expect(await failures('username', 'operator1')).toBe(5);
    // Other users, from the same address, are not affected.
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.1')).token).toEqual(expect.any(String));
    const audit = await stack.admin.ok<{ auditTrail: { action: string; entityKey: string }[] }>(
      '{ auditTrail(entityType: "User", limit: 3) { action entityKey } }',
    );
    expect(audit.auditTrail.map((a) => a.action)).toEqual(['LOGIN', 'LOGIN_THROTTLED', 'LOGIN_FAILED']);
  });

  /** Failures recorded earlier (each real one costs an argon2 hash: seconds on a busy machine). */
  async function earlierFailures(n: number, username: (i: number) => string, address: string): Promise<void> {
    for (let i = 0; i < n; i++)
      await stack.query(`INSERT INTO tracking.login_failures (username, address, failed_at) VALUES ($1, $2, now() - interval '1 minute')`, [
        username(i),
        address,
      ]);
  }

  it('refuses an address after twenty failures, whichever usernames it tried', async () => {
    await earlierFailures(19, (i) => `guess${i}`, '10.0.0.9');
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.9')).token).toEqual(expect.any(String)); // 19: still allowed
    expect((await login('guess19', 'nope-nope', '10.0.0.9')).error?.extensions?.code).toBe('UNAUTHENTICATED');
    const refused = await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.9');
    expect(refused.error?.extensions?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.error?.message).toMatch(/^Too many failed logins for this address \(20 in 15 minutes\): try again in \d+ seconds$/);
    expect((await login('admin', TEST_ADMIN_PASSWORD, '10.0.0.10')).token).toEqual(expect.any(String));
  });

  it("clears a username's failures when it logs in, and counts none older than 15 minutes", async () => {
    await stack.admin.ok('mutation { createUser(input: { username: "clumsy", password: "password-123", role: OPERATOR }) { id } }');
    await earlierFailures(4, () => 'clumsy', '10.0.1.1');
    expect((await login('clumsy', 'password-123', '10.0.1.1')).token).toEqual(expect.any(String));
    expect(await failures('username', 'clumsy')).toBe(0);
    await stack.query(
      `INSERT INTO tracking.login_failures (username, address, failed_at) SELECT 'clumsy', '10.0.1.1', now() - interval '16 minutes' FROM generate_series(1, 5)`,
    );
    expect((await login('clumsy', 'password-123', '10.0.1.1')).token).toEqual(expect.any(String));
  });
});
