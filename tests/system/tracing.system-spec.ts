import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses, type MesProcesses } from '../support/mes-processes';

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** A collector in small: takes OTLP/HTTP JSON at /v1/traces and keeps the spans. */
async function startCollector(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: { name: string; traceId: string; spanId: string; parentSpanId?: string }[] }[];
          }[];
        };
        for (const rs of body.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined });
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** One trace from a rig's POST to DONE, across the gateway, test-data, the worker's jobs and tracking. */
describe('tracing the MES', () => {
  let mes: MesProcesses;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let rigKey: string;

  beforeAll(async () => {
    collector = await startCollector();
    mes = await startMesProcesses(
      'tracing',
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, LOG_FORMAT: 'json', LOG_LEVEL: 'debug' },
      { captureLogs: true },
    );
    rigKey = (await mes.admin.ok('mutation { registerRig(name: "RIG 8", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
  }, 600_000);
  afterAll(async () => {
    await mes?.close();
    await collector?.close();
  });

  it('follows a sheet test from the POST through the jobs to the track-out in one trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    // Drawn as a retest insertion (no probe-contact opens), so the sheet moves on at once and the
    // worker tracks it out instead of waiting for a retest.
    const sim = simulateSheet({ seed: 8, sheetIndex: 3, rows: 20, cols: 20, cellActiveAreaCm2: 0.25, retest: 1 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': rigKey,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RIG8-TRACE-0001', sheet: 'S-R0001-0003', startedAt: '2026-12-02T06:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    let status = '';
    for (let i = 0; i < 480 && status !== 'DONE' && status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const answer = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': rigKey } });
      status = ((await answer.json()) as { status: string }).status;
    }
    expect(status).toBe('DONE');

    // The apps send spans in batches, every few seconds.
    const ours = () => collector.spans.filter((s) => s.traceId === traceId);
    for (let i = 0; i < 120 && !ours().some((s) => s.name === 'finish-sheet-test'); i++) await new Promise((r) => setTimeout(r, 250));
    const spans = ours();
    const has = (service: string, name: string | RegExp) =>
      spans.filter((s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)));

    expect(has('gateway', 'POST /api/v1/sheet-tests')).toHaveLength(1);
    expect(has('test-data', 'POST /api/v1/sheet-tests')).toHaveLength(1);
    expect(has('binning-worker', 'bin-sheet-test')).toHaveLength(1);
    expect(has('binning-worker', 'fit-cells').length).toBeGreaterThan(0);
    expect(has('binning-worker', 'finish-sheet-test')).toHaveLength(1);
    expect(has('binning-worker', /^tracking (query|mutation) /).length).toBeGreaterThan(0);
    expect(has('tracking', 'POST /graphql').length).toBeGreaterThan(0);

    // One tree: every span's parent is in the trace, but the gateway's, whose parent is the rig's.
    const ids = new Set(spans.map((s) => s.spanId));
    const gatewaySpan = has('gateway', 'POST /api/v1/sheet-tests')[0];
    expect(spans.filter((s) => s !== gatewaySpan && !ids.has(s.parentSpanId ?? ''))).toEqual([]);
    expect(has('test-data', 'POST /api/v1/sheet-tests')[0].parentSpanId).toBe(gatewaySpan.spanId);

    // The worker's log lines of the test carry the trace id.
    const workerLines = mes
      .logsOf('binning-worker')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { traceId?: string; message: string });
    expect(workerLines.filter((l) => l.traceId === traceId).length).toBeGreaterThan(0);
  });
});
