import type { MesProcesses } from './mes-processes';
import { SHARED_MES_ENV } from './shared-mes';
import { SHARED_MES_HANDLE } from './shared-mes.setup';

/** globalTeardown of the system and browser tiers: stops the shared MES its setup started, and drops its database. */
export default async function teardown(): Promise<void> {
  const mes = (globalThis as Record<symbol, unknown>)[SHARED_MES_HANDLE] as MesProcesses | undefined;
  if (!mes) return;
  delete (globalThis as Record<symbol, unknown>)[SHARED_MES_HANDLE];
  delete process.env[SHARED_MES_ENV];
  await mes.close();
}
