import { bullConnection, observeJob, registerQueueDepth, SweepLeader, traceContextForJob, unregisterQueueDepth } from '@mes/service-core';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import {
  ANALYTICS_JOB_IDS,
  ANALYTICS_JOBS,
  ANALYTICS_QUEUE,
  assertAnalyticsHandlersComplete,
  DEFAULT_JOB_OPTIONS,
  JOB_IDS,
  QUEUES,
  CORRELATION_REFRESH_S,
  ROLL_ANALYSIS_DELAY_MS,
  type AnalyticsJobName,
  type AnalyzeRollPayload,
  type AnalyzeSheetPayload,
  type BackfillChartPayload,
  type CorrelateRollPayload,
} from '@mes/queue-contracts';
import { analyticsJobHandlers } from './analytics.jobs';
import type { CorrelationService } from './correlation.service';
import type { PatternsRepository, SheetMapsRepository } from '@mes/test-data-store';
import type { PatternsService } from './patterns.service';
import type { SpcService } from './spc.service';

export interface AnalyticsQueueOptions {
  redisUrl: string;
  /** standalone (default) or cluster (REDIS_MODE). */
  redisMode?: 'standalone' | 'cluster';
  prefix: string;
  /** Seconds between sweeps for sheets whose newest results have not been analysed and charts not yet backfilled (0: no sweeper). */
  sweepSeconds: number;
  /** The database whose session lock makes one replica the sweeper (SweepLeader). */
  databaseUrl?: string;
}

