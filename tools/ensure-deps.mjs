// Installs the npm dependencies when they are missing or older than package-lock.json.
// Plain JavaScript on purpose: it runs before anything (swc, TypeScript) is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  // `npm install`, not `npm ci`: the lock file holds only the platform packages (swc, esbuild...)
  // that the registry here serves, and `npm ci` refuses a lock file without the others.
  // `npm install` still installs exactly the locked versions.
  const cmd = ['install', '--no-audit', '--no-fund'];
  process.stdout.write('Installing dependencies (npm install); the first time takes a minute or two...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`npm ${cmd[0]} failed (exit ${result.status}); fix the error above and run the command again\n`);
    process.exit(result.status ?? 1);
  }
}

/** Run a TypeScript entry point through swc in a child process, forwarding Ctrl-C; resolves to its exit code. */
export function runTs(entry, args = [], env = process.env) {
  return new Promise((resolve) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, entry), ...args], {
        cwd: root,
        stdio: 'inherit',
        env,
      });
      const forward = (sig) => child.kill(sig);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
    });
  });
}
