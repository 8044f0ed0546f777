import { AsyncResource } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import { Logger, type INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { correlationMiddleware } from './correlation';
import { traceMiddleware } from './tracing';
import { answerMetrics, httpMetricsMiddleware, metricsEndpoint, routeLabel, startMetrics, type MetricsAccess } from './metrics';

/** One debug line per request (LOG_LEVEL=debug), under the request's correlation id. */
function requestLog() {
  const logger = new Logger('HTTP');
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = performance.now();
    // Bound to the request's context: 'finish' is emitted from the socket's.
    res.on(
      'finish',
      AsyncResource.bind(() =>
        logger.debug(`${req.method} ${routeLabel(req)} ${res.statusCode} ${Math.round(performance.now() - start)} ms`),
      ),
    );
    next();
  };
}

/**
 * What every HTTP app of the MES installs before its own routes: the correlation id of each
 * request, its span (tracing on), GET /metrics, request durations, and a debug line per request. Call before listen.
 */
export function observeHttpApp(app: INestApplication, name: string, access: MetricsAccess): void {
  startMetrics(name);
  app.use(correlationMiddleware());
  app.use(traceMiddleware());
  app.use(metricsEndpoint(access));
  app.use(httpMetricsMiddleware());
  app.use(requestLog());
}

/**
 * A process without an HTTP app of its own (the binning worker) answers GET /metrics and GET /health
 * on a small listener of its own.
 */
export async function startObservabilityServer(
  name: string,
  port: number,
  host: string,
  access: MetricsAccess,
  health: () => Promise<{ ok: boolean; body: Record<string, unknown> }>,
): Promise<Server> {
  startMetrics(name);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') return void answerMetrics(req, res, access);
    if (req.method === 'GET' && path === '/health') {
      void health().then(
        ({ ok, body }) => {
          res.statusCode = ok ? 200 : 503;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body));
        },
        (e: unknown) => {
          res.statusCode = 503;
          res.end(JSON.stringify({ status: 'down', error: e instanceof Error ? e.message : String(e) }));
        },
      );
      return;
    }
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `${name} answers only GET /metrics and GET /health`, details: [] } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
