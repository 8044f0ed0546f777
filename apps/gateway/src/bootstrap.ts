import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { MesConfig } from '@mes/config';
import { GatewayModule } from './gateway.module';
import { restProxy } from './rest/rest-proxy';
import { restRoutesOf } from './subgraphs';
import { webUi } from './web/web-ui';
import { createMesLogger, listenKeepingConnections, observeHttpApp, reenterCorrelation } from '@mes/service-core';

/** Start the gateway; the subgraphs must answer, since it composes their schemas at start. */
export async function startGateway(
  config: MesConfig,
  port = config.port,
  options: { pollIntervalMs?: number } = {},
): Promise<INestApplication> {
  // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud metadata services
  // to describe the host: a line's MES talks to nothing outside the plant.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forConfig(config, options), {
    bodyParser: false, // /api/v1 bodies stream through to their service unparsed
    logger: createMesLogger('gateway', config),
  });
  observeHttpApp(app, 'gateway', config.metrics); // correlation id, /metrics, request durations: before every route
  app.use(restProxy(restRoutesOf(config)));
  app.use(webUi()); // the built web UI at /
  app.use('/graphql', json({ limit: '1mb' }));
  app.use(reenterCorrelation()); // body parsers call next() outside the request's async context
  app.enableShutdownHooks();
  await listenKeepingConnections(app, port, config.host);
  return app;
}
