import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { startTracing } from '@mes/service-core';
import { startGateway } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing('gateway', config.tracing); // off unless MES_TRACING or OTEL_EXPORTER_OTLP_ENDPOINT says otherwise
  const app = await startGateway(config);
  new Logger('Bootstrap').log(`gateway listening on ${await app.getUrl()}`); // through the app's logger: JSON where JSON is read
}

main().catch((e: unknown) => {
  process.stderr.write(`gateway failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
