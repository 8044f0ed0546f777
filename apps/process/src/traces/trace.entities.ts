import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One posted batch of a run's trace: its sample times and the reference MD of every sample, as
 * float32 offsets from the batch's first time and MD (compact, and precise to the millisecond and
 * the micrometre whatever the roll length). Partitioned by the month of its run's start
 * (trace-partitions.ts), which every row carries: a run's batches stay in one partition even when
 * the run crosses a month's end.
 */
@Entity({ schema: 'process', name: 'trace_batches' })
@Index('ix_trace_batches_md', ['runId', 'mdMinMm'])
export class TraceBatchEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ name: 'batch_id', type: 'varchar', length: 100 })
  batchId!: string;

  /** The run's started_at: the partition key. */
  @PrimaryColumn({ name: 'run_started_at', type: 'timestamptz' })
  runStartedAt!: Date;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ type: 'integer' })
  samples!: number;

  @Column({ name: 'first_at', type: 'timestamptz' })
  firstAt!: Date;

  @Column({ name: 'last_at', type: 'timestamptz' })
  lastAt!: Date;

  /** Milliseconds since the epoch of the first sample (float8 keeps sub-millisecond times). */
  @Column({ name: 't0_ms', type: 'double precision' })
  t0Ms!: number;

  @Column({ name: 'md0_mm', type: 'double precision' })
  md0Mm!: number;

  @Column({ name: 'md_min_mm', type: 'double precision' })
  mdMinMm!: number;

  @Column({ name: 'md_max_mm', type: 'double precision' })
  mdMaxMm!: number;

  /** float32 seconds since t0. */
  @Column({ name: 't_s', type: 'bytea' })
  tS!: Buffer;

  /** float32 reference MD minus md0, mm (before any zone offset); empty for BATCH runs. */
  @Column({ name: 'md_mm', type: 'bytea' })
  mdMm!: Buffer;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;
}

/** One channel of one batch: float32 values and their summary, with the zone offset applied at ingest; partitioned as its batch. */
@Entity({ schema: 'process', name: 'trace_channels' })
@Index('ix_trace_channels_lookup', ['runId', 'channel'])
export class TraceChannelEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ name: 'batch_id', type: 'varchar', length: 100 })
  batchId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  channel!: string;

  /** The run's started_at: the partition key. */
  @PrimaryColumn({ name: 'run_started_at', type: 'timestamptz' })
  runStartedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  unit!: string;

  @Column({ name: 'zone_offset_mm', type: 'double precision' })
  zoneOffsetMm!: number;

  @Column({ type: 'bytea' })
  values!: Buffer;

  @Column({ type: 'double precision' })
  min!: number;

  @Column({ type: 'double precision' })
  max!: number;

  @Column({ type: 'double precision' })
  mean!: number;
}
