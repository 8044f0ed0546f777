import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { TrackingClient } from '@mes/tracking-client';
import { ProcessAlarmEntity, type AlarmKind, type ProcessRunEntity } from '../database/process.entities';

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
    const rows: ProcessAlarmEntity[] = [];
    for (const a of alarms) {
      let start = Math.max(run.mdStartMm, Math.min(a.mdStartMm, a.mdEndMm));
      let end = Math.min(run.mdEndMm, Math.max(a.mdStartMm, a.mdEndMm));
      if (end - start < MIN_REGION_MM) {
        const mid = Math.min(Math.max((start + end) / 2, run.mdStartMm + MIN_REGION_MM / 2), run.mdEndMm - MIN_REGION_MM / 2);
        start = mid - MIN_REGION_MM / 2;
        end = mid + MIN_REGION_MM / 2;
      }
      rows.push(
        m.create(ProcessAlarmEntity, {
          runId: run.id,
          kind: a.kind,
          subject: a.subject,
          rollBarcode: run.rollBarcode,
          sheetBarcode: run.sheetBarcode,
          mdStartMm: start,
          mdEndMm: end,
          reason: a.reason.slice(0, 2000),
          holdId: null,
        }),
      );
    }
    return rows.length ? m.save(rows) : [];
  }

  /** Place the holds of alarms not yet held (ids given: only those). Never throws for tracking being down. */
  async placePendingHolds(ids?: string[]): Promise<void> {
    if (ids && ids.length === 0) return;
    for (;;) {
      const placed = await this.db
        .transaction(async (m) => {
          const [alarm] = await m.query<
            { id: string; roll_barcode: string; sheet_barcode: string | null; md_start_mm: number; md_end_mm: number; reason: string }[]
          >(
            `SELECT id, roll_barcode, sheet_barcode, md_start_mm, md_end_mm, reason FROM process.process_alarms
            WHERE hold_id IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1)) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
            [ids ?? null],
          );
          if (!alarm) return false;
          // A sheet-level run affected exactly that sheet; a roll run, the MD region wherever it went.
          const holdId = alarm.sheet_barcode
            ? await this.tracking.holdSheet(alarm.sheet_barcode, alarm.reason)
            : await this.tracking.holdRollRegion(alarm.roll_barcode, alarm.md_start_mm, alarm.md_end_mm, alarm.reason);
          await m.query('UPDATE process.process_alarms SET hold_id = $2 WHERE id = $1', [alarm.id, holdId]);
          return true;
        })
        .catch((e: unknown) => {
          this.logger.warn(`a process hold could not be placed yet (retried every 15 s): ${e instanceof Error ? e.message : String(e)}`);
          return false;
        });
      if (!placed) return;
    }
  }

  async ofRuns(runIds: string[]): Promise<ProcessAlarmEntity[]> {
    if (runIds.length === 0) return [];
    return this.db
      .getRepository(ProcessAlarmEntity)
      .createQueryBuilder('a')
      .where('a.runId IN (:...runIds)', { runIds })
      .orderBy('a.id')
      .getMany();
  }
}
