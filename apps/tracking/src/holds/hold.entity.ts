import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type HoldTarget = 'ROLL' | 'ROLL_REGION' | 'SHEET' | 'CELL';
export type HoldDisposition = 'RELEASE' | 'REWORK' | 'SCRAP';

/**
 * A hold stops material. A ROLL or ROLL_REGION hold covers every sheet and cell that came from
 * that stretch of web, through cuts, splices and slits (resolved when a unit is checked).
 */
@Entity({ schema: 'tracking', name: 'holds' })
@Index('ix_holds_roll_active', ['rollId', 'active'])
export class HoldEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 12 })
  target!: HoldTarget;

  @Column({ name: 'roll_id', type: 'bigint', nullable: true })
  rollId!: string | null;

  @Column({ name: 'md_start_mm', type: 'double precision', nullable: true })
  mdStartMm!: number | null;

  @Column({ name: 'md_end_mm', type: 'double precision', nullable: true })
  mdEndMm!: number | null;

  @Index()
  @Column({ name: 'sheet_id', type: 'bigint', nullable: true })
  sheetId!: string | null;

  @Index()
  @Column({ name: 'cell_id', type: 'bigint', nullable: true })
  cellId!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'placed_by', type: 'varchar', length: 64 })
  placedBy!: string;

  @CreateDateColumn({ name: 'placed_at', type: 'timestamptz' })
  placedAt!: Date;

  @Column({ type: 'varchar', length: 8, nullable: true })
  disposition!: HoldDisposition | null;

  @Column({ name: 'released_by', type: 'varchar', length: 64, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'release_comment', type: 'text', nullable: true })
  releaseComment!: string | null;

  /**
   * Queue-time holds only (placed by a scan): the route step whose limit was exceeded and the
   * vacuum TRACK_OUT scan event the queue time counted from. Together with the unit they key the
   * exposure: once released with RELEASE, that same exposure is accepted and not held again.
   */
  @Column({ name: 'queue_route_step_id', type: 'bigint', nullable: true })
  queueRouteStepId!: string | null;

  @Index('ix_holds_queue_from_event')
  @Column({ name: 'queue_from_event_id', type: 'bigint', nullable: true })
  queueFromEventId!: string | null;
}
