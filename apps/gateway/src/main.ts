import { loadConfigOrExit } from '@mes/config';
import { startGateway } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await startGateway(config);
  process.stdout.write(`gateway listening on ${await app.getUrl()}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`gateway failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
