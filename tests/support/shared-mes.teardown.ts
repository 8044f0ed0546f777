import type { Server } from 'node:http';
import type { MesProcesses } from './mes-processes';
import { SHARED_MES_ENV } from './shared-mes';
import { SHARED_MES_HANDLE } from './shared-mes.setup';

/** globalTeardown of the system and browser tiers: stops the shared MES its setup started, and drops its database. */
export default async function teardown(): Promise<void> {
  const shared = (globalThis as Record<symbol, unknown>)[SHARED_MES_HANDLE] as { mes: MesProcesses; control: Server } | undefined;
  if (!shared) return;
  delete (globalThis as Record<symbol, unknown>)[SHARED_MES_HANDLE];
  delete process.env[SHARED_MES_ENV];
  await new Promise((r) => shared.control.close(r));
  await shared.mes.close();
}
