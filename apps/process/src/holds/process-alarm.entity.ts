import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AlarmKind = 'ACTUAL_LIMIT' | 'TRACE_BAND';

/**
 * A process alarm and the hold it asked for. Stored with the data that raised it, then the hold is
 * placed in tracking; a sweeper retries those whose hold is not placed yet (tracking was down).
 */
@Entity({ schema: 'process', name: 'process_alarms' })
@Index('ix_process_alarms_run', ['runId'])
@Index('ix_process_alarms_pending', ['holdId', 'createdAt'])
export class ProcessAlarmEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: AlarmKind;

  /** The parameter or the trace channel. */
  @Column({ type: 'varchar', length: 64 })
  subject!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64, nullable: true })
  sheetBarcode!: string | null;

  @Column({ name: 'md_start_mm', type: 'double precision' })
  mdStartMm!: number;

  @Column({ name: 'md_end_mm', type: 'double precision' })
  mdEndMm!: number;

  @Column({ type: 'varchar', length: 2000 })
  reason!: string;

  @Column({ name: 'hold_id', type: 'varchar', length: 32, nullable: true })
  holdId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
