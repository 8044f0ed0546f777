import { randomBytes } from 'node:crypto';
import { loadConfig, type MesConfig } from '@mes/config';

export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** A validated config for a test stack on a database of its own, on free ports. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): MesConfig {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    MES_JWT_SECRET: randomBytes(32).toString('hex'),
    MES_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    PORT: '0',
    TRACKING_PORT: '0',
    LOG_LEVEL: 'error',
    ...overrides,
  });
}

/** The password roleUsers gives the users it creates (operator1, engineer1, admin1). */
export const TEST_USER_PASSWORD = 'password-123';

/**
 * The GraphQL argument of an electronic signature (releaseHold, releaseRuleSet, releaseRecipe) by
 * the signed-in user: by default the test admin, approving.
 */
export function signatureArg(password = TEST_ADMIN_PASSWORD, meaning: 'APPROVED' | 'REVIEWED' | 'RESPONSIBLE' = 'APPROVED'): string {
  return `signature: { password: ${JSON.stringify(password)}, meaning: ${meaning} }`;
}
