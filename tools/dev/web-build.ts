/**
 * The web UI's build (apps/web -> apps/web/dist, served by the gateway at /): built when missing or
 * older than any of its sources, so npm start and the browser tests never serve a stale UI and
 * never need a dev server.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
export const WEB_DIR = path.join(root, 'apps/web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Why the UI must be built now, or null when dist is newer than every source (and the lock file). */
export function webBuildReason(): string | null {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return 'not built yet';
  const built = statSync(index).mtimeMs;
  const sources = [
    path.join(WEB_DIR, 'src'),
    path.join(WEB_DIR, 'index.html'),
    path.join(WEB_DIR, 'vite.config.ts'),
    path.join(root, 'package-lock.json'),
  ];
  const changed = sources.filter((s) => existsSync(s) && newestMtime(s) > built);
  return changed.length ? `sources changed since the last build (${changed.map((c) => path.relative(root, c)).join(', ')})` : null;
}

/** Build the UI with Vite when it is missing or stale; resolves once dist is current. */
export async function ensureWebBuilt(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const reason = webBuildReason();
  if (!reason) return;
  log(`Building the web UI (${reason})...`);
  const t0 = Date.now();
  // vite's package exports do not list its bin: find it beside its package.json.
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  let output = '';
  const code = await new Promise<number>((resolve) => {
    // NODE_ENV=production whatever the caller has (jest sets test): otherwise Vite bundles React's
    // development build, twice the size and slower.
    const child = spawn(process.execPath, [vite, 'build', WEB_DIR, '--logLevel', 'warn'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`the web UI did not build (vite exit ${code}):\n${output}`);
  log(`Web UI built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
