import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register, type Registry } from 'prom-client';

/**
 * Prometheus metrics. Each process is one app and registers its own metrics in prom-client's
 * registry of that process, labelled with the app's name; every app answers GET /metrics in the
 * Prometheus text format. The names all begin with mes_.
 */
let started: string | undefined;

/** Once per process: the app label and the process's own metrics (CPU, memory, event loop lag). */
export function startMetrics(app: string): Registry {
  if (started === undefined) {
    started = app;
    register.setDefaultLabels({ app });
    collectDefaultMetrics({ register, prefix: 'mes_' }); // mes_process_*, mes_nodejs_*
  }
  return register;
}

/** A metric of this process by name, made on first use (a module may be built twice in tests). */
function once<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return once(name, () => new Counter({ name, help, labelNames, registers: [register] }));
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  collect?: (this: Gauge<L>) => Promise<void> | void,
): Gauge<L> {
  return once(name, () => new Gauge({ name, help, labelNames, registers: [register], ...(collect ? { collect } : {}) }));
}

export function histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
  return once(name, () => new Histogram({ name, help, labelNames, buckets, registers: [register] }));
}

/** Seconds: from a fast lookup to a slow export or a fitted sheet. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A segment that names one thing rather than a kind of thing: a number, a barcode, an id (not an API version). */
const ID_SEGMENT = /^(?!v\d+$).*\d/;

/**
 * The route a request is counted under: Nest's route pattern where one matched (/api/v1/sheet-tests/:id),
 * otherwise the path with every segment that names one thing replaced by :id and cut at four
 * segments, so a series is a kind of request and not one per barcode.
 */
export function routeLabel(req: { baseUrl?: string; route?: { path?: unknown }; originalUrl?: string; url?: string }): string {
  if (typeof req.route?.path === 'string') return `${req.baseUrl ?? ''}${req.route.path}` || '/';
  const path = (req.originalUrl ?? req.url ?? '/').split('?')[0];
  const segments = path.split('/').filter(Boolean).slice(0, 4);
  return '/' + segments.map((s) => (ID_SEGMENT.test(s) ? ':id' : s)).join('/');
}

/** Distinct route labels one app keeps; the web UI's page paths and the REST routes are far fewer. */
const MAX_ROUTE_LABELS = 200;
/** Distinct operation names one app keeps (the web UI, scripts and the gateway's plan parts). */
const MAX_OPERATION_LABELS = 500;

/**
 * The first `max` distinct values keep their name and later ones are counted as "other": a caller
 * who makes up paths (or operation names) cannot grow the metrics without bound.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(value);
    return value;
  }
}

/**
 * Express middleware: one histogram of request durations per method, route and status class. The
 * GraphQL endpoint is one route; its operations are timed by graphqlMetricsPlugin.
 */
export function httpMetricsMiddleware() {
  const duration = histogram(
    'mes_http_request_duration_seconds',
    'HTTP request durations by route',
    ['method', 'route', 'status'],
    DURATION_BUCKETS,
  );
  const routes = new BoundedLabels(MAX_ROUTE_LABELS);
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      if (req.originalUrl.startsWith('/metrics')) return;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // A path nothing answered is not a route (anyone could invent them).
      const route = res.statusCode === 404 && !req.route ? 'unmatched' : routes.label(routeLabel(req));
      duration.observe({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
    });
    next();
  };
}

/** A client names its operations; a name is kept only when short and plain, so a series stays a kind of query. */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : 'invalid-name';
}

/**
 * Apollo Server plugin: duration of every GraphQL operation by operation name, type and outcome
 * (on the gateway: the whole operation; on a subgraph: its part of the plan).
 */
export function graphqlMetricsPlugin<C extends object>(): ApolloServerPlugin<C> {
  const duration = histogram(
    'mes_graphql_operation_duration_seconds',
    'GraphQL operation durations by operation name',
    ['operation', 'type', 'outcome'],
    DURATION_BUCKETS,
  );
  const operations = new BoundedLabels(MAX_OPERATION_LABELS);
  return {
    async requestDidStart() {
      const start = process.hrtime.bigint();
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const failed = (rc.errors?.length ?? 0) > 0 || (body.kind === 'single' && (body.singleResult.errors?.length ?? 0) > 0);
          duration.observe(
            {
              operation: operations.label(operationLabel(rc.operationName)),
              type: rc.operation?.operation ?? 'unknown',
              outcome: failed ? 'error' : 'ok',
            },
            Number(process.hrtime.bigint() - start) / 1e9,
          );
        },
      };
    },
  };
}

export interface MetricsAccess {
  /** METRICS_TOKEN: when set, a scraper sends it as a bearer token; when unset, only this host may read. */
  token?: string;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const sent = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/**
 * GET /metrics in the Prometheus text format. Who may read: with METRICS_TOKEN set, whoever sends
 * it as a bearer token (a Prometheus on another host); without it, only callers on this host. The
 * figures say how much the line makes and of what quality, which is not for every browser on the
 * plant network that can reach the gateway.
 */
export async function answerMetrics(req: IncomingMessage, res: ServerResponse, access: MetricsAccess): Promise<void> {
  const refuse = (status: number, message: string) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message, details: [] } }));
  };
  if (access.token) {
    if (!tokenMatches(req.headers.authorization, access.token))
      return refuse(401, 'GET /metrics needs the bearer token set in METRICS_TOKEN');
  } else if (!isLoopback(req.socket.remoteAddress)) {
    return refuse(403, 'GET /metrics answers only on this host unless METRICS_TOKEN is set; send that token as a bearer token');
  }
  try {
    const text = await register.metrics();
    res.statusCode = 200;
    res.setHeader('content-type', register.contentType);
    res.end(text);
  } catch (e) {
    res.statusCode = 500;
    res.end(`metrics could not be collected: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}

/** Express middleware answering GET /metrics (mount before the app's own routes). */
export function metricsEndpoint(access: MetricsAccess) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' || (req.path !== '/metrics' && req.path !== '/metrics/')) return next();
    void answerMetrics(req, res, access);
  };
}
