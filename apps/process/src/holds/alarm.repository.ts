import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProcessAlarmEntity } from '../database/process.entities';

/** An alarm not yet held in tracking, as the sweeper takes it. */
export type UnheldAlarm = Pick<ProcessAlarmEntity, 'id' | 'rollBarcode' | 'sheetBarcode' | 'mdStartMm' | 'mdEndMm' | 'reason'>;

/** The process alarms' queries: stored with the data that raised them, taken one by one to be held, read by run. */
@Injectable()
export class AlarmRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores the alarms in the caller's transaction. */
  insert(m: EntityManager, alarms: Omit<ProcessAlarmEntity, 'id' | 'createdAt'>[]): Promise<ProcessAlarmEntity[]> {
    return alarms.length ? m.save(alarms.map((a) => m.create(ProcessAlarmEntity, a))) : Promise.resolve([]);
  }

  /**
   * The oldest alarm not yet held (of these ids, when given), locked for this transaction; alarms
   * another sweeper holds locked are skipped, so none is held twice.
   */
  async takeUnheld(m: EntityManager, ids: string[] | undefined): Promise<UnheldAlarm | null> {
    const [alarm] = await m.query<UnheldAlarm[]>(
      `SELECT id, roll_barcode AS "rollBarcode", sheet_barcode AS "sheetBarcode", md_start_mm AS "mdStartMm", md_end_mm AS "mdEndMm", reason
      FROM process.process_alarms
      WHERE hold_id IS NULL AND ($1::bigint[] IS NULL OR id = ANY($1)) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [ids ?? null],
    );
    return alarm ?? null;
  }

  async setHold(m: EntityManager, alarmId: string, holdId: string): Promise<void> {
    await m.query('UPDATE process.process_alarms SET hold_id = $2 WHERE id = $1', [alarmId, holdId]);
  }

  ofRuns(runIds: string[]): Promise<ProcessAlarmEntity[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.db
      .getRepository(ProcessAlarmEntity)
      .createQueryBuilder('a')
      .where('a.runId IN (:...runIds)', { runIds })
      .orderBy('a.id')
      .getMany();
  }
}
