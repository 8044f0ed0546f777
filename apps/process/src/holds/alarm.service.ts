import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { TrackingClient } from '@mes/tracking-client';
import type { AlarmKind, ProcessAlarmEntity, ProcessRunEntity } from '../database/process.entities';
import { AlarmRepository } from './alarm.repository';

export interface NewAlarm {
  kind: AlarmKind;
  subject: string;
  mdStartMm: number;
  mdEndMm: number;
  reason: string;
}

/** Narrowest region tracking accepts and a cell can fall in; a one-sample excursion still holds something. */
const MIN_REGION_MM = 1;

/**
 * Process alarms become holds in tracking. An alarm is stored in the same transaction as the data
 * that raised it; the hold is placed after commit, and a sweeper retries any that tracking did not
 * take (it was down), so no alarm is ever lost and none is held twice (row locks, SKIP LOCKED).
 */
@Injectable()
export class AlarmService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlarmService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: AlarmRepository,
    private readonly tracking: TrackingClient,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.placePendingHolds().catch((e: unknown) => this.logger.warn(`hold sweep failed: ${String(e)}`)),
      15_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Store alarms of a run (caller's transaction), each clamped to the run's segment. */
  async record(m: EntityManager, run: ProcessRunEntity, alarms: NewAlarm[]): Promise<ProcessAlarmEntity[]> {
    const rows: Omit<ProcessAlarmEntity, 'id' | 'createdAt'>[] = [];
    for (const a of alarms) {
      let start = Math.max(run.mdStartMm, Math.min(a.mdStartMm, a.mdEndMm));
      let end = Math.min(run.mdEndMm, Math.max(a.mdStartMm, a.mdEndMm));
      if (end - start < MIN_REGION_MM) {
        const mid = Math.min(Math.max((start + end) / 2, run.mdStartMm + MIN_REGION_MM / 2), run.mdEndMm - MIN_REGION_MM / 2);
        start = mid - MIN_REGION_MM / 2;
        end = mid + MIN_REGION_MM / 2;
      }
      rows.push({
        runId: run.id,
        kind: a.kind,
        subject: a.subject,
        rollBarcode: run.rollBarcode,
        sheetBarcode: run.sheetBarcode,
        mdStartMm: start,
        mdEndMm: end,
        reason: a.reason.slice(0, 2000),
        holdId: null,
      });
    }
    return this.repository.insert(m, rows);
  }

  /** Place the holds of alarms not yet held (ids given: only those). Never throws for tracking being down. */
  async placePendingHolds(ids?: string[]): Promise<void> {
    if (ids && ids.length === 0) return;
    for (;;) {
      const placed = await this.db
        .transaction(async (m) => {
          const alarm = await this.repository.takeUnheld(m, ids);
          if (!alarm) return false;
          // A sheet-level run affected exactly that sheet; a roll run, the MD region wherever it went.
          const holdId = alarm.sheetBarcode
            ? await this.tracking.holdSheet(alarm.sheetBarcode, alarm.reason)
            : await this.tracking.holdRollRegion(alarm.rollBarcode, alarm.mdStartMm, alarm.mdEndMm, alarm.reason);
          await this.repository.setHold(m, alarm.id, holdId);
          return true;
        })
        .catch((e: unknown) => {
          this.logger.warn(`a process hold could not be placed yet (retried every 15 s): ${e instanceof Error ? e.message : String(e)}`);
          return false;
        });
      if (!placed) return;
    }
  }

  ofRuns(runIds: string[]): Promise<ProcessAlarmEntity[]> {
    return this.repository.ofRuns(runIds);
  }
}