/** How long a request waits for Redis to take a job it stored durably before answering anyway. */
const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * The yield-analytics queue and its worker, in the test-data process (the analysis reads and writes
 * only test-data's schema). A sheet is analysed when the binning worker's finish job for its test
 * completes (observed through the sheet-test queue's events, so the binning worker is unchanged),
 * and a sweeper catches what the events missed (this process was down, Redis hiccuped): any sheet
 * whose newest DONE test is newer than its pattern result, and any chart whose backfill is still
 * pending (Redis was down when it was created). One job at a time: a chart's points must
 * land in order, and classification is CPU work that should not crowd the API's requests.
 */
@Injectable()
export class AnalyticsQueue implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AnalyticsQueue');
  private readonly queue: Queue<AnalyzeSheetPayload | AnalyzeRollPayload | CorrelateRollPayload | BackfillChartPayload>;
  private worker?: Worker;
  private events?: QueueEvents;
  private sweeper?: NodeJS.Timeout;
  private leader?: SweepLeader;
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(
    private readonly options: AnalyticsQueueOptions,
    private readonly stored: PatternsRepository,
    private readonly maps: SheetMapsRepository,
    private readonly patterns: PatternsService,
    private readonly spc: SpcService,
    private readonly correlation: CorrelationService,
  ) {
    this.queue = new Queue(ANALYTICS_QUEUE, {
      connection: this.connection({ maxRetriesPerRequest: 1, enableOfflineQueue: false }),
      prefix: options.prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.queue.on('error', (e) => this.logger.warn(`queue: ${e.message}`));
    registerQueueDepth(this.queue);
  }

  /** Analyse a sheet's current results (one pending job per sheet; it reads the newest results when it runs). */
  async analyzeSheet(sheet: string, sheetTestId: string): Promise<void> {
    await this.queue.add(
      ANALYTICS_JOBS.analyzeSheet,
      // A deduplicated job carries the trace of the request that added it first.
      { sheet, sheetTestId, trace: traceContextForJob() },
      { deduplication: { id: ANALYTICS_JOB_IDS.analyzeSheet(sheet) } },
    );
  }

  async analyzeRoll(roll: string): Promise<void> {
    await this.queue.add(
      ANALYTICS_JOBS.analyzeRoll,
      { roll, trace: traceContextForJob() },
      { delay: ROLL_ANALYSIS_DELAY_MS, deduplication: { id: ANALYTICS_JOB_IDS.analyzeRoll(roll) } },
    );
  }

  /** A requested correlation (one pending job per roll and metric); no retries: the engineer asks again. */
  async correlateRoll(roll: string, metric: string): Promise<void> {
    await this.queue.add(
      ANALYTICS_JOBS.correlateRoll,
      { roll, metric, trace: traceContextForJob() },
      { attempts: 1, deduplication: { id: ANALYTICS_JOB_IDS.correlateRoll(roll, metric) } },
    );
  }

  /** A stored correlation computed again (its roll's results changed); one pending refresh per roll and metric. */
  async refreshCorrelation(roll: string, metric: string): Promise<void> {
    await this.queue.add(
      ANALYTICS_JOBS.correlateRoll,
      { roll, metric, refresh: true, trace: traceContextForJob() },
      { attempts: 1, deduplication: { id: ANALYTICS_JOB_IDS.refreshCorrelation(roll, metric) } },
    );
  }

  /**
   * A new chart's points from the product's sheets already binned. In the same one-at-a-time queue as
   * the sheets' analyses, so sheets that land after it add their points after the history. One
   * pending job per chart (a second add while one waits or runs is dropped).
   */
  async backfillChart(chartId: string): Promise<void> {
    await this.queue.add(
      ANALYTICS_JOBS.backfillChart,
      { chartId, trace: traceContextForJob() },
      { deduplication: { id: ANALYTICS_JOB_IDS.backfillChart(chartId) } },
    );
  }

  /**
   * Queue a new chart's backfill without failing the request that created it: the chart was stored
   * with its backfill pending, so when Redis cannot take the job now the sweeper queues it later.
   */
  async requestBackfill(chartId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A queue that has not reached Redis since start waits for it instead of failing: do not hold the request.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not take the job within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
      });
      await Promise.race([this.backfillChart(chartId), late]);
      return true;
    } catch (e) {
      this.logger.warn(
        `could not queue the backfill of SPC chart ${chartId} (the sweeper retries): ${e instanceof Error ? e.message : String(e)}`,
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleInit(): void {
    const handlers = analyticsJobHandlers({
      maps: this.maps,
      patterns: this.patterns,
      spc: this.spc,
      correlation: this.correlation,
      rollLater: (roll) => this.analyzeRoll(roll),
    });
    assertAnalyticsHandlersComplete(Object.keys(handlers));
    this.worker = new Worker(
      ANALYTICS_QUEUE,
      async (job: Job) => {
        const handler = handlers[job.name as AnalyticsJobName] as ((j: Job) => Promise<unknown>) | undefined;
        if (!handler) throw new Error(`no handler for job ${job.name}`);
        return observeJob(ANALYTICS_QUEUE, job, () => handler(job));
      },
      { connection: this.connection({}, true), prefix: this.options.prefix, concurrency: 1 },
    );
    this.worker.on(
      'failed',
      (job, err) =>
        job && this.logger.warn(`analytics job ${job.name} ${JSON.stringify(job.data)} attempt ${job.attemptsMade} failed: ${err.message}`),
    );
    this.worker.on('error', (e) => this.logger.warn(`worker: ${e.message}`));
    this.events = new QueueEvents(QUEUES.sheetTests, { connection: this.connection({}, true), prefix: this.options.prefix });
    this.events.on('error', (e) => this.logger.warn(`sheet-test queue events: ${e.message}`));
    this.events.on('completed', ({ jobId }) => {
      if (!jobId.endsWith(JOB_IDS.finishSheetTest(''))) return;
      void this.landed(jobId.slice(0, -JOB_IDS.finishSheetTest('').length));
    });
    if (this.options.sweepSeconds > 0 && this.options.databaseUrl) {
      // One replica sweeps for all (the holder of the sweeper lock); another takes over if it stops.
      const leader = new SweepLeader(this.options.databaseUrl, 'analytics');
      this.leader = leader;
      this.sweeper = setInterval(() => void leader.tick(() => this.sweep()), this.options.sweepSeconds * 1000);
      this.sweeper.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.leader?.close();
    await this.events?.close();
    await this.worker?.close();
    unregisterQueueDepth(this.queue);
    await this.queue.close();
    for (const close of this.closers.splice(0)) await close();
  }

  /** A connection for one queue, worker or event reader (on a cluster, a client closed with this). */
  private connection(options: RedisOptions, blocking = false) {
    const { connection, close } = bullConnection(
      { url: this.options.redisUrl, mode: this.options.redisMode ?? 'standalone' },
      options,
      blocking,
    );
    this.closers.push(close);
    return connection;
  }

  private async landed(sheetTestId: string): Promise<void> {
    try {
      const sheet = await this.stored.sheetOfTest(sheetTestId);
      if (sheet) await this.analyzeSheet(sheet, sheetTestId);
    } catch (e) {
      // The sweeper picks the sheet up later.
      this.logger.warn(`could not enqueue the analysis of sheet test ${sheetTestId}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * What was stored but may not have reached Redis: charts whose backfill is still pending (queued
   * again first, so history lands before newer sheets' points) and sheets whose newest DONE test is
   * newer than their pattern result (or that have none); and correlations whose roll's results changed
   * since (see CORRELATION_REFRESH_S). Returns the charts, sheets and "roll metric" pairs queued.
   */
  async sweep(limit = 200): Promise<string[]> {
    const queued: string[] = [];
    try {
      for (const chartId of await this.spc.backfillsPending()) {
        await this.backfillChart(chartId);
        queued.push(chartId);
      }
      const rows = await this.stored.stale(limit);
      for (const r of rows) {
        await this.analyzeSheet(r.sheet_barcode, r.id);
        queued.push(r.sheet_barcode);
      }
      // Last: a correlation reads the whole roll, so the sheets' own analyses go first.
      for (const c of await this.correlation.stale(CORRELATION_REFRESH_S, limit)) {
        await this.refreshCorrelation(c.roll, c.metric);
        queued.push(`${c.roll} ${c.metric}`);
      }
    } catch (e) {
      this.logger.warn(`analytics sweep failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return queued;
  }
}
