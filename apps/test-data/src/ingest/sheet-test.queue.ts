import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import {
  DEFAULT_JOB_OPTIONS,
  JOB_IDS,
  JOBS,
  QUEUES,
  sheetTestChunks,
  type BinSheetTestPayload,
  type FinishSheetTestPayload,
  type FitCellsPayload,
  type RebinPayload,
} from '@mes/queue-contracts';
import { queuedRebinRequestIds, queuedSheetTestIds, stuckSheetTests } from '@mes/test-data-store';

/**
 * The producer side of the sheet-test queue. Jobs are keyed by the sheet test id, so adding one
 * twice is harmless; a sweeper re-adds tests that were stored but never reached the queue (Redis
 * down at that moment), which makes "stored in PostgreSQL" the only promise a 202 needs.
 */
@Injectable()
export class SheetTestQueue implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SheetTestQueue.name);
  private readonly queue: Queue<BinSheetTestPayload | FitCellsPayload | FinishSheetTestPayload | RebinPayload>;
  private sweeper?: NodeJS.Timeout;

  constructor(
    redisUrl: string,
    prefix: string,
    private readonly db: DataSource,
  ) {
    this.queue = new Queue<BinSheetTestPayload | FitCellsPayload | FinishSheetTestPayload | RebinPayload>(QUEUES.sheetTests, {
      connection: { url: redisUrl, maxRetriesPerRequest: 1, enableOfflineQueue: false },
      prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    this.queue.on('error', (e) => this.logger.warn(`queue: ${e.message}`));
  }

  async enqueue(sheetTestId: string, correlationId?: string): Promise<void> {
    await this.queue.add(JOBS.binSheetTest, { sheetTestId, correlationId }, { jobId: JOB_IDS.binSheetTest(sheetTestId) });
  }

  /** A stored rebin request to the workers (keyed by the request: adding it twice is harmless). */
  async enqueueRebin(requestId: string): Promise<void> {
    await this.queue.add(JOBS.rebin, { requestId } satisfies RebinPayload, { jobId: JOB_IDS.rebin(requestId) });
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /**
   * Re-enqueue tests and rebin requests still QUEUED a while after they were stored; and for tests in
   * BINNING, or DONE but not yet moved on, long after they came in (but within a day: tests binned
   * before dispositions were recorded have none), re-add their chunk or finish jobs in case Redis
   * lost them: a job that still exists is not added again, and one that runs again changes nothing.
   */
  async sweep(olderThanSeconds = 20, stuckAfterSeconds = 600): Promise<number> {
    try {
      const queued = await queuedSheetTestIds(this.db, olderThanSeconds);
      for (const id of queued) await this.enqueue(id);
      const rebins = await queuedRebinRequestIds(this.db, olderThanSeconds);
      for (const id of rebins) await this.enqueueRebin(id);
      const stuck = await stuckSheetTests(this.db, stuckAfterSeconds);
      for (const t of stuck) {
        if (t.status === 'DONE') {
          await this.queue.add(JOBS.finishSheetTest, { sheetTestId: t.id } satisfies FinishSheetTestPayload, {
            jobId: JOB_IDS.finishSheetTest(t.id),
          });
          continue;
        }
        await this.queue.addBulk(
          sheetTestChunks(t.cellCount).map((c) => ({
            name: JOBS.fitCells,
            data: { sheetTestId: t.id, ...c } satisfies FitCellsPayload,
            opts: { ...DEFAULT_JOB_OPTIONS, jobId: JOB_IDS.fitCells(t.id, c.chunk) },
          })),
        );
      }
      return queued.length + rebins.length + stuck.length;
    } catch (e) {
      this.logger.warn(`sweep failed: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.queue.close();
  }
}
