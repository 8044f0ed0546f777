import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { MesConfig } from '@mes/config';
import { TestDataAppModule } from './app.module';
import { listenKeepingConnections } from '@mes/service-core';

/** Build and start the test-data service (GraphQL subgraph + rig REST) on the given port (0: any free one). */
export async function startTestData(config: MesConfig, port = config.testData.port): Promise<INestApplication> {
  // No global body parser: rig posts are read (and size-limited, gunzipped) by the ingest itself;
  // GraphQL gets an ordinary JSON parser.
  const app = await NestFactory.create<NestExpressApplication>(TestDataAppModule.forConfig(config), {
    bodyParser: false,
    logger: config.logLevel === 'log' ? ['error', 'warn', 'log'] : [config.logLevel],
  });
  app.use('/graphql', json({ limit: '1mb' }));
  app.enableShutdownHooks();
  await listenKeepingConnections(app, port, config.host);
  return app;
}
