import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { BasicTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NextFunction, Request, Response } from 'express';

/**
 * OpenTelemetry traces, made by hand at the edges that matter (an HTTP request in, a call to another
 * service, a BullMQ job), OFF unless the configuration turns them on. Without startTracing the API
 * answers with non-recording spans and a propagator that writes nothing, so every helper here costs
 * next to nothing and puts no trace context into headers or job data.
 */
export type TracingMode = 'off' | 'console' | 'otlp';

export interface TracingSettings {
  mode: TracingMode;
  /** OTLP/HTTP base endpoint (…:4318); spans go to <endpoint>/v1/traces. */
  endpoint?: string;
}

const TRACER = 'mes';
let provider: BasicTracerProvider | undefined;

export function tracer() {
  return trace.getTracer(TRACER);
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/**
 * Turn tracing on for this process (once, at boot, before the app handles work). A test passes its
 * own exporter (an InMemorySpanExporter), exported span by span.
 */
export function startTracing(service: string, settings: TracingSettings, exporter?: SpanExporter): BasicTracerProvider | undefined {
  if (settings.mode === 'off' && !exporter) return undefined;
  if (provider) throw new Error(`tracing is already started in this process (service ${service})`);
  // The SDK is loaded only when tracing is on: with it off (the default) every app starts without
  // reading it, about 0.3 s of module loading per process measured here (0.6 s on a loaded machine).
  const { AsyncLocalStorageContextManager } =
    require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const sdk = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { BasicTracerProvider: Provider, BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor } = sdk;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : settings.mode === 'console'
      ? new SimpleSpanProcessor(new ConsoleSpanExporter())
      : new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `${(settings.endpoint ?? 'http://127.0.0.1:4318').replace(/\/$/, '')}/v1/traces` }),
        );
  provider = new Provider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return provider;
}

/** Flush what is left and turn tracing off again (a process stopping; a test's teardown). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  trace.disable();
  propagation.disable();
  context.disable();
  await p?.shutdown();
}

/** The trace id of the active span, for the log lines; none while tracing is off. */
export function currentTraceId(): string | undefined {
  if (!provider) return undefined;
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/** The W3C headers (traceparent, tracestate) of the active span, for an outgoing call; {} when off. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * The trace context to put into a job's data beside the correlation id (undefined when there is
 * none), so the job's span is a child of the span that added it.
 */
export function traceContextForJob(): Record<string, string> | undefined {
  const carrier = traceHeaders();
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** Run fn inside a new span, ended (and marked failed on a throw) when fn settles. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (e) {
        span.recordException(e instanceof Error ? e : String(e));
        span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/** A call to another service, in a CLIENT span (its traceparent is what traceHeaders() then gives). */
export function inClientSpan<T>(name: string, attributes: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  if (!provider) return fn();
  return inSpan(name, { kind: SpanKind.CLIENT, attributes }, () => fn());
}

/** A job's span: a CONSUMER child of the context its producer put into the job data. */
export function runJobInSpan<T>(queue: string, job: { id?: string; name: string; data: unknown }, fn: () => Promise<T>): Promise<T> {
  if (!provider) return fn();
  const carrier = (job.data as { trace?: unknown } | null)?.trace;
  const parent =
    carrier && typeof carrier === 'object' ? propagation.extract(ROOT_CONTEXT, carrier as Record<string, string>) : ROOT_CONTEXT;
  return inSpan(
    job.name,
    {
      kind: SpanKind.CONSUMER,
      parent,
      attributes: { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.message.id': job.id ?? '' },
    },
    fn,
  );
}

// The request's trace context, to enter again after a body parser (see reenterCorrelation).
const requestContexts = new WeakMap<Request, Context>();

export function requestTraceContext(req: Request): Context | undefined {
  return requestContexts.get(req);
}

/**
 * Express middleware: one SERVER span per request, a child of the caller's traceparent if it sent
 * one, ended when the answer is sent. Does nothing while tracing is off.
 */
export function traceMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Health polls and Prometheus scrapes would bury the line's traces.
    if (!provider || req.path === '/health' || req.path === '/metrics') return next();
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const span = tracer().startSpan(
      `${req.method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } },
      parent,
    );
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    const ctx = trace.setSpan(parent, span);
    requestContexts.set(req, ctx);
    context.with(ctx, next);
  };
}
