import type { StackComparison, StackRouteStep } from '@mes/assembly';
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A multilayer battery design: N cells of one cell product stacked in parallel. The matching rules
 * and final-test limits are the product's, so every stack of it is built and judged alike.
 */
@Entity({ schema: 'assembly', name: 'stack_products' })
export class StackProductEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The tracking product (cell design) its layers are made of. */
  @Column({ name: 'cell_product_code', type: 'varchar', length: 32 })
  cellProductCode!: string;

  @Column({ name: 'target_capacity_mah', type: 'double precision' })
  targetCapacityMah!: number;

  /** A layer's capacity when no thickness-based prediction is known. */
  @Column({ name: 'nominal_cell_capacity_mah', type: 'double precision' })
  nominalCellCapacityMah!: number;

  @Column({ name: 'max_layers', type: 'integer' })
  maxLayers!: number;

  /** Soft bins (pass grades 1..9) a layer may have. */
  @Column({ name: 'allowed_grades', type: 'integer', array: true })
  allowedGrades!: number[];

  @Column({ name: 'asr_spread_pct', type: 'double precision' })
  asrSpreadPct!: number;

  @Column({ name: 'capacity_spread_pct', type: 'double precision' })
  capacitySpreadPct!: number;

  /** null: layers may come from anywhere; else one roll, within this MD span. */
  @Column({ name: 'max_md_span_mm', type: 'double precision', nullable: true })
  maxMdSpanMm!: number | null;

  @Column({ name: 'ocv_min_v', type: 'double precision' })
  ocvMinV!: number;

  @Column({ name: 'ocv_max_v', type: 'double precision' })
  ocvMaxV!: number;

  @Column({ name: 'impedance_tolerance', type: 'double precision' })
  impedanceTolerance!: number;

  /** The stack's route after singulation, each step with its hottest temperature (°C, null near room temperature). */
  @Column({ type: 'jsonb' })
  route!: StackRouteStep[];

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ schema: 'assembly', name: 'work_orders' })
export class WorkOrderEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Index()
  @Column({ name: 'stack_product_id', type: 'bigint' })
  stackProductId!: string;

  /** Stacks to build. */
  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ type: 'varchar', length: 8 })
  status!: 'OPEN' | 'CLOSED';

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * A cell picked out of its sheet, with what it was when picked (its result and roll position are
 * copied here so that stacking, matching and where-used never ask another service per cell).
 */
@Entity({ schema: 'assembly', name: 'singulated_cells' })
@Unique('uq_singulated_cells_sheet_row_col', ['sheetBarcode', 'row', 'col'])
// Where-used reads (roll, MD) -> stack from this index alone.
@Index('ix_singulated_cells_roll_md', ['rollBarcode', 'mdMm', 'stackId'])
@Index('ix_singulated_cells_grade', ['status', 'softBin'])
export class SingulatedCellEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ type: 'smallint' })
  row!: number;

  @Column({ type: 'smallint' })
  col!: number;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'md_mm', type: 'double precision' })
  mdMm!: number;

  @Column({ name: 'cd_mm', type: 'double precision' })
  cdMm!: number;

  @Column({ name: 'soft_bin', type: 'smallint' })
  softBin!: number;

  @Column({ name: 'hard_bin', type: 'smallint', nullable: true })
  hardBin!: number | null;

  @Column({ name: 'asr_ohm_cm2', type: 'double precision', nullable: true })
  asrOhmCm2!: number | null;

  /** High-frequency intercept and total resistance (ASR / area): the layer's part of the stack expectation. */
  @Column({ name: 'r_ohmic_ohm', type: 'double precision', nullable: true })
  rOhmicOhm!: number | null;

  @Column({ name: 'r_total_ohm', type: 'double precision', nullable: true })
  rTotalOhm!: number | null;

  @Column({ name: 'capacity_mah', type: 'double precision' })
  capacityMah!: number;

  /** PREDICTED: from the LCO thickness map at its roll position (process); NOMINAL: the stack product's value. */
  @Column({ name: 'capacity_source', type: 'varchar', length: 10, default: 'NOMINAL' })
  capacitySource!: 'PREDICTED' | 'NOMINAL';

  /** SINGULATED: in its carrier; STACKED: a layer of a stack; BROKEN: lost at singulation. */
  @Column({ type: 'varchar', length: 12 })
  status!: 'SINGULATED' | 'STACKED' | 'BROKEN';

  @Column({ type: 'varchar', length: 64, nullable: true })
  carrier!: string | null;

  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  @Column({ name: 'scrap_reason', type: 'varchar', length: 500, nullable: true })
  scrapReason!: string | null;

  @Index()
  @Column({ name: 'report_id', type: 'bigint' })
  reportId!: string;

  /** The stack the cell is a layer of (also in stack_layers, with its order): kept here for where-used. */
  @Column({ name: 'stack_id', type: 'bigint', nullable: true })
  stackId!: string | null;
}

