import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { startTracing } from '@mes/service-core';
import { startProcess } from './bootstrap';
import { migrateProcess } from './database/process-data-source';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing('process', config.tracing); // off unless MES_TRACING or OTEL_EXPORTER_OTLP_ENDPOINT says otherwise
  await migrateProcess(config.databaseUrl);
  const app = await startProcess(config);
  new Logger('Bootstrap').log(`process subgraph listening on ${await app.getUrl()}/graphql`); // through the app's logger: JSON where JSON is read
}

main().catch((e: unknown) => {
  process.stderr.write(`process failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
