import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function runApp(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(root, entry)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', MES_JWT_SECRET: 'x'.repeat(40), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('start-up configuration', () => {
  it.each(['apps/tracking/src/main.ts', 'apps/gateway/src/main.ts'])('%s stops with one clear line for a wrong DATABASE_URL', (entry) => {
    const result = runApp(entry, { DATABASE_URL: 'mysql://root@localhost/mes' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: DATABASE_URL ("mysql://root@localhost/mes"): expected a postgres:// or postgresql:// URL',
    ]);
  });

  it('names a missing signing secret', () => {
    const result = runApp('apps/tracking/src/main.ts', { MES_JWT_SECRET: '' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: MES_JWT_SECRET (""): must be at least 32 characters');
  });
});