/** What a singulation station reported for one sheet (one report per sheet). */
@Entity({ schema: 'assembly', name: 'singulation_reports' })
export class SingulationReportEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64, unique: true })
  sheetBarcode!: string;

  @Column({ name: 'station_code', type: 'varchar', length: 32 })
  stationCode!: string;

  @Column({ type: 'varchar', length: 8 })
  strategy!: 'GRADED' | 'KITS';

  @Column({ name: 'cells_tested', type: 'integer' })
  cellsTested!: number;

  @Column({ name: 'cells_passed', type: 'integer' })
  cellsPassed!: number;

  @Column({ name: 'cells_in_pick_map', type: 'integer' })
  cellsInPickMap!: number;

  @Column({ type: 'integer' })
  picked!: number;

  @Column({ type: 'integer' })
  broken!: number;

  @Column({ name: 'reported_by', type: 'varchar', length: 64 })
  reportedBy!: string;

  @CreateDateColumn({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;
}

export type StackStatus = 'BUILDING' | 'BUILT' | 'TESTED' | 'SCRAPPED';

@Entity({ schema: 'assembly', name: 'stacks' })
export class StackEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  barcode!: string;

  @Index()
  @Column({ name: 'stack_product_id', type: 'bigint' })
  stackProductId!: string;

  @Column({ name: 'work_order_id', type: 'bigint', nullable: true })
  workOrderId!: string | null;

  /** N, fixed when the stack is started. */
  @Column({ name: 'layers_planned', type: 'integer' })
  layersPlanned!: number;

  /** The smallest layer capacity N was computed from (ceil(target / it)), and whether it was predicted or nominal. */
  @Column({ name: 'layer_capacity_mah', type: 'double precision', nullable: true })
  layerCapacityMah!: number | null;

  @Column({ name: 'layers_source', type: 'varchar', length: 10, default: 'NOMINAL' })
  layersSource!: 'PREDICTED' | 'NOMINAL';

  @Column({ type: 'varchar', length: 12 })
  status!: StackStatus;

  /** Where the stack is on its route (STACKING, FORMATION, STACK_TEST): moved by scans at those stations. */
  @Column({ type: 'varchar', length: 32, default: 'STACKING' })
  step!: string;

  /** AS_MADE until it leaves FORMATION, then FORMED (a step above 180 °C refuses it). */
  @Column({ name: 'electrochemical_state', type: 'varchar', length: 8, default: 'AS_MADE' })
  electrochemicalState!: 'AS_MADE' | 'FORMED';

  /** Final-test bin: PASS, OPEN_LAYER, SHORTED_LAYER, MISMATCH; null until tested. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  bin!: string | null;

  @Column({ name: 'bin_reason', type: 'varchar', length: 1000, nullable: true })
  binReason!: string | null;

  @Column({ name: 'station_code', type: 'varchar', length: 32 })
  stationCode!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'built_at', type: 'timestamptz', nullable: true })
  builtAt!: Date | null;
}

/** A stack's layers in build order (layer 1 at the bottom). A cell is a layer of one stack at most. */
@Entity({ schema: 'assembly', name: 'stack_layers' })
export class StackLayerEntity {
  @PrimaryColumn({ name: 'stack_id', type: 'bigint' })
  stackId!: string;

  @PrimaryColumn({ name: 'layer_index', type: 'integer' })
  layerIndex!: number;

  @Column({ name: 'cell_id', type: 'bigint', unique: true })
  cellId!: string;

  @Column({ name: 'added_by', type: 'varchar', length: 64 })
  addedBy!: string;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;
}

/** The stored spectrum a layer contributed to a stack test's expectation. */
export interface StackLayerSpectrumSource {
  layerIndex: number;
  cellCode: string;
  sheetTestId: string;
  testId: string;
}

@Entity({ schema: 'assembly', name: 'stack_tests' })
export class StackTestEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  /** Chosen by the station: the idempotency key. */
  @Column({ name: 'test_id', type: 'varchar', length: 64, unique: true })
  testId!: string;

  @Index()
  @Column({ name: 'stack_id', type: 'bigint' })
  stackId!: string;

  @Column({ name: 'station_code', type: 'varchar', length: 32 })
  stationCode!: string;

  @Column({ name: 'ocv_v', type: 'double precision' })
  ocvV!: number;

  @Column({ name: 'frequencies_hz', type: 'double precision', array: true })
  frequenciesHz!: number[];

  @Column({ name: 'z_re_ohm', type: 'double precision', array: true })
  zReOhm!: number[];

  @Column({ name: 'z_im_ohm', type: 'double precision', array: true })
  zImOhm!: number[];

  @Column({ type: 'varchar', length: 16 })
  bin!: string;

  @Column({ type: 'varchar', length: 1000 })
  reason!: string;

  /** RMS relative deviation of the spectrum from the all-layers expectation; null on tests stored before it was always computed. */
  @Column({ type: 'double precision', nullable: true })
  deviation!: number | null;

  @Column({ name: 'suspect_layer', type: 'integer', nullable: true })
  suspectLayer!: number | null;

  /**
   * What the verdict was drawn from: expected against measured at each compared frequency, the
   * deviation of every hypothesis, and which sheet test each layer's spectrum came from. Null on
   * tests judged before whole spectra were compared.
   */
  @Column({ type: 'jsonb', nullable: true })
  comparison!: (StackComparison & { layerSpectra: StackLayerSpectrumSource[] }) | null;

  @Column({ name: 'tested_by', type: 'varchar', length: 64 })
  testedBy!: string;

  @CreateDateColumn({ name: 'tested_at', type: 'timestamptz' })
  testedAt!: Date;
}

