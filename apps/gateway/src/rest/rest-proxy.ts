import { request as httpRequest } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { traceHeaders } from '@mes/service-core';
import type { RestRoute } from '../subgraphs';

/**
 * /api/v1 paths and the service that owns each. The gateway streams the request through untouched
 * (a rig's gzip body is not parsed here) and streams the answer back; a service with several
 * replicas gets each request on the next replica in turn.
 */
export function restProxy(routes: RestRoute[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const route = routes.find(
      (r) => req.originalUrl === r.prefix || req.originalUrl.startsWith(`${r.prefix}/`) || req.originalUrl.startsWith(`${r.prefix}?`),
    );
    if (!route) return next();
    const target = new URL(req.originalUrl, route.targets.pick());
    const upstream = httpRequest(
      target,
      // traceparent of the gateway's request span (tracing on), so the service's span is its child.
      { method: req.method, headers: { ...req.headers, ...traceHeaders(), host: target.host }, timeout: 120_000 },
      (answer) => {
        res.status(answer.statusCode ?? 502);
        // The service answered before the body was all sent (a 413, say): this connection cannot be
        // reused, so tell the client instead of letting it find a reset socket on its next call.
        if (!req.complete) res.setHeader('connection', 'close');
        for (const [k, v] of Object.entries(answer.headers))
          if (v !== undefined && k !== 'connection' && k !== 'transfer-encoding') res.setHeader(k, v);
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('timed out')));
    upstream.on('error', (e) => {
      if (res.headersSent) return res.destroy();
      res.status(503).json({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: `The service behind ${route.prefix} does not answer (${e.message}); nothing was stored, retrying is safe`,
          details: [],
        },
      });
    });
    req.pipe(upstream);
  };
}
