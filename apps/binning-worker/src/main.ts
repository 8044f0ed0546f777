import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { createMesLogger, startObservabilityServer, startTracing, stopTracing } from '@mes/service-core';
import { startBinningWorker } from './binning-worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing('binning-worker', config.tracing); // off unless MES_TRACING or OTEL_EXPORTER_OTLP_ENDPOINT says otherwise
  // The worker has no Nest app: its Nest Loggers write through the MES logger all the same.
  Logger.overrideLogger(createMesLogger('binning-worker', config));
  const logger = new Logger('BinningWorker');
  const binning = startBinningWorker(config);
  // GET /metrics and /health on a small listener of its own. A second worker on the same host with
  // the same port still bins; it only cannot be scraped there (BINNING_WORKER_PORT=0 or another port).
  const server = await startObservabilityServer('binning-worker', config.binning.port, config.host, config.metrics, () =>
    binning.health(),
  ).catch((e: unknown) => {
    logger.warn(`no /metrics or /health: port ${config.binning.port} is not free (${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  });
  const address = server?.address();
  const where = address && typeof address === 'object' ? `, /metrics on port ${address.port}` : '';
  logger.log(`binning worker running (concurrency ${config.binning.concurrency}${where})`);
  // Graceful stop: finish the jobs in hand, then exit.
  const stop = () => {
    server?.close();
    // The last spans of the jobs finished are sent before the process ends.
    void binning
      .close()
      .then(stopTracing)
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`binning worker failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
