import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { UnitLevel } from '../master-data/master-data.entities';

export type ScanAction = 'TRACK_IN' | 'TRACK_OUT';

/** One accepted station scan; refused scans change nothing and leave no event. */
@Entity({ schema: 'tracking', name: 'scan_events' })
@Index('ix_scan_events_unit', ['unitKind', 'unitId', 'at'])
export class ScanEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'unit_kind', type: 'varchar', length: 8 })
  unitKind!: UnitLevel;

  @Column({ name: 'unit_id', type: 'bigint' })
  unitId!: string;

  @Column({ name: 'station_id', type: 'bigint' })
  stationId!: string;

  @Column({ name: 'equipment_id', type: 'bigint', nullable: true })
  equipmentId!: string | null;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ name: 'step_seq', type: 'integer' })
  stepSeq!: number;

  @Column({ type: 'varchar', length: 12 })
  action!: ScanAction;

  @Column({ name: 'good_count', type: 'integer', nullable: true })
  goodCount!: number | null;

  @Column({ name: 'reject_count', type: 'integer', nullable: true })
  rejectCount!: number | null;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
