import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** A TCP port nothing listens on right now (for an app started by a test). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Wait until `url` answers 2xx; fails fast when the child process exits first. */
export async function waitHealthy(url: string, child: ChildProcess, attempts = 400): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become healthy`);
}

/** SIGTERM and wait for the exit (at once when it already exited). */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The repository root (libs/testing/src is three levels down). */
const ROOT = path.resolve(__dirname, '../../..');

/**
 * Start one app of the MES the way `npm start` does: alone in its own process, its `main.ts` run
 * through swc (it migrates its schema at start). Test stacks start the app they test this way, so they
 * import no app code (a testing library may not) and two code-first GraphQL apps never share a process.
 */
export function spawnApp(name: 'tracking' | 'test-data' | 'process' | 'assembly', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, `apps/${name}/src/main.ts`)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'error', SWC_NODE_SOURCE_MAP_MODE: 'inline', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A suite whose start timed out never gets the stack to close: the app must not outlive the test run.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  child.unref();
  return child;
}

/** How long a suite may take to start a test stack: its apps start as processes (swc, migrations, the demo seed), slower than one test on a busy machine. */
export const STACK_START_MS = 180_000;