/** One cycle of a sample stack on a cycler; a re-import of the stack replaces its cycles. */
@Entity({ schema: 'assembly', name: 'cycle_results' })
export class CycleResultEntity {
  @PrimaryColumn({ name: 'stack_id', type: 'bigint' })
  stackId!: string;

  @PrimaryColumn({ type: 'integer' })
  cycle!: number;

  @Column({ name: 'charge_mah', type: 'double precision' })
  chargeMah!: number;

  @Column({ name: 'discharge_mah', type: 'double precision' })
  dischargeMah!: number;

  @Column({ name: 'ce_pct', type: 'double precision' })
  cePct!: number;

  @Column({ name: 'discharge_energy_mwh', type: 'double precision', nullable: true })
  dischargeEnergyMwh!: number | null;

  @Column({ name: 'end_voltage_v', type: 'double precision', nullable: true })
  endVoltageV!: number | null;
}

@Entity({ schema: 'assembly', name: 'audit_records' })
@Index('ix_assembly_audit_entity', ['entityType', 'entityId'])
export class AssemblyAuditEntity {
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

export const ASSEMBLY_ENTITIES = [
  StackProductEntity,
  WorkOrderEntity,
  SingulatedCellEntity,
  SingulationReportEntity,
  StackEntity,
  StackLayerEntity,
  StackTestEntity,
  CycleResultEntity,
  AssemblyAuditEntity,
];
