import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { startTracing } from '@mes/service-core';
import { migrateTracking, startTracking } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing('tracking', config.tracing); // off unless MES_TRACING or OTEL_EXPORTER_OTLP_ENDPOINT says otherwise
  await migrateTracking(config.databaseUrl);
  const app = await startTracking(config);
  new Logger('Bootstrap').log(`tracking subgraph listening on ${await app.getUrl()}/graphql`); // through the app's logger: JSON where JSON is read
}

main().catch((e: unknown) => {
  process.stderr.write(`tracking failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
