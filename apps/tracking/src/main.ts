import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@mes/config';
import { migrateTracking, startTracking } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await migrateTracking(config.databaseUrl);
  const app = await startTracking(config);
  new Logger('Bootstrap').log(`tracking subgraph listening on ${await app.getUrl()}/graphql`); // through the app's logger: JSON where JSON is read
}

main().catch((e: unknown) => {
  process.stderr.write(`tracking failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
