/**
 * What watching the line costs: a log line (JSON and terminal), a job's correlation and timing, and
 * one /metrics answer of an app with a realistic number of series.
 */
import {
  counter,
  histogram,
  inSpan,
  MesLogger,
  observeJob,
  runWithCorrelation,
  startMetrics,
  startTracing,
  stopTracing,
  traceContextForJob,
} from '@mes/service-core';
import { report } from './bench-util';

function perOp(n: number, f: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) f(i); // warm up
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f(i);
  return Number(process.hrtime.bigint() - t) / 1e3 / n;
}

export async function benchObservability(): Promise<void> {
  const sink = () => undefined;
  const json = new MesLogger('bench', { level: 'log', format: 'json', write: sink });
  const pretty = new MesLogger('bench', { level: 'log', format: 'pretty', write: sink, colour: true });
  runWithCorrelation('bench-correlation-id', () => {
    report(
      'log line, JSON, with correlation id',
      perOp(50_000, (i) => json.log(`sheet test T-${i} binned: 1:2400 2:80 0:20`, 'BinningWorker')),
      'µs',
    );
    report(
      'log line, terminal',
      perOp(20_000, (i) => pretty.log(`sheet test T-${i} binned: 1:2400 2:80 0:20`, 'BinningWorker')),
      'µs',
    );
    report(
      'log line below LOG_LEVEL (debug, not written)',
      perOp(200_000, (i) => json.debug(`job fit-cells ${i} done`, 'BinningWorker')),
      'µs',
    );
  });

  const n = 20_000;
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await observeJob('bench', { name: 'fit-cells', data: { correlationId: 'c' } }, async () => i);
  report('observeJob overhead per job (correlation and timing)', Number(process.hrtime.bigint() - t) / 1e3 / n, 'µs');

  // The same with tracing on: a span per job, a child of the producer's context in the job data,
  // ended and handed to an exporter (one that drops it: the network is not what is measured).
  startTracing('bench', { mode: 'off' }, { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined });
  const data = await inSpan('bench producer', {}, async () => ({ correlationId: 'c', trace: traceContextForJob() }));
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await observeJob('bench', { name: 'fit-cells', data }, async () => i);
  report('observeJob overhead per job, tracing on (span, parent from job data)', Number(process.hrtime.bigint() - t1) / 1e3 / n, 'µs');
  await inSpan('bench job', {}, async () =>
    report(
      'log line, JSON, with trace id (tracing on)',
      perOp(50_000, (i) => json.log(`sheet test T-${i} binned: 1:2400 2:80 0:20`, 'BinningWorker')),
      'µs',
    ),
  );
  await stopTracing();

  // A busy app: 40 routes x 3 statuses, 60 operations, 12 products x 20 bins, 50 stations x 2 actions.
  const registry = startMetrics('bench');
  const http = histogram('bench_http_seconds', 'h', ['route', 'status'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
  for (let r = 0; r < 40; r++) for (const s of ['2xx', '4xx', '5xx']) http.observe({ route: `/r${r}`, status: s }, 0.01);
  const ops = histogram('bench_ops_seconds', 'h', ['operation'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);
  for (let o = 0; o < 60; o++) ops.observe({ operation: `Op${o}` }, 0.02);
  const cells = counter('bench_cells_total', 'c', ['product', 'soft_bin']);
  for (let p = 0; p < 12; p++) for (let b = 0; b < 20; b++) cells.inc({ product: `P${p}`, soft_bin: String(b) }, 100);
  const scans = counter('bench_scans_total', 'c', ['station', 'action']);
  for (let s = 0; s < 50; s++) for (const a of ['TRACK_IN', 'TRACK_OUT']) scans.inc({ station: `ST-${s}`, action: a });
  const samples: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await registry.metrics();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  report(`/metrics answer, ${(await registry.metrics()).split('\n').length} lines (median)`, samples[25], 'ms');
}
