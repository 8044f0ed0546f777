import 'reflect-metadata'; // the migrations' entities carry decorator metadata (jest's setupFiles do not run before a globalSetup)
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '@jest/types';
import { startMesProcesses, type MesProcesses } from './mes-processes';
import { SHARED_MES_ENV, snapshotDatabase, type SharedMesInfo } from './shared-mes';

/** Where globalTeardown finds the MES this setup started (jest runs both in its own outer context). */
export const SHARED_MES_HANDLE = Symbol.for('mes.test.sharedMes');

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
  const mes: MesProcesses = await startMesProcesses(`shared_${projectConfig.displayName?.name ?? 'tier'}`);
  await snapshotDatabase(mes.db.url);
  (globalThis as Record<symbol, unknown>)[SHARED_MES_HANDLE] = mes;
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
  };
  process.env[SHARED_MES_ENV] = JSON.stringify(info);
  process.stdout.write(`\nshared MES for ${users.length} spec files started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
