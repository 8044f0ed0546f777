import {
  bullConnection,
  currentCorrelationId,
  redisTargetOf,
  registerQueueDepth,
  SweepLeader,
  traceContextForJob,
  unregisterQueueDepth,
  type RedisTarget,
} from '@mes/service-core';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_JOB_OPTIONS,
  JOB_IDS,
  JOBS,
  QUEUES,
  isOutageFailure,
  sheetTestChunks,
  type BinSheetTestPayload,
  type FinishSheetTestPayload,
  type FitCellsPayload,
  type RebinInspectedSheetPayload,
  type RebinPayload,
} from '@mes/queue-contracts';
import {
  queuedRebinRequestIds,
  queuedSheetTestIds,
  runningRebinRequestIds,
  stuckSheetTests,
  unappliedInspections,
  type StuckSheetTest,
} from '@mes/test-data-store';

/** How long a test may be in BINNING before its jobs are checked (the sweeper looks every MES_SWEEP_INTERVAL_S, 30 s by default). */
export const LOST_AFTER_S = 30;

/** Job states in which a worker has the job or will take it: such work is alive and is never added again. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The producer side of the sheet-test queue. Jobs are keyed by the sheet test id, so adding one
 * twice is harmless; a sweeper re-adds tests that were stored but never reached the queue (Redis
 * down at that moment), which makes "stored in PostgreSQL" the only promise a 202 needs.
 */
