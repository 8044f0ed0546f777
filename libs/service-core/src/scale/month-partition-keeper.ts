import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { DomainError } from '../domain-error';
import { addMonths, ensureMonthPartitions, isMissingPartition, monthOf, type Month, type MonthPartitionSet } from './month-partitions';

/** Months of partitions kept ready ahead of now, and how often the keeper looks. */
export const PARTITION_MONTHS_AHEAD = 3;
const KEEP_INTERVAL_MS = 60 * 60 * 1000;

/** How long making a missing month at ingest may wait for the parent table's lock before the post is refused (503). */
const INGEST_DDL_LOCK_TIMEOUT = '5s';

/** `fn` on one connection of the data source's pool. */
async function onConnection<T>(db: DataSource, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  try {
    return await fn((await runner.connect()) as PoolClient);
  } finally {
    await runner.release();
  }
}

/**
 * Keeps this month's and the next three months' partitions of a set made (at start, then hourly),
 * so ingest never waits for DDL. Several replicas may all do it: making a month is idempotent.
 * Ingest still makes a month it finds missing (withMonthPartition), should the keeper have failed.
 */
export class MonthPartitionKeeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MonthPartitionKeeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    private readonly set: MonthPartitionSet,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.keep();
    this.timer = setInterval(() => void this.keep(), KEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async keep(now = new Date()): Promise<void> {
    try {
      const month = monthOf(now);
      const made = await onConnection(this.db, (c) => ensureMonthPartitions(c, this.set, month, addMonths(month, PARTITION_MONTHS_AHEAD)));
      if (made.length) this.logger.log(`made the ${this.set.schema} partitions of ${made.join(', ')}`);
    } catch (e) {
      this.logger.warn(`could not make ${this.set.schema} partitions ahead: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Stores with `store` (one whole transaction); when PostgreSQL refuses its rows for having no
 * partition of their month (the keeper has not run, or a clock jumped), makes that month and stores
 * again, the first transaction having rolled back whole. When the month cannot be made (or is
 * archived), the answer is a 503: nothing was stored and posting again is safe.
 */
export async function withMonthPartition<T>(
  db: DataSource,
  set: MonthPartitionSet,
  monthOfRows: () => Month,
  store: () => Promise<T>,
  logger?: Logger,
): Promise<T> {
  try {
    return await store();
  } catch (e) {
    if (!isMissingPartition(e)) throw e;
  }
  const month = monthOfRows();
  logger?.warn(`no ${set.schema} partition for ${month} yet: making it at ingest`);
  const refuse = (why: string) => {
    logger?.error(`no ${set.schema} partition for ${month} and it could not be made: ${why}`);
    return new DomainError(
      'SERVICE_UNAVAILABLE',
      `Storage has no partition for ${month} and could not make one: nothing was stored; post again later`,
      [],
      { retryAfterSeconds: 60 },
    );
  };
  try {
    await onConnection(db, async (c) => {
      await c.query(`SET lock_timeout = '${INGEST_DDL_LOCK_TIMEOUT}'`);
      try {
        await ensureMonthPartitions(c, set, month, month);
      } finally {
        await c.query('RESET lock_timeout');
      }
    });
  } catch (e) {
    throw refuse(e instanceof Error ? e.message : String(e));
  }
  try {
    return await store();
  } catch (e) {
    // Made, yet refused again: the month is archived (ensure leaves an archived month as it is).
    if (isMissingPartition(e)) throw refuse(`month ${month} is archived (npm run partitions -- attach ${month})`);
    throw e;
  }
}
