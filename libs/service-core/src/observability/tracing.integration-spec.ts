import { randomUUID } from 'node:crypto';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Queue, Worker, type Job } from 'bullmq';
import { observeJob } from './jobs';
import { MesLogger } from './logger';
import { inSpan, startTracing, stopTracing, traceContextForJob } from './tracing';

/**
 * A trace crosses Redis: the span that adds a job, the job's span in the worker and the span of the
 * job that job adds are one trace, parent to child, through a real BullMQ queue; with tracing off
 * no span is made and no trace context goes into job data.
 */
describe('tracing through BullMQ jobs', () => {
  const connection = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
  // A new one per test: stopTracing shuts the provider's exporter down for good.
  let exporter = new InMemorySpanExporter();
  /** The span each job ran in, as the job's own code sees it. */
  const activeInJobs: (string | undefined)[] = [];
  const lines: string[] = [];
  const logger = new MesLogger('tracing-test', { level: 'log', format: 'json', write: (l) => void lines.push(l) });
  let queue: Queue;
  let worker: Worker;
  let done: Map<string, (job: Job) => void>;

  beforeAll(async () => {
    const prefix = `t-trace-${randomUUID().slice(0, 8)}`;
    queue = new Queue('sheet-tests', { connection, prefix });
    done = new Map();
    // The worker of the line in small: bin-sheet-test adds a fit-cells job, as the binning worker does.
    worker = new Worker(
      'sheet-tests',
      (job) =>
        observeJob('sheet-tests', job, async () => {
          logger.log(`job ${job.name}`);
          activeInJobs.push(trace.getActiveSpan()?.spanContext().traceId);
          if (job.name === 'bin-sheet-test') {
            const { sheetTestId } = job.data as { sheetTestId: string };
            await queue.add('fit-cells', { sheetTestId, trace: traceContextForJob() });
          }
        }),
      { connection, prefix },
    );
    worker.on('completed', (job) => done.get(`${job.name} ${(job.data as { sheetTestId: string }).sheetTestId}`)?.(job));
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await stopTracing();
  });

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    activeInJobs.length = 0;
    lines.length = 0;
  });

  // A failed test leaves tracing off for the next one all the same.
  afterEach(() => stopTracing());

  /** What the ingest does: in the request's span, add bin-sheet-test; wait until its fit-cells is done. */
  async function postSheetTest(sheetTestId: string): Promise<{ bin: Job; fit: Job }> {
    const finished = (name: string) => new Promise<Job>((resolve) => done.set(`${name} ${sheetTestId}`, resolve));
    const bin = finished('bin-sheet-test');
    const fit = finished('fit-cells');
    await inSpan('POST /api/v1/sheet-tests', { kind: SpanKind.SERVER }, () =>
      queue.add('bin-sheet-test', { sheetTestId, correlationId: sheetTestId, trace: traceContextForJob() }),
    );
    return { bin: await bin, fit: await fit };
  }

  it('makes each job span the child of the span that added the job', async () => {
    startTracing('tracing-test', { mode: 'off' }, exporter);
    const jobs = await postSheetTest(randomUUID());
    expect((jobs.bin.data as { trace?: Record<string, string> }).trace?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const request = byName('POST /api/v1/sheet-tests');
    const bin = byName('bin-sheet-test');
    const fit = byName('fit-cells');
    expect(bin.kind).toBe(SpanKind.CONSUMER);
    expect(bin.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(bin.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(fit.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(fit.parentSpanContext?.spanId).toBe(bin.spanContext().spanId);
    expect(bin.attributes['messaging.destination.name']).toBe('sheet-tests');
    expect(activeInJobs).toEqual([request.spanContext().traceId, request.spanContext().traceId]);

    // The worker's log lines carry the trace id beside the correlation id.
    const logged = lines.map((l) => JSON.parse(l) as { message: string; traceId?: string; correlationId?: string });
    const binLine = logged.find((l) => l.message === 'job bin-sheet-test');
    expect(binLine?.traceId).toBe(request.spanContext().traceId);
    expect(binLine?.correlationId).toBe((jobs.bin.data as { correlationId: string }).correlationId);
  });

  it('with tracing off, makes no span and puts no trace context into job data or log lines', async () => {
    // What every main.ts does with MES_TRACING=off (or nothing set).
    expect(startTracing('tracing-test', { mode: 'off' })).toBeUndefined();
    const jobs = await postSheetTest(randomUUID());
    expect(jobs.bin.data).not.toHaveProperty('trace');
    expect(jobs.fit.data).not.toHaveProperty('trace');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    // No span at all where the jobs ran (a no-op span would still be an active span here).
    expect(activeInJobs).toEqual([undefined, undefined]);
    const logged = lines.map((l) => JSON.parse(l) as { message: string; traceId?: string });
    expect(logged.map((l) => l.message)).toEqual(expect.arrayContaining(['job bin-sheet-test', 'job fit-cells']));
    expect(logged.filter((l) => l.traceId !== undefined)).toEqual([]);
  });
});
