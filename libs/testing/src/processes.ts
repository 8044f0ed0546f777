import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/**
 * Ports handed out are taken from below the kernel's ephemeral range (32768-60999 on Linux), not by
 * listening on port 0: a port from that range can be taken by any outgoing connection (a pool's
 * socket to PostgreSQL, say) between this check and the app's listen, which once failed a CI run with
 * EADDRINUSE. Below the range only another listener can take it, so each port is picked at random,
 * checked by binding it, and never handed out twice by one process.
 */
const PORT_FLOOR = 20_000;
const PORT_CEILING = 32_767;
const handedOut = new Set<number>();

/** A port nothing listens on now, for a server a test starts (see above). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_FLOOR + Math.floor(Math.random() * (PORT_CEILING - PORT_FLOOR + 1));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${PORT_FLOOR} and ${PORT_CEILING} after 200 tries`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
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
