import { Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { Pool } from 'pg';
import { TokenService } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { assertHandlersComplete, JOBS, QUEUES, type BinSheetTestPayload, type JobName } from '@mes/queue-contracts';
import { TrackingClient } from '@mes/tracking-client';
import { evaluateSheetTest, ruleSetFor } from './evaluate-sheet-test';
import { SheetTestStore } from './sheet-test.store';

/** Sheets whose yield falls below this are held for engineering (per product: not configurable yet). */
const DEFAULT_YIELD_HOLD_BELOW = 0.8;
/** Retest policy: cells in soft bin 0 (rig fault) get this many retests before the sheet moves on. */
const DEFAULT_MAX_RETESTS = 1;

export interface BinningWorker {
  worker: Worker;
  close(): Promise<void>;
}

/**
 * The binning worker: one BullMQ worker on the sheet-test queue, concurrency from config. A job
 * killed half-way is picked up again by BullMQ's stalled-job check and simply runs again: results
 * are written idempotently and the test becomes DONE once.
 */
export function startBinningWorker(config: MesConfig): BinningWorker {
  const logger = new Logger('BinningWorker');
  const pool = new Pool({ connectionString: config.databaseUrl, max: config.binning.concurrency + 2, application_name: 'mes-binning-worker' });
  pool.on('error', (e) => logger.warn(`postgres: ${e.message}`));
  const store = new SheetTestStore(pool);
  const tracking = new TrackingClient(config.tracking.url, new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds), 'binning-worker');

  const handlers: Record<JobName, (job: Job) => Promise<unknown>> = {
    [JOBS.binSheetTest]: async (job: Job) => {
      const { sheetTestId } = job.data as BinSheetTestPayload;
      const loaded = await store.load(sheetTestId);
      if (!loaded) throw new Error(`sheet test ${sheetTestId} does not exist`);
      if (loaded.test.status === 'DONE') return { alreadyDone: true };
      await store.markBinning(sheetTestId);
      const t0 = performance.now();
      const ruleSet = ruleSetFor(loaded.test.cellAreaCm2);
      const results = evaluateSheetTest(loaded.test, loaded.cells, ruleSet);
      const bins = await store.complete(loaded.test, results, ruleSet.name, ruleSet.version);
      const standing = await store.sheetStanding(loaded.test.sheet);
      if (standing.rigFault > 0 && standing.testsDone <= DEFAULT_MAX_RETESTS) {
        // The sheet stays at its test operation until the rig has retested its rig-fault cells.
        logger.log(`sheet test ${loaded.test.testId}: ${standing.rigFault} cells in soft bin 0; ${loaded.test.sheet} waits at its test for a retest`);
        return { bins, waitsForRetest: standing.rigFault };
      }
      const good = standing.pass;
      const tested = standing.pass + standing.fail;
      const yieldFraction = tested ? good / tested : 0;
      await tracking.trackOutTestedSheet(loaded.test.sheet, loaded.test.rigStation, good, standing.fail + standing.rigFault);
      if (yieldFraction < DEFAULT_YIELD_HOLD_BELOW) {
        await tracking.holdSheet(
          loaded.test.sheet,
          `Sheet test ${loaded.test.testId}: yield ${(100 * yieldFraction).toFixed(1)} % is below the threshold of ${(100 * DEFAULT_YIELD_HOLD_BELOW).toFixed(0)} %`,
        );
      }
      logger.log(`sheet test ${loaded.test.testId} (${loaded.cells.length} cells) binned in ${(performance.now() - t0).toFixed(0)} ms; yield ${(100 * yieldFraction).toFixed(1)} %`);
      return { bins };
    },
  };
  assertHandlersComplete(Object.keys(handlers));

  const worker = new Worker(
    QUEUES.sheetTests,
    async (job) => {
      const handler = handlers[job.name as JobName];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      return handler(job);
    },
    { connection: { url: config.redisUrl }, prefix: config.queuePrefix, concurrency: config.binning.concurrency, stalledInterval: 15_000, maxStalledCount: 3 },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    logger.warn(`job ${job.id} attempt ${job.attemptsMade} failed: ${err.message}${final ? ' (final)' : ''}`);
    if (final) void store.markFailed((job.data as BinSheetTestPayload).sheetTestId, err.message);
  });
  worker.on('error', (e) => logger.warn(`worker: ${e.message}`));
  return {
    worker,
    async close() {
      await worker.close(); // finishes the jobs in hand
      await pool.end();
    },
  };
}
