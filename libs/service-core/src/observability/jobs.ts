import { runWithCorrelation } from './correlation';
import { DURATION_BUCKETS, gauge, histogram } from './metrics';
import { runJobInSpan } from './tracing';

/** What a queue must answer to be counted (a BullMQ Queue does). */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

const countedQueues = new Map<string, CountableQueue>();

/**
 * mes_queue_jobs{queue,state}: the jobs waiting, active, delayed and failed in each queue, asked of
 * Redis when Prometheus scrapes (one round trip per queue). Registered by the process that owns the
 * queues (test-data), so a sum over apps does not count a queue twice.
 */
export function registerQueueDepth(queue: CountableQueue): void {
  countedQueues.set(queue.name, queue);
  gauge('mes_queue_jobs', 'Jobs in each queue by state, when scraped', ['queue', 'state'], async function collect() {
    this.reset();
    await Promise.all(
      [...countedQueues.values()].map(async (q) => {
        // A Redis that does not answer leaves the queue out of this scrape instead of failing it.
        const counts = await q.getJobCounts(...JOB_STATES).catch(() => undefined);
        if (!counts) return;
        for (const state of JOB_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
      }),
    );
  });
}

/** A queue closed (a module torn down) is no longer asked. */
export function unregisterQueueDepth(queue: CountableQueue): void {
  if (countedQueues.get(queue.name) === queue) countedQueues.delete(queue.name);
}

/**
 * Run a job's handler under the correlation id its producer put into the job data, in a span that
 * is the child of the producer's (when tracing is on), and time it:
 * mes_queue_job_duration_seconds{queue,job,outcome}.
 */
export async function observeJob<T>(
  queue: string,
  job: { id?: string; name: string; data: unknown },
  handle: () => Promise<T>,
): Promise<T> {
  const duration = histogram(
    'mes_queue_job_duration_seconds',
    'Job durations by queue, job name and outcome',
    ['queue', 'job', 'outcome'],
    DURATION_BUCKETS,
  );
  const data = job.data as { correlationId?: unknown } | null;
  const correlationId = typeof data?.correlationId === 'string' ? data.correlationId : undefined;
  const start = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
  return runWithCorrelation(correlationId, async () => {
    try {
      const result = await runJobInSpan(queue, job, handle);
      duration.observe({ queue, job: job.name, outcome: 'completed' }, seconds());
      return result;
    } catch (e) {
      duration.observe({ queue, job: job.name, outcome: 'failed' }, seconds());
      throw e;
    }
  });
}
