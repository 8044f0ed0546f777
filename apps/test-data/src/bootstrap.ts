import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { MesConfig } from '@mes/config';
import { TestDataAppModule } from './app.module';
import { mountQueueBoard } from './queue-board/queue-board';
import { createMesLogger, listenKeepingConnections, observeHttpApp, reenterCorrelation } from '@mes/service-core';

/** Build and start the test-data service (GraphQL subgraph + rig REST) on the given port (0: any free one). */
export async function startTestData(config: MesConfig, port = config.testData.port): Promise<INestApplication> {
  // No global body parser: rig posts are read (and size-limited, gunzipped) by the ingest itself;
  // GraphQL gets an ordinary JSON parser.
  const app = await NestFactory.create<NestExpressApplication>(TestDataAppModule.forConfig(config), {
    bodyParser: false,
    logger: createMesLogger('test-data', config),
  });
  observeHttpApp(app, 'test-data', config.metrics); // correlation id, /metrics, request durations: before every route
  app.use('/graphql', json({ limit: '1mb' }));
  app.use(reenterCorrelation()); // body parsers call next() outside the request's async context
  const closeBoard = mountQueueBoard(app, config); // Bull Board, ADMIN only
  app.enableShutdownHooks();
  await listenKeepingConnections(app, port, config.host);
  app.getHttpServer().on('close', () => void closeBoard());
  return app;
}
