import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@mes/testing';

/**
 * A Redis and a PostgreSQL of a drill's own, on free ports, that the drill may kill and start again:
 * the shared ones on 6379 and 5432 serve every other suite on this machine and are never touched.
 */

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(300, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up`);
}

export interface OwnRedis {
  url: string;
  /** SIGKILL: what was not yet in the append-only file (or everything, without one) is lost. */
  kill(): Promise<void>;
  /** Start again on the same port and data directory; `empty`: as a Redis without persistence comes back. */
  start(options?: { empty?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnRedis(options: { appendOnly: boolean }): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mes-drill-redis-'));
  let child: ChildProcess | null = null;
  const start = async ({ empty = false } = {}) => {
    if (empty) for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        options.appendOnly ? 'yes' : 'no',
        '--appendfsync',
        'everysec',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(`redis-server on ${port}`, () => answers(port));
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnPostgres {
  /** The server's URL (database postgres), for createTestDatabase through MES_TEST_DATABASE_URL. */
  url: string;
  /** pg_ctl stop -m fast: every connection is cut, as in a restart of the database server. */
  stop(): void;
  start(): Promise<void>;
  close(): void;
}

function pgBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** A cluster made with initdb and run with pg_ctl as the postgres OS user (the server refuses to run as root). */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = pgBin();
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mes-drill-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'ignore', timeout: 120_000 });
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  const start = async () => {
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
    await waitFor(`postgres on ${port}`, () => answers(port));
  };
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    close() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OwnRedisCluster {
  /** One node's URL: a cluster client finds the others from it (REDIS_MODE=cluster). */
  url: string;
  ports: number[];
  close(): Promise<void>;
}

/**
 * A Redis Cluster of three masters (no replicas) on free loopback ports, made with the system
 * redis-server and `redis-cli --cluster create`; ready once every node reports cluster_state:ok.
 */
export async function startOwnRedisCluster(): Promise<OwnRedisCluster> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mes-redis-cluster-'));
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--dbfilename',
        `dump-${port}.rdb`,
        '--save',
        '',
        '--appendonly',
        'no',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '5000',
      ],
      { stdio: 'ignore' },
    ),
  );
  const close = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(`redis-server on ${port}`, () => answers(port));
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    const clusterOk = (port: number) =>
      execFileSync('redis-cli', ['-p', String(port), 'cluster', 'info'])
        .toString()
        .includes('cluster_state:ok');
    await waitFor('the Redis Cluster', async () => ports.every(clusterOk));
  } catch (e) {
    await close();
    throw e;
  }
  return { url: `redis://127.0.0.1:${ports[0]}`, ports, close };
}

export interface OwnReplica {
  port: number;
  /** The replica's URL (database postgres); read-only: a hot standby refuses every write. */
  url: string;
  close(): void;
}

/**
 * A streaming hot standby of `primary`, made with pg_basebackup (-R writes the primary's connection
 * into the copy) and run on a port of its own. The primary's default pg_hba of an initdb with
 * --auth=trust lets loopback replication connections in.
 */
export async function startOwnReplica(primary: OwnPostgres): Promise<OwnReplica> {
  const bin = pgBin();
  const primaryPort = Number(new URL(primary.url).port);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mes-drill-replica-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'ignore', timeout: 300_000 });
  asPostgres('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primaryPort),
    '-U',
    'postgres',
    '-D',
    data,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
  ]);
  asPostgres('pg_ctl', [
    '-D',
    data,
    '-l',
    path.join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on`,
    'start',
  ]);
  await waitFor(`replica on ${port}`, () => answers(port));
  const stop = () => asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    close() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
