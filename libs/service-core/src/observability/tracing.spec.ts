import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import express, { json } from 'express';
import { correlationMiddleware, reenterCorrelation } from './correlation';
import { inClientSpan, startTracing, stopTracing, traceHeaders, traceMiddleware } from './tracing';

/**
 * Two small apps set up like the MES's (correlation id, request span, a JSON body parser, the
 * re-entry after it): the first calls the second as the gateway calls a subgraph, and the second's
 * request span is a child of the first's call.
 */
describe('request spans across HTTP', () => {
  // A new one per test: stopTracing shuts the provider's exporter down for good.
  let exporter = new InMemorySpanExporter();
  const servers: Server[] = [];

  function app(handle: (body: unknown) => Promise<unknown>): Promise<string> {
    const a = express();
    a.use(correlationMiddleware());
    a.use(traceMiddleware());
    a.use(json());
    a.use(reenterCorrelation());
    a.post('/graphql', (req, res, next) => {
      handle(req.body).then((answer) => res.json(answer), next);
    });
    return new Promise((resolve) => {
      const server = a.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
      servers.push(server);
    });
  }

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(
      (r) => r.json() as Promise<unknown>,
    );

  /** A POST whose body comes in a later packet than its headers, as a slow client's does. */
  const postSlowly = (url: string, body: unknown, headers: Record<string, string>) =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(JSON.stringify(body)), 50);
    });

  let subgraph: string;
  let gateway: string;
  const sentHeaders: Record<string, string>[] = [];

  beforeAll(async () => {
    subgraph = await app(async () => ({ data: { sheet: 'S-1' } }));
    gateway = await app(async (body) => {
      // After the body parser: the call must still be made in the request span's context.
      const headers = traceHeaders();
      sentHeaders.push(headers);
      return inClientSpan('subgraph fetch', {}, () => post(subgraph, body, traceHeaders()));
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    sentHeaders.length = 0;
  });
  afterEach(() => stopTracing());

  it("puts the subgraph's request span under the gateway's, in the caller's trace", async () => {
    startTracing('gateway', { mode: 'off' }, exporter);
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    await postSlowly(gateway, { query: '{ sheet }' }, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    const spans = exporter.getFinishedSpans();
    const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(servers).toHaveLength(2);
    const [outer, inner] = [...servers].sort((a, b) =>
      a.parentSpanContext?.spanId === callerSpan ? -1 : b.parentSpanContext?.spanId === callerSpan ? 1 : 0,
    );
    const client = spans.find((s) => s.name === 'subgraph fetch');
    expect(outer.name).toBe('POST /graphql');
    expect(outer.spanContext().traceId).toBe(callerTrace);
    expect(outer.parentSpanContext?.spanId).toBe(callerSpan);
    expect(client?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(inner.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    expect(inner.spanContext().traceId).toBe(callerTrace);
    expect(sentHeaders[0].traceparent).toBe(`00-${callerTrace}-${outer.spanContext().spanId}-01`);
  });

  it('makes no span for health polls and metric scrapes', async () => {
    startTracing('gateway', { mode: 'off' }, exporter);
    await fetch(gateway.replace('/graphql', '/health'));
    await fetch(gateway.replace('/graphql', '/metrics'));
    await fetch(gateway.replace('/graphql', '/api/v1/sheet-tests'));
    // The span ends on the answer's 'finish', which may come after the client has the answer.
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET /api/v1/sheet-tests']);
  });

  it('with tracing off, sends no traceparent and records nothing', async () => {
    await post(gateway, { query: '{ sheet }' });
    expect(sentHeaders).toEqual([{}]);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
