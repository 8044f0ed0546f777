import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { MesConfig } from '@mes/config';
import { TrackingAppModule } from './app.module';
import { createTrackingDataSource } from './database/tracking-data-source';
import { IdentityService } from './identity/identity.service';
import { DemoLineSeeder } from './seed/demo-line.seeder';
import { createMesLogger, listenKeepingConnections, observeHttpApp, reenterCorrelation, withStartupLock } from '@mes/service-core';

/** Bring the tracking schema up to date (migrations run once, before the app serves). */
export async function migrateTracking(databaseUrl: string): Promise<void> {
  // One replica migrates at a time; the next finds nothing left to run.
  await withStartupLock(databaseUrl, 'migrations', async () => {
    const ds = createTrackingDataSource(databaseUrl);
    await ds.initialize();
    try {
      await ds.query('CREATE SCHEMA IF NOT EXISTS tracking');
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  });
}

/** Build and start the tracking subgraph on the given port (0 picks a free one). */
export async function startTracking(config: MesConfig, port = config.tracking.port): Promise<INestApplication> {
  // No global body parser: POST /api/v1/scans reads its own body, so a bad one gets the REST
  // contract's error answer; GraphQL gets an ordinary JSON parser (Nest's default limit).
  const app = await NestFactory.create<NestExpressApplication>(TrackingAppModule.forConfig(config), {
    logger: createMesLogger('tracking', config),
    bodyParser: false,
  });
  observeHttpApp(app, 'tracking', config.metrics); // correlation id, /metrics, request durations: before every route
  app.use('/graphql', json({ limit: '100kb' }));
  app.use(reenterCorrelation()); // body parsers call next() outside the request's async context
  app.enableShutdownHooks();
  await app.init();
  // Replicas starting together create the admin and seed one after the other: the second finds them there.
  await withStartupLock(config.databaseUrl, 'seed', async () => {
    await app.get(IdentityService).ensureBootstrapAdmin(config.auth.adminPassword);
    if (config.seedDemo) await app.get(DemoLineSeeder).seedIfEmpty();
  });
  await listenKeepingConnections(app, port, config.host);
  return app;
}
