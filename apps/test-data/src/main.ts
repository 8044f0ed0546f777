import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { startTracing } from '@mes/service-core';
import { startTestData } from './bootstrap';
import { migrateTestData } from '@mes/test-data-store';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing('test-data', config.tracing); // off unless MES_TRACING or OTEL_EXPORTER_OTLP_ENDPOINT says otherwise
  await migrateTestData(config.databaseUrl);
  const app = await startTestData(config);
  new Logger('Bootstrap').log(`test-data service listening on ${await app.getUrl()}`); // through the app's logger: JSON where JSON is read
}

main().catch((e: unknown) => {
  process.stderr.write(`test-data failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
