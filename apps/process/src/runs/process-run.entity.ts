import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { MdCursor, OpenExcursion } from '@mes/process';

export type RunState = 'RUNNING' | 'COMPLETED';
/** WEB: the web moves through the zone and every sample maps to its own MD; BATCH: a sheet sits still, every sample covers all of it. */
export type RunMdMode = 'WEB' | 'BATCH';

/** Where trace ingest left off for a run: MD integration, energy, and alarm-band excursions still open. */
export interface TraceState {
  lastTMs: number;
  cursor: MdCursor | null;
  lastPower: { tMs: number; powerW: number } | null;
  open: Record<string, OpenExcursion>;
}

/** A process run: one recipe version on one piece of equipment over an MD segment of one roll. */
@Entity({ schema: 'process', name: 'process_runs' })
@Index('ix_process_runs_roll', ['rollBarcode', 'mdStartMm'])
@Index('ix_process_runs_equipment', ['equipmentCode', 'state'])
@Index('ix_process_runs_recipe', ['recipeId'])
export class ProcessRunEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  /** The sheet processed, for sheet-level operations; its MD interval is the run's segment. */
  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64, nullable: true })
  sheetBarcode!: string | null;

  @Column({ name: 'product_code', type: 'varchar', length: 32 })
  productCode!: string;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ name: 'station_code', type: 'varchar', length: 32 })
  stationCode!: string;

  @Column({ name: 'equipment_code', type: 'varchar', length: 32 })
  equipmentCode!: string;

  @Column({ name: 'recipe_id', type: 'bigint' })
  recipeId!: string;

  @Column({ name: 'md_start_mm', type: 'double precision' })
  mdStartMm!: number;

  @Column({ name: 'md_end_mm', type: 'double precision' })
  mdEndMm!: number;

  @Column({ name: 'md_mode', type: 'varchar', length: 8 })
  mdMode!: RunMdMode;

  @Column({ type: 'varchar', length: 12 })
  state!: RunState;

  @Column({ name: 'experiment_id', type: 'bigint', nullable: true })
  experimentId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  condition!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  actuals!: Record<string, number | string> | null;

  @Column({ name: 'energy_kwh', type: 'double precision', default: 0 })
  energyKwh!: number;

  @Column({ name: 'trace_samples', type: 'bigint', default: 0 })
  traceSamples!: string;

  @Column({ name: 'trace_state', type: 'jsonb', nullable: true })
  traceState!: TraceState | null;

  @Column({ name: 'started_by', type: 'varchar', length: 64 })
  startedBy!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'completed_by', type: 'varchar', length: 64, nullable: true })
  completedBy!: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
