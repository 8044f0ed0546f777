import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  appLogOutput,
  closeAppLogOutput,
  createTestDatabase,
  freePort,
  GraphqlClient,
  stopProcess as stop,
  TEST_ADMIN_PASSWORD,
  waitHealthy,
  type TestDatabase,
} from '@mes/testing';
import { migrateTestData } from '@mes/test-data';
import { migrateAssembly } from '@mes/assembly-service';
import { migrateProcess } from '@mes/process-service';
import { migrateTracking } from '@mes/tracking';
import { startCountingProxy, type CountingProxy } from './counting-proxy';

const root = path.resolve(__dirname, '../..');
/** Health polls (250 ms apart) an app gets to start: five minutes, for a machine busy with other suites. */
const STARTUP_ATTEMPTS = 1200;

export type AppName = 'tracking' | 'test-data' | 'process' | 'assembly' | 'binning-worker' | 'gateway';
export type SubgraphName = 'tracking' | 'test-data' | 'process' | 'assembly';

export interface MesOptions {
  /**
   * Put a counting pass-through proxy between the gateway and each subgraph (the services still call
   * each other directly), so a test can see how many subgraph requests an operation costs.
   */
  countSubgraphCalls?: boolean;
  /** Keep what each app writes to standard output (its log lines), for logsOf. */
  captureLogs?: boolean;
  /** Extra node flags for every app (a bench's `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
  /** The port of a streaming replica of the suite's PostgreSQL: DATABASE_READ_URL names the suite's database there. */
  readReplicaPort?: number;
  /** Processes of each subgraph (as `npm start --replicas`); the gateway spreads over them. Default 1. */
  replicas?: number;
  /** Binning workers (as `npm start --workers`). Default 1. */
  workers?: number;
  /** A database to run on instead of a new one (migrated at start; close() calls its drop, which may keep it). */
  database?: TestDatabase;
}

export interface MesProcesses {
  gatewayUrl: string;
  graphqlUrl: string;
  trackingUrl: string;
  testDataUrl: string;
  processUrl: string;
  assemblyUrl: string;
  admin: GraphqlClient;
  db: TestDatabase;
  stopApp(name: AppName): Promise<void>;
  /** SIGKILL: the process dies at once, mid-job if it has one. */
  killApp(name: AppName): Promise<void>;
  /** GraphQL requests the gateway sent each subgraph since the start or the last reset (countSubgraphCalls only). */
  subgraphCalls(): Promise<Record<SubgraphName, number>>;
  /** Each app's own address (http://127.0.0.1:port), where it answers /health and /metrics. */
  appUrls: Record<AppName, string>;
  /** What an app wrote to standard output so far (captureLogs only). */
  logsOf(name: AppName): string;
  resetSubgraphCalls(): Promise<void>;
  /** Start an app again (after stopApp or killApp). */
  startApp(name: AppName): void;
  /** Apps whose process has exited (stopped, killed or crashed). */
  exited(): AppName[];
  /** Each replica's own address (http://127.0.0.1:port) by subgraph, the first as in appUrls. */
  replicaUrls: Record<SubgraphName, string[]>;
  close(): Promise<void>;
}

function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

/**
 * Every app process this test file started and that has not exited. A suite whose start outlived its
 * hook's timeout never gets a MesProcesses to close, and its six apps went on running (and taking the
 * CPU) through the rest of the test run; they are killed after the file's tests, or when the run exits.
 */
const liveApps = new Set<ChildProcess>();
/** Apps a spec, close() or this cleanup stopped or killed on purpose (any other exit is reported). */
const stopsAsked = new WeakSet<ChildProcess>();
const killLiveApps = () => {
  for (const child of liveApps) {
    stopsAsked.add(child);
    child.kill('SIGKILL');
  }
};
if (typeof afterAll === 'function') afterAll(killLiveApps); // a jest test file (benches import this too)
process.once('exit', killLiveApps);

/**
 * The MES as separate processes, as npm start runs it (each NestJS app alone in its process, as in
 * production: two code-first GraphQL apps in one process would share one type registry), on a
 * database of its own, free ports and a queue prefix of its own.
 */
