import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { MesConfig } from '@mes/config';
import { AssemblyAppModule } from './app.module';
import type { LineData } from './clients/line-data';
import { DemoAssemblySeeder } from './seed/demo-assembly.seeder';
import { createMesLogger, listenKeepingConnections, observeHttpApp, reenterCorrelation, withStartupLock } from '@mes/service-core';

/** Build and start the assembly subgraph on the given port (0: any free one). */
export async function startAssembly(
  config: MesConfig,
  port = config.assembly.port,
  services: { line?: LineData } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AssemblyAppModule.forConfig(config, services), {
    bodyParser: false,
    logger: createMesLogger('assembly', config),
  });
  observeHttpApp(app, 'assembly', config.metrics); // correlation id, /metrics, request durations: before every route
  // A singulation report of a whole sheet lists up to 2,500 cells.
  app.use('/graphql', json({ limit: '16mb' }));
  app.use(reenterCorrelation()); // body parsers call next() outside the request's async context
  app.enableShutdownHooks();
  await app.init();
  // Replicas starting together seed one after the other: the second finds the demo data there.
  if (config.seedDemo) await withStartupLock(config.databaseUrl, 'seed', () => app.get(DemoAssemblySeeder).seedIfEmpty());
  await listenKeepingConnections(app, port, config.host);
  return app;
}
