import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { ensurePartitionsAhead } from '@mes/test-data-store';

/** Months of partitions kept ready ahead of now, and how often the keeper looks. */
export const PARTITION_MONTHS_AHEAD = 3;
const KEEP_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Keeps this month's and the next three months' partitions of raw cells, features and results made
 * (at start, then hourly), so ingest never waits for DDL. Several test-data replicas may all do it:
 * making a month is idempotent. Ingest still makes a month it finds missing (a keeper that failed).
 */
export class PartitionKeeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PartitionKeeper.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.keep();
    this.timer = setInterval(() => void this.keep(), KEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async keep(now = new Date()): Promise<void> {
    const runner = this.db.createQueryRunner();
    try {
      const made = await ensurePartitionsAhead((await runner.connect()) as PoolClient, now, PARTITION_MONTHS_AHEAD);
      if (made.length) this.logger.log(`made the partitions of ${made.join(', ')}`);
    } catch (e) {
      this.logger.warn(`could not make partitions ahead: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      await runner.release();
    }
  }
}