export async function startMesProcesses(
  label: string,
  extraEnv: Record<string, string> = {},
  options: MesOptions = {},
): Promise<MesProcesses> {
  const db = options.database ?? (await createTestDatabase(label));
  await migrateTracking(db.url);
  await migrateTestData(db.url);
  await migrateProcess(db.url);
  await migrateAssembly(db.url);
  const [port, trackingPort, testDataPort, processPort, assemblyPort, workerPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  // npm start leaves NODE_ENV unset (jest sets it to test, which would hide what a user sees, such as
  // Apollo's stack traces): the apps run here as they run there.
  const parentEnv = { ...process.env };
  delete parentEnv.NODE_ENV;
  const env = {
    ...parentEnv,
    DATABASE_URL: db.url,
    PORT: String(port),
    TRACKING_PORT: String(trackingPort),
    TEST_DATA_PORT: String(testDataPort),
    PROCESS_PORT: String(processPort),
    ASSEMBLY_PORT: String(assemblyPort),
    BINNING_WORKER_PORT: String(workerPort),
    MES_JWT_SECRET: randomBytes(32).toString('hex'),
    MES_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    MES_SEED_DEMO: 'true',
    BULLMQ_PREFIX: `t-${db.name}`,
    LOG_LEVEL: 'error',
    SWC_NODE_SOURCE_MAP_MODE: 'inline', // as npm start runs the apps (tools/dev/start-mes.ts)
    ...(options.readReplicaPort ? { DATABASE_READ_URL: withPort(db.url, options.readReplicaPort) } : {}),
    ...extraEnv,
  };
  const replicas = options.replicas ?? 1;
  const extraPorts: Record<SubgraphName, number[]> = { tracking: [], 'test-data': [], process: [], assembly: [] };
  for (let k = 1; k < replicas; k++) for (const name of Object.keys(extraPorts) as SubgraphName[]) extraPorts[name].push(await freePort());
  const portsOf = (name: SubgraphName, first: number) => [first, ...extraPorts[name]];
  const allPorts: Record<SubgraphName, number[]> = {
    tracking: portsOf('tracking', trackingPort),
    'test-data': portsOf('test-data', testDataPort),
    process: portsOf('process', processPort),
    assembly: portsOf('assembly', assemblyPort),
  };
  /** Every subgraph's replica URLs starting at replica k (replica k's own calls go to replica k of the others). */
  const urlEnv = (k: number): Record<string, string> =>
    replicas === 1
      ? {}
      : Object.fromEntries(
          (
            [
              ['tracking', 'TRACKING_URL'],
              ['test-data', 'TEST_DATA_URL'],
              ['process', 'PROCESS_URL'],
              ['assembly', 'ASSEMBLY_URL'],
            ] as const
          ).map(([name, v]) => [
            v,
            allPorts[name].map((_, i) => `http://127.0.0.1:${allPorts[name][(k + i) % replicas]}/graphql`).join(','),
          ]),
        );
  const portVar: Record<SubgraphName, string> = {
    tracking: 'TRACKING_PORT',
    'test-data': 'TEST_DATA_PORT',
    process: 'PROCESS_PORT',
    assembly: 'ASSEMBLY_PORT',
  };
  const proxies = new Map<SubgraphName, CountingProxy>();
  if (options.countSubgraphCalls) {
    for (const [name, p] of [
      ['tracking', trackingPort],
      ['test-data', testDataPort],
      ['process', processPort],
      ['assembly', assemblyPort],
    ] as const)
      proxies.set(name, await startCountingProxy(`http://127.0.0.1:${p}`));
  }
  const gatewayEnv = options.countSubgraphCalls
    ? {
        ...env,
        TRACKING_URL: `${proxies.get('tracking')?.origin}/graphql`,
        TEST_DATA_URL: `${proxies.get('test-data')?.origin}/graphql`,
        PROCESS_URL: `${proxies.get('process')?.origin}/graphql`,
        ASSEMBLY_URL: `${proxies.get('assembly')?.origin}/graphql`,
      }
    : { ...env, ...urlEnv(0) };
  const closeProxies = () => Promise.all([...proxies.values()].map((p) => p.close()));
  const children = new Map<AppName, ChildProcess>();
  const stopAsked = (child: ChildProcess | undefined) => {
    if (child) stopsAsked.add(child);
    return stop(child as ChildProcess);
  };
  const logs = new Map<AppName, string[]>();
  /** One app process, killed with the file's tests when nothing stops it first. */
  const launch = (name: AppName, appEnv: NodeJS.ProcessEnv, stdout: 'pipe' | 'log') => {
    // Not kept for logsOf: to the run's log directory, where a failing call finds its errorId (serverLogLines).
    const out = stdout === 'pipe' ? 'pipe' : appLogOutput(db.name, name);
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), '-r', '@swc-node/register', path.join(root, `apps/${name}/src/main.ts`)],
      { cwd: root, env: appEnv, stdio: ['ignore', out, 'inherit'] },
    );
    if (out !== 'pipe') closeAppLogOutput(out);
    liveApps.add(child);
    child.once('exit', (code, signal) => {
      liveApps.delete(child);
      // An app that dies unasked fails whatever spec comes next in ways that hide why: say so where CI shows it.
      if (!stopsAsked.has(child))
        process.stderr.write(`\nMES app ${name} (pid ${child.pid}) exited on its own: ${signal ?? `exit code ${code}`}\n`);
    });
    return child;
  };
  const spawnApp = (name: AppName) => {
    const child = launch(name, name === 'gateway' ? gatewayEnv : env, options.captureLogs ? 'pipe' : 'log');
    if (options.captureLogs) {
      const kept = logs.get(name) ?? [];
      logs.set(name, kept);
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => kept.push(chunk));
    }
    children.set(name, child);
    return child;
  };
  // Further replicas and workers: started once the first of each has migrated and seeded.
  const extras: ChildProcess[] = [];
  const spawnExtra = (name: AppName, extraEnv: Record<string, string>) => {
    const child = launch(name, { ...env, ...extraEnv }, 'log');
    extras.push(child);
    return child;
  };
  try {
    // Tracking first (it seeds the demo line the others' seeds refer to); then the other subgraphs and
    // the worker together, each awaited healthy (none needs another at start: about a third off every system spec's start);
    // the gateway last, since it composes the subgraphs' schemas.
    await waitHealthy(`http://127.0.0.1:${trackingPort}/health`, spawnApp('tracking'), STARTUP_ATTEMPTS);
    await Promise.all([
      waitHealthy(`http://127.0.0.1:${workerPort}/health`, spawnApp('binning-worker'), STARTUP_ATTEMPTS),
      waitHealthy(`http://127.0.0.1:${testDataPort}/health`, spawnApp('test-data'), STARTUP_ATTEMPTS),
      waitHealthy(`http://127.0.0.1:${processPort}/health`, spawnApp('process'), STARTUP_ATTEMPTS),
      waitHealthy(`http://127.0.0.1:${assemblyPort}/health`, spawnApp('assembly'), STARTUP_ATTEMPTS),
    ]);
    const starting: Promise<unknown>[] = [];
    for (let k = 1; k < replicas; k++)
      for (const name of ['tracking', 'test-data', 'process', 'assembly'] as const) {
        const p = allPorts[name][k];
        starting.push(
          waitHealthy(`http://127.0.0.1:${p}/health`, spawnExtra(name, { ...urlEnv(k), [portVar[name]]: String(p) }), STARTUP_ATTEMPTS),
        );
      }
    await Promise.all(starting);
    for (let w = 1; w < (options.workers ?? 1); w++) spawnExtra('binning-worker', { ...urlEnv(w % replicas), BINNING_WORKER_PORT: '0' });
    await waitHealthy(`http://127.0.0.1:${port}/health`, spawnApp('gateway'), STARTUP_ATTEMPTS);
  } catch (e) {
    await Promise.all([...children.values(), ...extras].map(stopAsked));
    await closeProxies();
    await db.drop();
    throw e;
  }
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const admin = await new GraphqlClient(`${gatewayUrl}/graphql`).login('admin', TEST_ADMIN_PASSWORD);
  let closed = false;
  return {
    gatewayUrl,
    graphqlUrl: `${gatewayUrl}/graphql`,
    trackingUrl: `http://127.0.0.1:${trackingPort}/graphql`,
    testDataUrl: `http://127.0.0.1:${testDataPort}/graphql`,
    processUrl: `http://127.0.0.1:${processPort}/graphql`,
    assemblyUrl: `http://127.0.0.1:${assemblyPort}/graphql`,
    admin,
    db,
    stopApp: async (name) => stopAsked(children.get(name)),
    killApp: (name) =>
      new Promise<void>((resolve) => {
        const child = children.get(name) as ChildProcess;
        stopsAsked.add(child);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    subgraphCalls: async () =>
      Object.fromEntries(
        (['tracking', 'test-data', 'process', 'assembly'] as const).map((n) => [n, proxies.get(n)?.graphqlCalls() ?? 0]),
      ) as Record<SubgraphName, number>,
    resetSubgraphCalls: async () => proxies.forEach((p) => p.reset()),
    appUrls: {
      gateway: gatewayUrl,
      tracking: `http://127.0.0.1:${trackingPort}`,
      'test-data': `http://127.0.0.1:${testDataPort}`,
      process: `http://127.0.0.1:${processPort}`,
      assembly: `http://127.0.0.1:${assemblyPort}`,
      'binning-worker': `http://127.0.0.1:${workerPort}`,
    },
    logsOf: (name) => (logs.get(name) ?? []).join(''),
    startApp: (name) => void spawnApp(name),
    replicaUrls: Object.fromEntries(
      (Object.keys(allPorts) as SubgraphName[]).map((n) => [n, allPorts[n].map((p) => `http://127.0.0.1:${p}`)]),
    ) as Record<SubgraphName, string[]>,
    exited: () => [...children].filter(([, c]) => c.exitCode !== null || c.signalCode !== null).map(([name]) => name),
    async close() {
      if (closed) return;
      closed = true;
      await stopAsked(children.get('gateway'));
      await Promise.all(extras.map(stopAsked));
      for (const name of ['binning-worker', 'assembly', 'process', 'test-data', 'tracking'] as AppName[])
        await stopAsked(children.get(name));
      await closeProxies();
      await db.drop();
    },
  };
}
