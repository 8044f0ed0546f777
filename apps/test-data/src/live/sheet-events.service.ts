import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { QUEUES } from '@mes/queue-contracts';
import { bullConnection, redisTargetOf, type RedisTarget } from '@mes/service-core';
import type { SheetEvent, SheetProgressRepository } from '@mes/test-data-store';

export type { SheetEvent };

type Listener = (e: SheetEvent) => void;

/**
 * Watches the sheet-test queue's completed jobs (BullMQ queue events, a Redis stream: nothing polls)
 * and tells the pages watching a sheet how far its test is. The worker is not changed: every job id
 * starts with its sheet test id (JOB_IDS), and PostgreSQL has the test's state once the job is done.
 */
@Injectable()
export class SheetEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(SheetEventsService.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private events: QueueEvents | null = null;
  private closeConnection: () => Promise<void> = async () => undefined;

  constructor(
    private readonly progress: SheetProgressRepository,
    private readonly redis: string | RedisTarget,
    private readonly prefix: string,
  ) {}

  /** Listen to one sheet; returns the function that stops listening. */
  subscribe(sheet: string, listener: Listener): () => void {
    this.start();
    let set = this.listeners.get(sheet);
    if (!set) this.listeners.set(sheet, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(sheet);
    };
  }

  /** The newest test of a sheet as it stands, for a page that just connected; null when untested. */
  async current(sheet: string): Promise<SheetEvent | null> {
    return this.progress.newestOfSheet(sheet);
  }

  // Connect on the first subscriber, so a test-data without pages open holds no extra Redis link.
  private start(): void {
    if (this.events) return;
    const { connection, close } = bullConnection(redisTargetOf(this.redis), {}, true);
    this.closeConnection = close;
    this.events = new QueueEvents(QUEUES.sheetTests, { connection, prefix: this.prefix });
    this.events.on('error', (e) => this.logger.warn(`queue events: ${e.message}`));
    this.events.on('completed', ({ jobId }) => void this.jobDone(jobId));
  }

  private async jobDone(jobId: string): Promise<void> {
    if (!this.listeners.size) return;
    const sheetTestId = /^([0-9a-f-]{36})(\.|$)/i.exec(jobId)?.[1];
    try {
      if (sheetTestId) {
        const e = await this.progress.ofTest(sheetTestId);
        if (e) this.emit(e);
      } else if (jobId.startsWith('rebin.')) {
        // A re-bin can touch any sheet: tell every watched sheet to read its results again.
        for (const sheet of this.listeners.keys()) {
          const e = await this.current(sheet);
          if (e) this.emit(e);
        }
      }
    } catch (e) {
      this.logger.warn(`live update for job ${jobId}: ${(e as Error).message}`);
    }
  }

  private emit(e: SheetEvent): void {
    for (const l of this.listeners.get(e.sheet) ?? []) l(e);
  }

  async onModuleDestroy(): Promise<void> {
    await this.events?.close().catch(() => undefined);
    await this.closeConnection();
  }
}
