/**
 * `npm test`: make sure PostgreSQL and Redis answer (starting local ones as `npm start` does), then
 * run the three jest tiers. Integration and system suites create and drop databases of their own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensurePostgres, ensureRedis, type LocalService } from './local-services';

const root = path.resolve(__dirname, '../..');
const dataDir = path.join(root, '.data');

async function main(): Promise<number> {
  const databaseUrl = process.env.MES_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const services: LocalService[] = [await ensurePostgres(databaseUrl, dataDir), await ensureRedis(redisUrl, dataDir)];
  try {
    const jest = require.resolve('jest/bin/jest');
    const args = [jest, '--ci', ...process.argv.slice(2)];
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, MES_TEST_DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } });
      process.on('SIGINT', () => child.kill('SIGINT'));
      child.on('exit', (c) => resolve(c ?? 1));
    });
    return code;
  } finally {
    for (const s of services) if (s.startedHere) await s.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`npm test could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
