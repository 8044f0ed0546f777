import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { startTracing } from '@mes/service-core';
import { startAssembly } from './bootstrap';
import { migrateAssembly } from './database/assembly-data-source';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing('assembly', config.tracing); // off unless MES_TRACING or OTEL_EXPORTER_OTLP_ENDPOINT says otherwise
  await migrateAssembly(config.databaseUrl);
  const app = await startAssembly(config);
  new Logger('Bootstrap').log(`assembly subgraph listening on ${await app.getUrl()}/graphql`); // through the app's logger: JSON where JSON is read
}

main().catch((e: unknown) => {
  process.stderr.write(`assembly failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
