import { loadConfigOrExit } from '@mes/config';
import { startBinningWorker } from './binning-worker';

function main(): void {
  const config = loadConfigOrExit();
  const { close } = startBinningWorker(config);
  process.stdout.write(`binning worker running (concurrency ${config.binning.concurrency})\n`);
  // Graceful stop: finish the jobs in hand, then exit.
  const stop = () => {
    void close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
