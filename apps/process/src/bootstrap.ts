import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { MesConfig } from '@mes/config';
import { ProcessAppModule } from './app.module';
import { DemoProcessSeeder } from './seed/demo-process.seeder';
import { createMesLogger, listenKeepingConnections, observeHttpApp, reenterCorrelation, withStartupLock } from '@mes/service-core';

/** Equipment posts JSON (gzip or not); anything else is refused before a byte is parsed. */
function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    req.resume();
    res.status(415).json({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `Expected Content-Type application/json, got ${req.headers['content-type'] ?? 'none'}`,
        details: [],
      },
    });
    return;
  }
  next();
}

/** Build and start the process subgraph (+ equipment trace REST) on the given port (0: any free one). */
export async function startProcess(config: MesConfig, port = config.process.port): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ProcessAppModule.forConfig(config), {
    bodyParser: false,
    logger: createMesLogger('process', config),
  });
  observeHttpApp(app, 'process', config.metrics); // correlation id, /metrics, request durations: before every route
  app.use('/graphql', json({ limit: '16mb' }));
  // The raw bytes are kept for the batch's content hash (idempotency by batch id).
  app.use(
    '/api/v1/equipment-traces',
    requireJson,
    json({
      limit: config.process.maxTraceBodyBytes,
      verify: (req, _res, buf) => void ((req as Request & { rawBody?: Buffer }).rawBody = buf),
    }),
  );
  app.use(reenterCorrelation()); // body parsers call next() outside the request's async context
  app.enableShutdownHooks();
  await app.init();
  // Replicas starting together seed one after the other: the second finds the demo data there.
  if (config.seedDemo) await withStartupLock(config.databaseUrl, 'seed', () => app.get(DemoProcessSeeder).seedIfEmpty());
  await listenKeepingConnections(app, port, config.host);
  return app;
}
