/**
 * `npm test`: the static checks (strict type check, lint with module boundaries), then, with
 * PostgreSQL and Redis answering (local ones started as `npm start` does), the jest tiers: unit,
 * integration, system and browser (the web UI in headless Chromium; its suite builds the UI when stale
 * and installs chromium when missing, see tests/support/browser.ts).
 * Integration and system suites create and drop databases of their own.
 * Arguments go to jest (e.g. `npm test -- libs/eis`); they skip the static checks.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensurePostgres, ensureRedis, type LocalService } from './local-services';

const root = path.resolve(__dirname, '../..');
const dataDir = path.join(root, '.data');

function run(what: string, command: string, args: string[]): Promise<number> {
  process.stdout.write(`\n> ${what}\n`);
  return new Promise<number>((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
    child.on('exit', (c) => resolve(c ?? 1));
  });
}

async function staticChecks(): Promise<number> {
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
  const typecheck = await run('type check (tsc --noEmit, strict)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  if (typecheck !== 0) return typecheck;
  // The web UI is type-checked on its own (browser libraries, JSX, bundler resolution).
  const web = await run('type check of the web UI (tsc, apps/web)', bin('tsc'), ['-p', 'apps/web/tsconfig.json']);
  if (web !== 0) return web;
  // Layout is Prettier's (.prettierrc.json); `npm run format` rewrites what this refuses.
  const format = await run('layout (prettier --check)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  if (format !== 0) return format;
  // The module-boundary rule reads Nx's project graph, which `nx show projects` computes.
  const graph = await run('project graph (nx show projects)', bin('nx'), ['show', 'projects']);
  if (graph !== 0) return graph;
  return run('lint (eslint, zero warnings)', bin('eslint'), ['--max-warnings', '0', '.']);
}

interface JestOutcome {
  code: number;
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * One jest run; its exit code and counts (from jest's JSON summary). With `logFile`, its output goes
 * there (to be printed whole when it ends) instead of to the terminal.
 */
async function runJest(jestArgs: string[], env: NodeJS.ProcessEnv, name: string, logFile?: string): Promise<JestOutcome> {
  const jest = require.resolve('jest/bin/jest');
  const summaryFile = path.join(dataDir, `jest-summary-${process.pid}-${name}.json`);
  mkdirSync(dataDir, { recursive: true });
  // --forceExit: a suite that failed before closing its app leaves that app's timers (a sweeper's)
  // running, and jest then waited for them forever after its summary; jest still names the leak.
  const args = [jest, '--ci', '--forceExit', '--json', `--outputFile=${summaryFile}`, ...jestArgs];
  const code = await new Promise<number>((resolve) => {
    const out = logFile ? openSync(logFile, 'w') : 'inherit';
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['inherit', out, out], env });
    const forward = () => child.kill('SIGINT');
    process.on('SIGINT', forward);
    child.on('exit', (c) => {
      process.off('SIGINT', forward);
      if (typeof out === 'number') closeSync(out);
      resolve(c ?? 1);
    });
  });
  if (!existsSync(summaryFile)) return { code: code || 1, passed: 0, failed: 0, skipped: 0 };
  const r = JSON.parse(readFileSync(summaryFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  rmSync(summaryFile, { force: true });
  return { code, passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests };
}

/**
 * System specs that spend most of their time waiting (an outage of PostgreSQL or Redis held for longer
 * than a job's retries, a cluster's election): they run after the unit and integration tiers, in the
 * lane beside the system tier, to even the two lanes. Each starts an MES of its own (none needs the
 * shared one).
 */
const MOSTLY_WAITING_SYSTEM_SPECS = ['tests/system/postgres-drill.system-spec.ts', 'tests/system/redis-cluster.system-spec.ts'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A jest path pattern (a regular expression) that matches one file, given from the root, exactly. */
function pathPattern(file: string): string {
  return `^${escapeRegExp(root)}/${escapeRegExp(file)}$`;
}

async function main(): Promise<number> {
  const jestArgs = process.argv.slice(2);
  if (jestArgs.length === 0) {
    const code = await staticChecks();
    if (code !== 0) return code;
  }
  const databaseUrl = process.env.MES_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const services: LocalService[] = [await ensurePostgres(databaseUrl, dataDir), await ensureRedis(redisUrl, dataDir)];
  try {
    // The apps' error log lines, where a failing spec's call finds its errorId (libs/testing server-log.ts).
    const logDir = path.join(dataDir, 'test-logs');
    rmSync(logDir, { recursive: true, force: true });
    const env = { ...process.env, MES_TEST_DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, MES_TEST_LOG_DIR: logDir };
    const total = { code: 0, passed: 0, failed: 0, skipped: 0 };
    const add = (r: JestOutcome) => {
      total.code ||= r.code;
      total.passed += r.passed;
      total.failed += r.failed;
      total.skipped += r.skipped;
    };
    if (jestArgs.length > 0) add(await runJest(jestArgs, env, 'args'));
    else {
      // Two rounds. First two lanes side by side: the system tier; and the unit and integration
      // tiers, then the system specs that mostly wait (a drill's outage is 45 s of waiting). The
      // system specs wait much of their time on the apps, queues and drills, so the other core
      // would stay idle; as a lane of their own beside the unit and integration tiers they were the
      // longest part of a CI run (740 s against 536 s), hence the waiting ones go to the other lane.
      // (Three lanes at once kept both cores busy but took as long: the CPU is the limit then.)
      // The second lane's output is printed when it ends.
      // Then the browser tier alone: its scanner story types keys at a scanner's pace, and beside
      // other suites the keys came too slowly to be one scan, and the test failed with nothing wrong.
      const moved = MOSTLY_WAITING_SYSTEM_SPECS.map(pathPattern);
      process.stdout.write('\n> jest: system tier, with the unit and integration tiers, then the waiting system specs, beside it\n');
      const sideLog = path.join(dataDir, `jest-unit-integration-${process.pid}.log`);
      const waitingLog = path.join(dataDir, `jest-system-waiting-${process.pid}.log`);
      // The waiting specs in a jest process of their own after the unit and integration tiers: in the
      // same process as those tiers, four integration suites (each building an app's GraphQL schema)
      // failed to find a decorated field's type once a system spec had run before them.
      const unitThenWaiting = async () => {
        const unitIntegration = await runJest(['--selectProjects', 'unit', 'integration'], env, 'unit-integration', sideLog);
        return [
          unitIntegration,
          await runJest(['--selectProjects', 'system', '--testPathPatterns', ...moved], env, 'system-waiting', waitingLog),
        ];
      };
      const [system, [side, waiting]] = await Promise.all([
        runJest(['--selectProjects', 'system', '--testPathIgnorePatterns', ...moved], env, 'system'),
        unitThenWaiting(),
      ]);
      for (const [what, log] of [
        ['unit and integration tiers', sideLog],
        ['waiting system specs', waitingLog],
      ] as const) {
        process.stdout.write(`\n> jest: ${what} (ran beside the system tier)\n`);
        process.stdout.write(readFileSync(log, 'utf8'));
        rmSync(log, { force: true });
      }
      add(system);
      add(side);
      add(waiting);
      process.stdout.write('\n> jest: browser tier\n');
      add(await runJest(['--selectProjects', 'browser'], env, 'browser'));
    }
    // One plain closing line that any CI reader understands.
    process.stdout.write(`\nTests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
    return total.code;
  } finally {
    for (const s of services) if (s.startedHere) await s.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`npm test could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
