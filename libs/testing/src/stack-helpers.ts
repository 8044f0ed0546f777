import { Pool } from 'pg';
import { GraphqlClient } from './graphql-client';
import { TEST_USER_PASSWORD } from './test-config';

/** SQL on a test database through a small pool of its own: a test stack's `query`, and `end` at close. */
export function testSql(url: string): {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  end(): Promise<void>;
} {
  const pool = new Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined); // the drop at teardown (WITH FORCE) may end an idle connection first
  return {
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    end: () => pool.end(),
  };
}

/**
 * A user of each role, made on first use through tracking's createUser (`<role>1`, password-123)
 * and signed in at tracking; the client it gives talks to `clientUrl` with that user's token.
 */
export function roleUsers(
  trackingAdmin: GraphqlClient,
  trackingUrl: string,
  clientUrl: string,
): (role: 'ADMIN' | 'ENGINEER' | 'OPERATOR') => Promise<GraphqlClient> {
  const users = new Map<string, GraphqlClient>();
  return async (role) => {
    const existing = users.get(role);
    if (existing) return existing;
    const username = `${role.toLowerCase()}1`;
    await trackingAdmin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
      i: { username, password: TEST_USER_PASSWORD, role },
    });
    const signedIn = await new GraphqlClient(trackingUrl).login(username, TEST_USER_PASSWORD);
    const client = new GraphqlClient(clientUrl, signedIn.token);
    users.set(role, client);
    return client;
  };
}
