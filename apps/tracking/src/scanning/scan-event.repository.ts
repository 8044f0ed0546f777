import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UnitLevel } from '../master-data/master-data.entities';
import type { RollEntity, SheetEntity, TrackedUnitColumns } from '../material/material.entities';
import type { ScanActionEnum } from './scan.model';
import { ScanEventEntity } from './scan-event.entity';

/** A roll or a sheet as a scan moves it. */
export type ScannedUnit = (RollEntity | SheetEntity) & TrackedUnitColumns;

/** Scan events: the last one of a unit, and a scan's one-statement write. */
@Injectable()
export class ScanEventRepository {
  /** The unit's newest scan event. */
  lastOf(m: EntityManager, kind: UnitLevel, unitId: string): Promise<ScanEventEntity | null> {
    return m.findOne(ScanEventEntity, { where: { unitKind: kind, unitId }, order: { id: 'DESC' } });
  }

  /**
   * One statement for the unit's new state, its scan event and its audit record (the same row
   * AuditService writes): a scan is the hottest write of the line, and this saves two round trips.
   */
  async commitScan(
    m: EntityManager,
    kind: UnitLevel,
    unit: ScannedUnit,
    e: {
      stationId: string;
      equipmentId: string | null;
      operation: string;
      stepSeq: number;
      action: ScanActionEnum;
      goodCount: number | null;
      rejectCount: number | null;
      actor: string;
      before: object;
      after: object;
    },
  ): Promise<ScanEventEntity> {
    const table = kind === 'ROLL' ? 'tracking.rolls' : 'tracking.sheets';
    const rows = await m.query<{ id: string; at: Date }[]>(
      `WITH moved AS (
         UPDATE ${table} SET status = $2, step_seq = $3, step_state = $4, station_id = $5, electrochemical_state = $19, version = version + 1 WHERE id = $1 RETURNING id),
       event AS (
         INSERT INTO tracking.scan_events (unit_kind, unit_id, station_id, equipment_id, operation, step_seq, action, good_count, reject_count, actor)
         SELECT $6, id, $7, $8, $9, $10, $11, $12, $13, $14 FROM moved RETURNING id, at),
       audit AS (
         INSERT INTO tracking.audit_records (actor, action, entity_type, entity_key, before, after)
         SELECT $14, $11, $15, $16, $17::jsonb, $18::jsonb FROM event)
       SELECT id, at FROM event`,
      [
        unit.id,
        unit.status,
        unit.stepSeq,
        unit.stepState,
        unit.stationId,
        kind,
        e.stationId,
        e.equipmentId,
        e.operation,
        e.stepSeq,
        e.action,
        e.goodCount,
        e.rejectCount,
        e.actor,
        kind === 'ROLL' ? 'Roll' : 'Sheet',
        unit.barcode,
        JSON.stringify(e.before),
        JSON.stringify(e.after),
        unit.electrochemicalState,
      ],
    );
    if (rows.length !== 1) throw new Error(`scan of ${unit.barcode} wrote ${rows.length} events; expected exactly one`);
    return Object.assign(new ScanEventEntity(), {
      id: String(rows[0].id),
      unitKind: kind,
      unitId: unit.id,
      stationId: e.stationId,
      equipmentId: e.equipmentId,
      operation: e.operation,
      stepSeq: e.stepSeq,
      action: e.action,
      goodCount: e.goodCount,
      rejectCount: e.rejectCount,
      actor: e.actor,
      at: rows[0].at,
    });
  }
}
