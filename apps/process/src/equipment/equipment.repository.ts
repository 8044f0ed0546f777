import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { E10State } from '@mes/process';
import { EquipmentEntity, EquipmentStateChangeEntity } from '../database/process.entities';

/** The process service's equipment rows (E10 state, target, offsets, trace key) and their state history. */
@Injectable()
export class EquipmentRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  byCode(code: string, m: EntityManager = this.db.manager): Promise<EquipmentEntity | null> {
    return m.getRepository(EquipmentEntity).findOne({ where: { code } });
  }

  /** The row under a write lock (state, target and key changes of one equipment take turns). */
  lock(m: EntityManager, code: string): Promise<EquipmentEntity | null> {
    return m.getRepository(EquipmentEntity).findOne({ where: { code }, lock: { mode: 'pessimistic_write' } });
  }

  /** The row of equipment seen for the first time (STANDBY); a concurrent first sighting finds it made. */
  async insertFirstSeen(m: EntityManager, code: string, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO process.equipment (code, e10_state, state_since, zone_offsets_mm) VALUES ($1, 'STANDBY', $2, '{}') ON CONFLICT (code) DO NOTHING`,
      [code, at],
    );
  }

  async insertStateChange(
    m: EntityManager,
    change: { equipmentCode: string; fromState: E10State | null; toState: E10State; at: Date; changedBy: string; reason: string },
  ): Promise<void> {
    await m.save(m.create(EquipmentStateChangeEntity, change));
  }

  /** Writes the named columns of one equipment's row. */
  async update(m: EntityManager, code: string, patch: Partial<EquipmentEntity>): Promise<void> {
    await m.update(EquipmentEntity, { code }, patch);
  }

  /** Adds a run's energy to what the equipment's target has consumed (in SQL: runs completing at once both count). */
  async addTargetConsumption(m: EntityManager, code: string, energyKwh: number): Promise<void> {
    await m.update(EquipmentEntity, { code }, { targetConsumedKwh: () => `target_consumed_kwh + ${Number(energyKwh)}` });
  }

  all(): Promise<EquipmentEntity[]> {
    return this.db.getRepository(EquipmentEntity).find({ order: { code: 'ASC' } });
  }

  /** The newest 100 state changes, newest first. */
  history(code: string): Promise<EquipmentStateChangeEntity[]> {
    return this.db.getRepository(EquipmentStateChangeEntity).find({ where: { equipmentCode: code }, order: { id: 'DESC' }, take: 100 });
  }

  async runsInProgress(m: EntityManager, code: string): Promise<number> {
    const running = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM process.process_runs WHERE equipment_code = $1 AND state = 'RUNNING'`,
      [code],
    );
    return running[0].n;
  }
}
