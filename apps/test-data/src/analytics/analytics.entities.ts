import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A control chart of one product: a per-sheet statistic of one metric (a CD zone's mean or spread, or
 * the sheet's yield), its chart type and the run rules that raise events. Limits are frozen into
 * versions (spc_limits); `limitsVersion` 0 means no limits yet: points are kept but not judged.
 */
@Entity({ schema: 'test_data', name: 'spc_charts' })
@Index('ux_spc_charts_name', ['productCode', 'name'], { unique: true })
export class SpcChartEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'product_code', type: 'varchar', length: 64 })
  productCode!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** ASR, OCV, R_OHMIC, R_CT (a cell metric of the passing cells) or YIELD. */
  @Column({ type: 'varchar', length: 16 })
  metric!: string;

  /** ZONE_MEAN, ZONE_SD or YIELD. */
  @Column({ type: 'varchar', length: 16 })
  statistic!: string;

  /** I_MR, XBAR_S or P. */
  @Column({ name: 'chart_type', type: 'varchar', length: 8 })
  chartType!: string;

  /** Number of CD zones the sheet is cut into, and which one this chart follows (null: the whole sheet). */
  @Column({ type: 'smallint' })
  zones!: number;

  @Column({ type: 'smallint', nullable: true })
  zone!: number | null;

  @Column({ type: 'text', array: true })
  rules!: string[];

  /** Whether a violation holds the roll region of its points through tracking. */
  @Column({ name: 'hold_on_violation', type: 'boolean', default: true })
  holdOnViolation!: boolean;

  @Column({ name: 'limits_version', type: 'integer', default: 0 })
  limitsVersion!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One frozen set of limits of a chart; never changed, a new freeze adds a version. */
@Entity({ schema: 'test_data', name: 'spc_limits' })
export class SpcLimitsEntity {
  @PrimaryColumn({ name: 'chart_id', type: 'uuid' })
  chartId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'double precision' })
  centre!: number;

  @Column({ type: 'double precision' })
  sigma!: number;

  @Column({ name: 'dispersion_centre', type: 'double precision' })
  dispersionCentre!: number;

  /** The sheets the limits were computed from, in MD / landing order. */
  @Column({ name: 'baseline_sheets', type: 'text', array: true })
  baselineSheets!: string[];

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'frozen_by', type: 'varchar', length: 64 })
  frozenBy!: string;

  @CreateDateColumn({ name: 'frozen_at', type: 'timestamptz' })
  frozenAt!: Date;
}

/** A sheet's point on a chart (a retest of the sheet replaces it). `seq` orders the points as they landed. */
@Entity({ schema: 'test_data', name: 'spc_points' })
@Index('ix_spc_points_seq', ['chartId', 'seq'])
export class SpcPointEntity {
  @PrimaryColumn({ name: 'chart_id', type: 'uuid' })
  chartId!: string;

  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ type: 'bigint' })
  seq!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @Column({ name: 'md_from_mm', type: 'double precision', nullable: true })
  mdFromMm!: number | null;

  @Column({ name: 'md_to_mm', type: 'double precision', nullable: true })
  mdToMm!: number | null;

  /** Zone mean, zone σ or defectives (p charts), with the subgroup size and spread where they apply. */
  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'integer', nullable: true })
  n!: number | null;

  @Column({ type: 'double precision', nullable: true })
  spread!: number | null;

  /** Distance from the centre in σ of the point under `limitsVersion` (null before limits were frozen). */
  @Column({ type: 'double precision', nullable: true })
  z!: number | null;

  @Column({ name: 'limits_version', type: 'integer' })
  limitsVersion!: number;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}

/** A run-rule violation: the chart, the rule, the points, and the holds placed on their roll regions. */
@Entity({ schema: 'test_data', name: 'spc_events' })
@Index('ux_spc_events_rule_at', ['chartId', 'rule', 'atSheet'], { unique: true })
@Index('ix_spc_events_status', ['status', 'createdAt'])
export class SpcEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'chart_id', type: 'uuid' })
  chartId!: string;

  @Column({ type: 'varchar', length: 16 })
  rule!: string;

  @Column({ name: 'limits_version', type: 'integer' })
  limitsVersion!: number;

  /** The sheet whose point broke the rule. */
  @Column({ name: 'at_sheet', type: 'varchar', length: 64 })
  atSheet!: string;

  /** The points that make up the violation: [{ sheet, roll, value, z, mdFromMm, mdToMm }]. */
  @Column({ type: 'jsonb' })
  points!: unknown;

  @Column({ type: 'text' })
  reason!: string;

  /** Holds placed in tracking, one per roll region: [{ roll, mdFromMm, mdToMm, holdId }]. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  holds!: unknown;

  @Column({ name: 'hold_error', type: 'text', nullable: true })
  holdError!: string | null;

  /** OPEN or ACKNOWLEDGED. */
  @Column({ type: 'varchar', length: 16, default: 'OPEN' })
  status!: string;

  @Column({ name: 'acknowledged_by', type: 'varchar', length: 64, nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'ack_comment', type: 'text', nullable: true })
  ackComment!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The spatial classification of a sheet's current results. */
@Entity({ schema: 'test_data', name: 'sheet_patterns' })
@Index('ix_sheet_patterns_roll', ['rollBarcode'])
export class SheetPatternEntity {
  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @Column({ type: 'text', array: true })
  classes!: string[];

  @Column({ type: 'jsonb' })
  findings!: unknown;

  @Column({ name: 'fail_rate', type: 'double precision' })
  failRate!: number;

  @Column({ name: 'classified_at', type: 'timestamptz' })
  classifiedAt!: Date;
}

/** The spatial classification of a roll: its tested sheets one after the other along MD. */
@Entity({ schema: 'test_data', name: 'roll_patterns' })
export class RollPatternEntity {
  @PrimaryColumn({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ type: 'integer' })
  sheets!: number;

  @Column({ type: 'text', array: true })
  classes!: string[];

  @Column({ type: 'jsonb' })
  findings!: unknown;

  @Column({ name: 'fail_rate', type: 'double precision' })
  failRate!: number;

  @Column({ name: 'classified_at', type: 'timestamptz' })
  classifiedAt!: Date;
}

export const ANALYTICS_ENTITIES = [SpcChartEntity, SpcLimitsEntity, SpcPointEntity, SpcEventEntity, SheetPatternEntity, RollPatternEntity];
