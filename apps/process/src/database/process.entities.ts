import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { E10State, MdCursor, OpenExcursion, ParameterDefinition, RecipeState, TraceBand } from '@mes/process';

/** One version of a named recipe for one operation. RELEASED and OBSOLETE versions never change. */
@Entity({ schema: 'process', name: 'recipes' })
@Unique('uq_recipes_name_version', ['name', 'version'])
export class RecipeEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Index()
  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 10 })
  state!: RecipeState;

  @Column({ type: 'jsonb' })
  parameters!: ParameterDefinition[];

  /** Alarm bands on equipment trace channels (e.g. QCM rate within ±20 % of its target). */
  @Column({ name: 'trace_bands', type: 'jsonb' })
  traceBands!: TraceBand[];

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'released_by', type: 'varchar', length: 64, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'obsoleted_at', type: 'timestamptz', nullable: true })
  obsoletedAt!: Date | null;
}

/** What a product's route step allows: which recipes (by name, any released version) and which equipment. */
@Entity({ schema: 'process', name: 'route_step_recipes' })
@Unique('uq_route_step_recipes', ['productCode', 'operation'])
export class RouteStepRecipesEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'product_code', type: 'varchar', length: 32 })
  productCode!: string;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ name: 'recipe_names', type: 'text', array: true })
  recipeNames!: string[];

  /** Empty: any equipment of a station performing the operation. */
  @Column({ name: 'equipment_codes', type: 'text', array: true })
  equipmentCodes!: string[];

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/**
 * The process view of a piece of equipment (tracking owns its identity and station): SEMI E10
 * state, the sputter target's life, deposition-zone offsets and the key it posts traces with.
 */
@Entity({ schema: 'process', name: 'equipment' })
export class EquipmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ name: 'e10_state', type: 'varchar', length: 20 })
  e10State!: E10State;

  @Column({ name: 'state_since', type: 'timestamptz' })
  stateSince!: Date;

  @Column({ name: 'key_hash', type: 'char', length: 64, nullable: true })
  keyHash!: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  /** Energy a target may take before it must be changed; null: not counted. */
  @Column({ name: 'target_life_kwh', type: 'double precision', nullable: true })
  targetLifeKwh!: number | null;

  @Column({ name: 'target_consumed_kwh', type: 'double precision', default: 0 })
  targetConsumedKwh!: number;

  /** Where each trace channel's zone sits relative to the MD reference (the encoder), mm. */
  @Column({ name: 'zone_offsets_mm', type: 'jsonb' })
  zoneOffsetsMm!: Record<string, number>;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

@Entity({ schema: 'process', name: 'equipment_state_changes' })
@Index('ix_equipment_state_changes_code', ['equipmentCode', 'at'])
export class EquipmentStateChangeEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'equipment_code', type: 'varchar', length: 32 })
  equipmentCode!: string;

  @Column({ name: 'from_state', type: 'varchar', length: 20, nullable: true })
  fromState!: E10State | null;

  @Column({ name: 'to_state', type: 'varchar', length: 20 })
  toState!: E10State;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'changed_by', type: 'varchar', length: 64 })
  changedBy!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;
}

export interface ExperimentArmRecord {
  condition: string;
  mdStartMm: number;
  mdEndMm: number;
  recipeId: string;
  recipeName: string;
  recipeVersion: number;
}

/** A split of one roll into MD regions that run alternate recipe versions at one operation. */
@Entity({ schema: 'process', name: 'experiments' })
@Index('ix_experiments_roll_operation', ['rollBarcode', 'operation'])
export class ExperimentEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 2000 })
  purpose!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ type: 'jsonb' })
  arms!: ExperimentArmRecord[];

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

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

/**
 * One posted batch of a run's trace: its sample times and the reference MD of every sample, as
 * float32 offsets from the batch's first time and MD (compact, and precise to the millisecond and
 * the micrometre whatever the roll length).
 */
@Entity({ schema: 'process', name: 'trace_batches' })
@Index('ix_trace_batches_md', ['runId', 'mdMinMm'])
export class TraceBatchEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ name: 'batch_id', type: 'varchar', length: 100 })
  batchId!: string;

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

/** One channel of one batch: float32 values and their summary, with the zone offset applied at ingest. */
@Entity({ schema: 'process', name: 'trace_channels' })
@Index('ix_trace_channels_lookup', ['runId', 'channel'])
export class TraceChannelEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @PrimaryColumn({ name: 'batch_id', type: 'varchar', length: 100 })
  batchId!: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  channel!: string;

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

/** A layer thickness map of a roll from metrology (CD x MD grid, µm). */
@Entity({ schema: 'process', name: 'thickness_maps' })
@Index('ix_thickness_maps_roll_layer', ['rollBarcode', 'layer', 'measuredAt'])
export class ThicknessMapEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ type: 'varchar', length: 16 })
  layer!: string;

  @Column({ type: 'varchar', length: 64 })
  instrument!: string;

  @Column({ name: 'measured_at', type: 'timestamptz' })
  measuredAt!: Date;

  @Column({ name: 'cd_mm', type: 'double precision', array: true })
  cdMm!: number[];

  @Column({ name: 'md_mm', type: 'double precision', array: true })
  mdMm!: number[];

  @Column({ name: 'values_um', type: 'double precision', array: true })
  valuesUm!: number[];

  @Column({ name: 'posted_by', type: 'varchar', length: 64 })
  postedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Process settings of a product that tracking does not own: the LCO utilization behind predicted capacity. */
@Entity({ schema: 'process', name: 'product_settings' })
export class ProductSettingsEntity {
  @PrimaryColumn({ name: 'product_code', type: 'varchar', length: 32 })
  productCode!: string;

  @Column({ name: 'lco_utilization', type: 'double precision' })
  lcoUtilization!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** Append-only (a trigger refuses UPDATE and DELETE): who changed what in the process data. */
@Entity({ schema: 'process', name: 'audit_records' })
@Index('ix_process_audit_entity', ['entityType', 'entityId'])
export class ProcessAuditEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'varchar', length: 64 })
  entityId!: string;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at!: Date;
}

export const PROCESS_ENTITIES = [
  RecipeEntity,
  RouteStepRecipesEntity,
  EquipmentEntity,
  EquipmentStateChangeEntity,
  ExperimentEntity,
  ProcessRunEntity,
  TraceBatchEntity,
  TraceChannelEntity,
  ProcessAlarmEntity,
  ThicknessMapEntity,
  ProductSettingsEntity,
  ProcessAuditEntity,
];
