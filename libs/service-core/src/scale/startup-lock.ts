import { Client } from 'pg';

/**
 * Run `fn` while holding a PostgreSQL session advisory lock named `name`, so replicas starting
 * together (several pods of one deployment) migrate and seed one after the other instead of racing:
 * the second finds the work done. The lock lives on its own connection and ends with it, so a
 * replica that dies while holding it does not block the others.
 */
export async function withStartupLock<T>(databaseUrl: string, name: string, fn: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl, application_name: `mes-startup-lock` });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`mes-startup:${name}`]);
    return await fn();
  } finally {
    await client.end().catch(() => undefined); // ending the session releases the lock
  }
}
