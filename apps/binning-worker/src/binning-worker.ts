import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import { Pool } from 'pg';
import { TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import {
  assertHandlersComplete,
  DEFAULT_JOB_OPTIONS,
  isOutageFailure,
  JOBS,
  QUEUES,
  type BinSheetTestPayload,
  type JobName,
  type RebinPayload,
} from '@mes/queue-contracts';
import { TrackingClient } from '@mes/tracking-client';
import { bullConnection, observeJob, PG_SESSION_OPTIONS, runWithCorrelation } from '@mes/service-core';
import { FittingThreads } from './fitting-threads';
import { sheetTestJobHandlers } from './sheet-test.jobs';
import { SheetTestStore } from '@mes/test-data-store';

export interface BinningWorker {
  worker: Worker;
  /** PostgreSQL and Redis answer (the worker's GET /health). */
  health(): Promise<{ ok: boolean; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * The binning worker. A sheet test is split into fit-cells chunks (about 300 cells each) so that
 * several workers, and several threads of one worker, share a sheet; the chunk that completes the
 * last cells bins the whole sheet and sets it DONE (under the test's row lock, so exactly once), and
 * a finish job moves the sheet on.
 *
 * Parallelism: fitting is CPU-bound (about 0.6 ms per 50-point spectrum), so concurrent jobs in one
 * Node thread would only take turns. The fitting runs on BINNING_CONCURRENCY worker threads of this
 * process (FittingThreads) while the main thread keeps BullMQ's bookkeeping and the database I/O.
 * Chosen over the alternatives:
 * - two worker processes: the same parallelism for twice the memory (two Node heaps with pg, ioredis
 *   and the EIS code), and BINNING_CONCURRENCY would no longer say how many cores binning uses;
 *   `npm start` and the system tests would also have to start and watch two processes.
 * - BullMQ sandboxed processors (useWorkerThreads): also threads, but BullMQ loads the processor
 *   with import(), which the swc require hook the MES runs under does not serve, the threads are
 *   started lazily on the first jobs (the first sheet after a start pays the compile), and each
 *   thread would need its own PostgreSQL pool, Redis connection and tracking client.
 * On the 2-core machine one thread fits a 2,500-cell, 50-point sheet in about 1.5 s and two threads
 * in about 0.85 s; post-to-DONE through the whole MES went from about 2.4 s (one job per sheet) to
 * about 1.6 s with the default BINNING_CONCURRENCY of 2 (npm run bench ingest).
 *
 * A worker killed mid-sheet loses only the chunks in hand: BullMQ's stalled-job check hands them to
 * the next worker, and chunks already fitted are not fitted again.
 */
export function startBinningWorker(config: MesConfig): BinningWorker {
  const logger = new Logger('BinningWorker');
  const concurrency = config.binning.concurrency;
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: concurrency + 2,
    application_name: 'mes-binning-worker',
    options: PG_SESSION_OPTIONS,
  });
  pool.on('error', (e) => logger.warn(`postgres: ${e.message}`));
  const store = new SheetTestStore(pool);
  const threads = new FittingThreads(concurrency);
  const tracking = new TrackingClient(
    config.tracking.url,
    new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds),
    'binning-worker',
  );
  const redis = { url: config.redisUrl, mode: config.redisMode };
  const queueConnection = bullConnection(redis);
  const workerConnection = bullConnection(redis, {}, true);
  const queue = new Queue(QUEUES.sheetTests, {
    connection: queueConnection.connection,
    prefix: config.queuePrefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  queue.on('error', (e) => logger.warn(`queue: ${e.message}`));

  const handlers = sheetTestJobHandlers({ store, threads, tracking, queue, logger });
  assertHandlersComplete(Object.keys(handlers));

  const worker = new Worker(
    QUEUES.sheetTests,
    async (job) => {
      const handler = handlers[job.name as JobName] as ((j: typeof job) => Promise<unknown>) | undefined;
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      // Under the correlation id of the request that started the work, and timed.
      return observeJob(QUEUES.sheetTests, job, async () => {
        const result = await handler(job);
        logger.debug(`job ${job.name} ${job.id} done`);
        return result;
      });
    },
    // One job more than there are threads: a chunk reads or writes the database while the others fit.
    {
      connection: workerConnection.connection,
      prefix: config.queuePrefix,
      concurrency: concurrency + 1,
      stalledInterval: 15_000,
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const { correlationId } = job.data as { correlationId?: string };
    runWithCorrelation(correlationId, () => onFailed(job, err));
  });
  const onFailed = (job: Job, err: Error) => {
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.warn(`job ${job.id} attempt ${job.attemptsMade} failed: ${err.message}${final ? ' (final)' : ''}`);
    // A job that failed because storage was away is the sweeper's to take up again, not the test's failure.
    if (!final || isOutageFailure(err.message)) return;
    // Storage may be away again by now: a failed write here is logged, never an unhandled rejection that ends the worker.
    // A late inspection's re-bin has no row of its own to mark: the sweeper adds it again while the
    // inspection is not applied.
    if (job.name === JOBS.rebinInspectedSheet) return;
    const marked =
      job.name === JOBS.rebin
        ? store.markRebinFailed((job.data as RebinPayload).requestId, err.message)
        : store.markFailed((job.data as BinSheetTestPayload).sheetTestId, err.message);
    marked.catch((e: unknown) => logger.warn(`could not mark job ${job.id} failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  worker.on('error', (e) => logger.warn(`worker: ${e.message}`));
  return {
    worker,
    async health() {
      const down: string[] = [];
      const timeout = () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref());
      await Promise.race([pool.query('SELECT 1'), timeout()]).catch(() => down.push('postgresql'));
      await Promise.race([queue.getJobCounts('waiting'), timeout()]).catch(() => down.push('redis'));
      return {
        ok: down.length === 0,
        body: down.length ? { status: 'down', service: 'binning-worker', down } : { status: 'ok', service: 'binning-worker' },
      };
    },
    async close() {
      await worker.close(); // finishes the jobs in hand
      await queue.close();
      await Promise.all([queueConnection.close(), workerConnection.close()]);
      await threads.close();
      await pool.end();
    },
  };
}
