/**
 * `npm start`: PostgreSQL and Redis (found or started), the database and its migrations, the demo
 * line on an empty database, then every app as a child process. Ctrl-C stops all it started.
 * `--workers N` starts N binning workers, `--replicas M` M processes of each subgraph (tools/dev/replicas.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit, redactUrl } from '@mes/config';
import { migrateAssembly } from '@mes/assembly-service';
import { migrateProcess } from '@mes/process-service';
import { migrateTestData } from '@mes/test-data';
import { seedLivingLine } from '@mes/simulator';
import { migrateTracking } from '@mes/tracking';
import { adminExists, ensureDatabase, ensurePostgres, ensureRedis, type LocalService } from './local-services';
import { parseScaleArgs, replicaEnv, replicaPort, replicaUrlEnv, type SubgraphApp } from './replicas';
import { keptSecret } from './secrets';
import { ensureWebBuilt } from './web-build';

const root = path.resolve(__dirname, '../..');
const dataDir = path.join(root, '.data');

interface App {
  name: string;
  entry: string;
  healthUrl: string;
}

const children: { name: string; child: ChildProcess }[] = [];
const services: LocalService[] = [];
let stopping = false;

async function waitHealthy(app: App, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${app.name} exited with code ${child.exitCode} while starting (its log is above)`);
    try {
      const res = await fetch(app.healthUrl, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${app.name} did not become healthy at ${app.healthUrl} within ${timeoutMs / 1000} s`);
}

function startApp(app: App, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, app.entry)], { cwd: root, env, stdio: 'inherit' });
  children.push({ name: app.name, child });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${app.name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping the MES\n`);
    void shutdown(1);
  });
  return child;
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('\nStopping the MES...\n');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const s of services.reverse()) if (s.startedHere) await s.stop().catch(() => undefined);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const scale = parseScaleArgs(process.argv.slice(2));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const jwt = keptSecret(dataDir, 'jwt-secret', env.MES_JWT_SECRET, 48);
  const admin = keptSecret(dataDir, 'admin-password', env.MES_ADMIN_PASSWORD, 12);
  env.MES_JWT_SECRET = jwt.value;
  env.MES_ADMIN_PASSWORD = admin.value;
  env.MES_SEED_DEMO ??= 'true';
  // Inline source maps only: the stored-map mode installs a stack rewriter that makes every
  // Error.stack (HTTP agents create some per request) an order of magnitude slower.
  env.SWC_NODE_SOURCE_MAP_MODE ??= 'inline';
  const config = loadConfigOrExit(env);
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const t0 = Date.now();
  await ensureWebBuilt(); // the UI the gateway serves at /
  services.push(await ensurePostgres(config.databaseUrl, dataDir));
  services.push(await ensureRedis(config.redisUrl, dataDir));
  await ensureDatabase(config.databaseUrl);
  await migrateTracking(config.databaseUrl);
  await migrateTestData(config.databaseUrl);
  await migrateProcess(config.databaseUrl);
  await migrateAssembly(config.databaseUrl);
  // A new password for an admin made earlier would not log anybody in: say so, and keep no wrong password.
  const strangerAdmin = admin.generated && (await adminExists(config.databaseUrl));
  if (strangerAdmin) rmSync(admin.file, { force: true });

  const base = `http://${config.host}`;
  const tracking: App = { name: 'tracking', entry: 'apps/tracking/src/main.ts', healthUrl: `${base}:${config.tracking.port}/health` };
  const testData: App = { name: 'test-data', entry: 'apps/test-data/src/main.ts', healthUrl: `${base}:${config.testData.port}/health` };
  const processApp: App = { name: 'process', entry: 'apps/process/src/main.ts', healthUrl: `${base}:${config.process.port}/health` };
  const assembly: App = { name: 'assembly', entry: 'apps/assembly/src/main.ts', healthUrl: `${base}:${config.assembly.port}/health` };
  const gateway: App = { name: 'gateway', entry: 'apps/gateway/src/main.ts', healthUrl: `${base}:${config.port}/health` };
  // tracking first (it seeds the demo line); the gateway composes the subgraphs, so it comes last.
  await waitHealthy(tracking, startApp(tracking, env), 120_000);
  await waitHealthy(testData, startApp(testData, env), 120_000);
  await waitHealthy(processApp, startApp(processApp, env), 120_000);
  await waitHealthy(assembly, startApp(assembly, env), 120_000);
  let gatewayEnv = env;
  if (scale.replicas > 1) {
    // The first replica of each has migrated and seeded; the others start together, and every
    // process (the first ones too, restarted would see the same) learns all replicas' URLs.
    const ports: Record<SubgraphApp, number> = {
      tracking: config.tracking.port,
      'test-data': config.testData.port,
      process: config.process.port,
      assembly: config.assembly.port,
    };
    const firsts = [tracking, testData, processApp, assembly];
    const starting: Promise<void>[] = [];
    for (let k = 1; k < scale.replicas; k++) {
      for (const [i, app] of (['tracking', 'test-data', 'process', 'assembly'] as const).entries()) {
        const replica: App = {
          name: `${app} #${k + 1}`,
          entry: firsts[i].entry,
          healthUrl: `${base}:${replicaPort(ports[app], k)}/health`,
        };
        starting.push(
          waitHealthy(replica, startApp(replica, { ...env, ...replicaEnv(app, k, config.host, ports, scale.replicas) }), 180_000),
        );
      }
    }
    await Promise.all(starting);
    gatewayEnv = { ...env, ...replicaUrlEnv(config.host, ports, scale.replicas) };
  }
  for (let w = 0; w < scale.workers; w++) {
    // Extra workers serve /metrics and /health on any free port (one fixed port per host otherwise).
    const workerEnv = w === 0 ? env : { ...env, BINNING_WORKER_PORT: '0' };
    startApp(
      { name: scale.workers > 1 ? `binning-worker #${w + 1}` : 'binning-worker', entry: 'apps/binning-worker/src/main.ts', healthUrl: '' },
      workerEnv,
    );
  }
  await waitHealthy(gateway, startApp(gateway, gatewayEnv), 120_000);

  const lines = [
    '',
    `The MES is up after ${((Date.now() - t0) / 1000).toFixed(1)} s: http://${config.host}:${config.port}`,
    ...(scale.replicas > 1 || scale.workers > 1
      ? [`  Scale    ${scale.replicas} replicas of each subgraph (ports +100 each), ${scale.workers} binning workers`]
      : []),
    `  Web UI   http://${config.host}:${config.port}/`,
    `  GraphQL  http://${config.host}:${config.port}/graphql`,
    `  Health   http://${config.host}:${config.port}/health`,
    `  Metrics  http://${config.host}:${config.port}/metrics   (each app on its own port too; Queues /admin/queues/)`,
    `  Database ${redactUrl(config.databaseUrl)}   Redis ${config.redisUrl}`,
    strangerAdmin
      ? `  The database's admin was made by another checkout (or before ${path.relative(root, dataDir)} was deleted), so its password is not here.\n` +
        `  Start with MES_ADMIN_PASSWORD set to that password, or drop the database ${redactUrl(config.databaseUrl)} for a fresh demo line.`
      : admin.generated
        ? `  Log in as admin with the generated password: ${admin.value}   (kept in ${path.relative(root, admin.file)})`
        : env.MES_ADMIN_PASSWORD && !process.env.MES_ADMIN_PASSWORD
          ? `  Log in as admin; the password is kept in ${path.relative(root, admin.file)}`
          : '  Log in as admin with MES_ADMIN_PASSWORD',
    '  Ctrl-C stops everything this command started.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (config.seedDemo && !strangerAdmin) startLivingLine(`http://${config.host}:${config.port}`, admin.value);
}

/**
 * The living line: in the background, once every app is up, the simulator makes one demo roll
 * (DEMO-SIM-1) through every step of the line, so each page of the web UI has true data. Skipped
 * when the roll exists; one line when it is done (or failed: the MES runs on either way).
 */
function startLivingLine(url: string, password: string): void {
  const t0 = Date.now();
  seedLivingLine({ url, password }).then(
    (outcome) => {
      if (outcome.seeded) process.stdout.write(`${outcome.summary}\n`);
    },
    (e: unknown) => {
      if (!stopping)
        process.stderr.write(
          `living line: the demo roll was not finished after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${e instanceof Error ? e.message : String(e)}\n`,
        );
    },
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`npm start failed: ${e instanceof Error ? e.message : String(e)}\n`);
  void shutdown(1);
});
