import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import type { MesConfig } from '@mes/config';
import { AssemblyAppModule } from './app.module';
import type { LineData } from './clients/line-data';
import { DemoAssemblySeeder } from './seed/demo-assembly.seeder';
import { listenKeepingConnections } from '@mes/service-core';

/** Build and start the assembly subgraph on the given port (0: any free one). */
export async function startAssembly(
  config: MesConfig,
  port = config.assembly.port,
  services: { line?: LineData } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AssemblyAppModule.forConfig(config, services), {
    bodyParser: false,
    logger: config.logLevel === 'log' ? ['error', 'warn', 'log'] : [config.logLevel],
  });
  // A singulation report of a whole sheet lists up to 2,500 cells.
  app.use('/graphql', json({ limit: '16mb' }));
  app.enableShutdownHooks();
  await app.init();
  if (config.seedDemo) await app.get(DemoAssemblySeeder).seedIfEmpty();
  await listenKeepingConnections(app, port, config.host);
  return app;
}
