import 'reflect-metadata'; // the migrations' entities carry decorator metadata (jest's setupFiles do not run before a globalSetup)
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Config } from '@jest/types';
import { startMesProcesses, type AppName, type MesProcesses } from './mes-processes';
import { SHARED_MES_ENV, snapshotDatabase, type SharedMesInfo } from './shared-mes';

/** Where globalTeardown finds the MES this setup started (jest runs both in its own outer context). */
export const SHARED_MES_HANDLE = Symbol.for('mes.test.sharedMes');

const APPS: AppName[] = ['tracking', 'test-data', 'process', 'assembly', 'binning-worker', 'gateway'];

async function untilHealthy(url: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer /health within 5 minutes of its restart`);
}

/**
 * The shared MES's apps are children of this (jest's) process: specs stop, kill and start them
 * through this loopback server (a spec runs in a context of its own, in band or in a jest worker).
 * POST /apps/<name>/stop|kill|start, GET /exited, POST /revive (starts every exited app again and
 * waits until each answers, so a spec that left an app down does not leave it down for the next),
 * GET /subgraph-calls and POST /subgraph-calls/reset.
 */
function controlServer(mes: MesProcesses): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const act = async (): Promise<unknown> => {
      const m = /^\/apps\/([a-z-]+)\/(stop|kill|start)$/.exec(req.url ?? '');
      if (req.method === 'POST' && m && APPS.includes(m[1] as AppName)) {
        const app = m[1] as AppName;
        if (m[2] === 'stop') await mes.stopApp(app);
        else if (m[2] === 'kill') await mes.killApp(app);
        else mes.startApp(app);
        return { app, done: m[2] };
      }
      if (req.method === 'GET' && req.url === '/exited') return mes.exited();
      if (req.method === 'GET' && req.url === '/subgraph-calls') return mes.subgraphCalls();
      if (req.method === 'POST' && req.url === '/subgraph-calls/reset') return mes.resetSubgraphCalls();
      if (req.method === 'POST' && req.url === '/revive') {
        const down = mes.exited();
        for (const app of down) mes.startApp(app);
        await Promise.all(down.map((app) => untilHealthy(mes.appUrls[app])));
        return down;
      }
      throw Object.assign(new Error(`no such control: ${req.method} ${req.url}`), { status: 404 });
    };
    act().then(
      (body) => answer(200, body ?? null),
      (e: Error & { status?: number }) => answer(e.status ?? 500, { error: e.message }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The spec files of this project that this run selects (the path patterns given to jest, or all). */
function selectedSpecs(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): string[] {
  const dir = path.join(projectConfig.rootDir, 'tests');
  const suffix = projectConfig.displayName?.name === 'browser' ? '.browser-spec.ts' : '.system-spec.ts';
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
  const patterns = globalConfig.testPathPatterns;
  if (!patterns?.isSet()) return files;
  const executor = patterns.toExecutor({ rootDir: projectConfig.rootDir });
  return files.filter((f) => executor.isMatch(f));
}

/**
 * globalSetup of the system and browser tiers: starts the shared MES when a selected spec uses it
 * (tests/support/shared-mes.ts), and tells the specs where it is through the environment.
 */
export default async function setup(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): Promise<void> {
  if (process.env[SHARED_MES_ENV]) return; // already started by the other tier's setup in this run
  const users = selectedSpecs(globalConfig, projectConfig).filter((f) => readFileSync(f, 'utf8').includes('useSharedMes('));
  if (users.length === 0) return;
  const started = Date.now();
  // With the counting proxies (a loopback pass-through per subgraph), so the graph spec can share it too.
  const mes: MesProcesses = await startMesProcesses(
    `shared_${projectConfig.displayName?.name ?? 'tier'}`,
    {},
    { countSubgraphCalls: true },
  );
  await snapshotDatabase(mes.db.url);
  const control = await controlServer(mes);
  (globalThis as Record<symbol, unknown>)[SHARED_MES_HANDLE] = { mes, control };
  const info: SharedMesInfo = {
    gatewayUrl: mes.gatewayUrl,
    trackingUrl: mes.trackingUrl,
    testDataUrl: mes.testDataUrl,
    processUrl: mes.processUrl,
    assemblyUrl: mes.assemblyUrl,
    appUrls: mes.appUrls,
    dbUrl: mes.db.url,
    dbName: mes.db.name,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: `t-${mes.db.name}`, // as startMesProcesses sets BULLMQ_PREFIX
    controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  };
  process.env[SHARED_MES_ENV] = JSON.stringify(info);
  process.stdout.write(`\nshared MES for ${users.length} spec files started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