@Injectable()
export class SheetTestQueue implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SheetTestQueue.name);
  private readonly queue: Queue<BinSheetTestPayload | FitCellsPayload | FinishSheetTestPayload | RebinPayload | RebinInspectedSheetPayload>;
  private sweeper?: NodeJS.Timeout;
  private readonly closeConnection: () => Promise<void>;
  /** Only the replica holding the sweeper lock sweeps; null: no timer (a test calls sweep itself). */
  private readonly leader: SweepLeader | null;

  constructor(
    redis: string | RedisTarget,
    prefix: string,
    private readonly db: DataSource,
    private readonly sweepEvery: { databaseUrl: string; seconds: number } | null = null,
  ) {
    this.leader = sweepEvery ? new SweepLeader(sweepEvery.databaseUrl, 'sheet-tests') : null;
    const { connection, close } = bullConnection(redisTargetOf(redis), { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.closeConnection = close;
    this.queue = new Queue<BinSheetTestPayload | FitCellsPayload | FinishSheetTestPayload | RebinPayload | RebinInspectedSheetPayload>(
      QUEUES.sheetTests,
      {
        connection,
        prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      },
    );
    this.queue.on('error', (e) => this.logger.warn(`queue: ${e.message}`));
    registerQueueDepth(this.queue);
  }

  async enqueue(sheetTestId: string, correlationId?: string): Promise<void> {
    await this.queue.add(
      JOBS.binSheetTest,
      { sheetTestId, correlationId: correlationId ?? currentCorrelationId(), trace: traceContextForJob() } satisfies BinSheetTestPayload,
      { jobId: JOB_IDS.binSheetTest(sheetTestId) },
    );
  }

  /** A stored rebin request to the workers (keyed by the request: adding it twice is harmless). */
  async enqueueRebin(requestId: string): Promise<void> {
    await this.queue.add(
      JOBS.rebin,
      { requestId, correlationId: currentCorrelationId(), trace: traceContextForJob() } satisfies RebinPayload,
      {
        jobId: JOB_IDS.rebin(requestId),
      },
    );
  }

  /** A sheet whose tests were binned before its inspection came: bin them again with the defects. */
  async enqueueInspectedSheet(inspectionUuid: string, sheet: string): Promise<void> {
    await this.queue.add(JOBS.rebinInspectedSheet, { inspectionUuid, sheet } satisfies RebinInspectedSheetPayload, {
      jobId: JOB_IDS.rebinInspectedSheet(inspectionUuid),
    });
  }

  onModuleInit(): void {
    const leader = this.leader;
    if (!leader || !this.sweepEvery) return;
    this.sweeper = setInterval(() => void leader.tick(() => this.sweep()), this.sweepEvery.seconds * 1000);
    this.sweeper.unref();
  }

  /**
   * Hand the workers whatever PostgreSQL holds as pending and Redis does not (any more): tests and
   * rebin requests still QUEUED a while after they were stored (Redis was down when they came), and
   * tests in BINNING (or DONE but not moved on) and RUNNING rebins whose jobs are gone from Redis (a
   * Redis restarted without persistence, or flushed). A test whose jobs are still waiting or running
   * is left alone, so a long queue is not doubled; keyed job ids make a race harmless. With a sweep
   * every 30 s and 30 s of grace, lost work is back in the queue within about a minute. One replica
   * sweeps at a time (SweepLeader), taking over from another that stopped.
   */
  async sweep(olderThanSeconds = 20, lostAfterSeconds = LOST_AFTER_S): Promise<number> {
    try {
      const queued = await queuedSheetTestIds(this.db, olderThanSeconds);
      // a bin job that failed during an outage keeps its id, so adding it again would do nothing
      for (const id of queued) if (!(await this.retryOutageFailure(JOB_IDS.binSheetTest(id)))) await this.enqueue(id);
      const rebins = await queuedRebinRequestIds(this.db, olderThanSeconds);
      for (const id of rebins) if (!(await this.retryOutageFailure(JOB_IDS.rebin(id)))) await this.enqueueRebin(id);
      let lost = 0;
      for (const id of await runningRebinRequestIds(this.db, lostAfterSeconds)) {
        const state = await this.queue.getJobState(JOB_IDS.rebin(id));
        if (state === 'failed' && (await this.retryOutageFailure(JOB_IDS.rebin(id)))) {
          lost++;
          continue;
        }
        if (state !== 'unknown') continue;
        await this.enqueueRebin(id);
        lost++;
      }
      for (const t of await stuckSheetTests(this.db, lostAfterSeconds)) if (await this.readdLostJobs(t)) lost++;
      // An inspection whose re-binning job never reached Redis, or was lost with it.
      for (const i of await unappliedInspections(this.db, lostAfterSeconds)) {
        if ((await this.queue.getJobState(JOB_IDS.rebinInspectedSheet(i.id))) !== 'unknown') continue;
        await this.enqueueInspectedSheet(i.id, i.sheet);
        lost++;
      }
      if (lost) this.logger.warn(`re-added the jobs of ${lost} sheet tests, rebin requests or inspections that Redis no longer had`);
      return queued.length + rebins.length + lost;
    } catch (e) {
      this.logger.warn(`sweep failed: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
  }

  /** Re-add a test's missing jobs when none of its jobs is alive in Redis; true when any was added. */
  private async readdLostJobs(t: StuckSheetTest): Promise<boolean> {
    const chunks = sheetTestChunks(t.cellCount);
    const chunkIds = chunks.map((c) => JOB_IDS.fitCells(t.id, c.chunk));
    const finishId = JOB_IDS.finishSheetTest(t.id);
    const [binState, finishState, ...chunkStates] = await Promise.all(
      [JOB_IDS.binSheetTest(t.id), finishId, ...chunkIds].map((id) => this.queue.getJobState(id)),
    );
    if ([binState, finishState, ...chunkStates].some((s) => LIVE_STATES.has(s))) return false;
    const ids = [JOB_IDS.binSheetTest(t.id), finishId, ...chunkIds];
    let retried = false;
    for (const [i, state] of [binState, finishState, ...chunkStates].entries())
      if (state === 'failed' && (await this.retryOutageFailure(ids[i]))) retried = true;
    if (retried) return true;
    if (t.status === 'DONE') {
      if (finishState !== 'unknown') return false;
      await this.queue.add(JOBS.finishSheetTest, { sheetTestId: t.id } satisfies FinishSheetTestPayload, { jobId: finishId });
      return true;
    }
    const missing = chunks.filter((_, i) => chunkStates[i] === 'unknown');
    if (!missing.length) return false;
    await this.queue.addBulk(
      missing.map((c) => ({
        name: JOBS.fitCells,
        data: { sheetTestId: t.id, ...c } satisfies FitCellsPayload,
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: JOB_IDS.fitCells(t.id, c.chunk) },
      })),
    );
    return true;
  }

  /** Moves a job that failed because a dependency was away back to waiting, with fresh attempts; true when it did. */
  private async retryOutageFailure(jobId: string): Promise<boolean> {
    const job = await this.queue.getJob(jobId);
    if (!job || !(await job.isFailed()) || !isOutageFailure(job.failedReason ?? '')) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    this.logger.warn(`job ${jobId} failed while storage was unavailable: taken up again`);
    return true;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.leader?.close();
    unregisterQueueDepth(this.queue);
    await this.queue.close();
    await this.closeConnection();
  }
}
