import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A correction of the good/reject counts a sheet was tracked out with: the sheet's cells were binned
 * again after it left (an inspection that came after the test), so the counts it left with are no
 * longer what it carries. The track-out event stays as it was; the newest correction counts.
 */
@Entity({ schema: 'tracking', name: 'sheet_count_corrections' })
@Index('ix_sheet_count_corrections_event', ['scanEventId', 'id'])
export class SheetCountCorrectionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  /** The TRACK_OUT whose counts this corrects. */
  @Column({ name: 'scan_event_id', type: 'bigint' })
  scanEventId!: string;

  @Column({ name: 'good_count', type: 'integer' })
  goodCount!: number;

  @Column({ name: 'reject_count', type: 'integer' })
  rejectCount!: number;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
