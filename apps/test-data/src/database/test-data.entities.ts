import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { TestDataAuditRecordEntity } from '../audit/audit-record.entity';
import { ANALYTICS_ENTITIES } from '../analytics/analytics.entities';

/** A test rig registered at a station; its API key is stored only as a SHA-256 hash. */
@Entity({ schema: 'test_data', name: 'rigs' })
export class RigEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Column({ name: 'station_code', type: 'varchar', length: 32 })
  stationCode!: string;

  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export type SheetTestStatus = 'QUEUED' | 'BINNING' | 'DONE' | 'FAILED';

/** One posted sheet test: its header and frequency list; immutable once stored (but its status). */
@Entity({ schema: 'test_data', name: 'sheet_tests' })
@Index('ix_sheet_tests_sheet', ['sheetBarcode', 'receivedAt'])
@Index('ix_sheet_tests_status', ['status', 'receivedAt'])
@Index('ix_sheet_tests_roll', ['rollBarcode'])
export class SheetTestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The rig's idempotency key. */
  @Column({ name: 'test_id', type: 'varchar', length: 64, unique: true })
  testId!: string;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'rig_id', type: 'bigint' })
  rigId!: string;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  /** The sheet's product as tracking had it (null for tests stored before products were recorded). */
  @Column({ name: 'product_code', type: 'varchar', length: 64, nullable: true })
  productCode!: string | null;

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ type: 'integer' })
  cols!: number;

  @Column({ name: 'cell_area_cm2', type: 'double precision' })
  cellAreaCm2!: number;

  /** Where the sheet sits on its roll and its cell layout, as tracking had them when the test came in. */
  @Column({ name: 'md_start_mm', type: 'double precision', nullable: true })
  mdStartMm!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  layout!: object | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'temperature_c', type: 'double precision' })
  temperatureC!: number;

  /** float64 little-endian, exact as posted; null for an OCV-only test. */
  @Column({ type: 'bytea', nullable: true })
  frequencies!: Buffer | null;

  @Column({ name: 'frequency_count', type: 'smallint' })
  frequencyCount!: number;

  @Column({ name: 'cell_count', type: 'integer' })
  cellCount!: number;

  @Column({ type: 'varchar', length: 12 })
  status!: SheetTestStatus;

  @Column({ name: 'cells_binned', type: 'integer', default: 0 })
  cellsBinned!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'rule_set_version', type: 'integer', nullable: true })
  ruleSetVersion!: number | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** What binning did with the sheet once the test was DONE (set once, by the finish job). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  disposition!: SheetDisposition | null;

  @Column({ name: 'disposed_at', type: 'timestamptz', nullable: true })
  disposedAt!: Date | null;
}

export type SheetDisposition = 'TRACKED_OUT' | 'HELD' | 'WAITS_FOR_RETEST';

/**
 * The EIS features of one cell in one test, written by the fit-cells chunk that fitted it (once:
 * ON CONFLICT DO NOTHING). Binning and re-binning read these, never the raw spectra again.
 */
@Entity({ schema: 'test_data', name: 'cell_features' })
export class CellFeatureEntity {
  @PrimaryColumn({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @PrimaryColumn({ type: 'smallint' })
  row!: number;

  @PrimaryColumn({ type: 'smallint' })
  col!: number;

  @Column({ type: 'text' })
  status!: 'OK' | 'NO_CONTACT';

  @Column({ name: 'ocv_v', type: 'double precision', nullable: true })
  ocvV!: number | null;

  /** Every feature the EIS library computed (non-finite values as null); null without a spectrum. */
  @Column({ type: 'jsonb', nullable: true })
  features!: object | null;
}

/**
 * Raw measurement of one cell in one test: written once with COPY, never changed. The spectrum is
 * float32 (all Re, then all Im; see @mes/sheet-test) rather than one row per point.
 */
@Entity({ schema: 'test_data', name: 'sheet_test_cells' })
export class SheetTestCellEntity {
  @PrimaryColumn({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @PrimaryColumn({ type: 'smallint' })
  row!: number;

  @PrimaryColumn({ type: 'smallint' })
  col!: number;

  @Column({ type: 'text' })
  status!: 'OK' | 'NO_CONTACT';

  @Column({ name: 'ocv_v', type: 'double precision', nullable: true })
  ocvV!: number | null;

  @Column({ type: 'bytea', nullable: true })
  spectrum!: Buffer | null;
}

/** What binning made of one cell in one test, kept apart from the raw data so re-binning never touches it. */
@Entity({ schema: 'test_data', name: 'cell_results' })
@Index('ix_cell_results_sheet', ['sheetBarcode', 'row', 'col'])
export class CellResultEntity {
  @PrimaryColumn({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @PrimaryColumn({ type: 'smallint' })
  row!: number;

  @PrimaryColumn({ type: 'smallint' })
  col!: number;

  @PrimaryColumn({ name: 'rule_set_version', type: 'integer' })
  ruleSetVersion!: number;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ name: 'ocv_v', type: 'double precision', nullable: true })
  ocvV!: number | null;

  /** The cell's roll position (centre, mm), so roll maps aggregate results without asking tracking. */
  @Column({ name: 'md_mm', type: 'double precision', nullable: true })
  mdMm!: number | null;

  @Column({ name: 'cd_mm', type: 'double precision', nullable: true })
  cdMm!: number | null;

  @Column({ name: 'r_ohmic_ohm', type: 'double precision', nullable: true })
  rOhmicOhm!: number | null;

  @Column({ name: 'r_ct_ohm', type: 'double precision', nullable: true })
  rCtOhm!: number | null;

  @Column({ name: 'asr_ohm_cm2', type: 'double precision', nullable: true })
  asrOhmCm2!: number | null;

  /** Unused since features live in cell_features (kept for results binned before that). */
  @Column({ type: 'jsonb', nullable: true })
  features!: object | null;

  @Column({ name: 'soft_bin', type: 'smallint' })
  softBin!: number;

  @Column({ name: 'hard_bin', type: 'smallint' })
  hardBin!: number;

  @Column({ name: 'bin_name', type: 'varchar', length: 32 })
  binName!: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 64 })
  ruleId!: string;

  @Column({ name: 'rule_set_name', type: 'varchar', length: 64 })
  ruleSetName!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;
}

/**
 * The result that counts for each tested cell of a sheet: every test of the cell (each at its newest
 * rule set version) folded with the retest convention (@mes/binning currentResult: a pass grade only
 * goes down, a rig fault is superseded by a valid result). Rewritten for the sheet by the worker in
 * the transaction that bins or re-bins one of its tests; maps, Paretos and yields read only this.
 */
@Entity({ schema: 'test_data', name: 'current_cell_results' })
@Index('ix_current_cell_results_roll', ['rollBarcode', 'mdMm'])
export class CurrentCellResultEntity {
  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @PrimaryColumn({ type: 'smallint' })
  row!: number;

  @PrimaryColumn({ type: 'smallint' })
  col!: number;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  /** The test (and rule set version) whose result counts. */
  @Column({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @Column({ name: 'rule_set_version', type: 'integer' })
  ruleSetVersion!: number;

  @Column({ type: 'smallint' })
  tests!: number;

  /** The soft bin at the cell's first test: first-pass yield comes from the same rows as final yield. */
  @Column({ name: 'first_soft_bin', type: 'smallint' })
  firstSoftBin!: number;

  @Column({ name: 'ocv_v', type: 'double precision', nullable: true })
  ocvV!: number | null;

  @Column({ name: 'r_ohmic_ohm', type: 'double precision', nullable: true })
  rOhmicOhm!: number | null;

  @Column({ name: 'r_ct_ohm', type: 'double precision', nullable: true })
  rCtOhm!: number | null;

  @Column({ name: 'asr_ohm_cm2', type: 'double precision', nullable: true })
  asrOhmCm2!: number | null;

  @Column({ name: 'soft_bin', type: 'smallint' })
  softBin!: number;

  @Column({ name: 'hard_bin', type: 'smallint' })
  hardBin!: number;

  @Column({ name: 'bin_name', type: 'varchar', length: 32 })
  binName!: string;

  @Column({ name: 'md_mm', type: 'double precision', nullable: true })
  mdMm!: number | null;

  @Column({ name: 'cd_mm', type: 'double precision', nullable: true })
  cdMm!: number | null;
}

/**
 * Per-sheet aggregate of the current results for roll maps: count and sum of every map metric in each
 * base tile (MD bin x CD bin at the roll's base steps, see @mes/geometry rollMapBase) the sheet's
 * cells fall in. Rewritten by the worker with the sheet's current results.
 */
@Entity({ schema: 'test_data', name: 'sheet_map_tiles' })
@Index('ix_sheet_map_tiles_roll', ['rollBarcode', 'mdBin'])
export class SheetMapTileEntity {
  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @PrimaryColumn({ name: 'md_bin', type: 'integer' })
  mdBin!: number;

  @PrimaryColumn({ name: 'cd_bin', type: 'integer' })
  cdBin!: number;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'md_step_mm', type: 'double precision' })
  mdStepMm!: number;

  @Column({ name: 'cd_step_mm', type: 'double precision' })
  cdStepMm!: number;

  @Column({ name: 'n_ocv_v', type: 'integer' })
  nOcv!: number;

  @Column({ name: 'sum_ocv_v', type: 'double precision' })
  sumOcv!: number;

  @Column({ name: 'n_r_ohmic_ohm', type: 'integer' })
  nROhmic!: number;

  @Column({ name: 'sum_r_ohmic_ohm', type: 'double precision' })
  sumROhmic!: number;

  @Column({ name: 'n_r_ct_ohm', type: 'integer' })
  nRCt!: number;

  @Column({ name: 'sum_r_ct_ohm', type: 'double precision' })
  sumRCt!: number;

  @Column({ name: 'n_asr_ohm_cm2', type: 'integer' })
  nAsr!: number;

  @Column({ name: 'sum_asr_ohm_cm2', type: 'double precision' })
  sumAsr!: number;

  @Column({ name: 'n_soft_bin', type: 'integer' })
  nSoftBin!: number;

  @Column({ name: 'sum_soft_bin', type: 'double precision' })
  sumSoftBin!: number;
}

/**
 * Per-roll aggregate for roll maps: one row per MD bin (at the roll's base steps) holding, for every
 * map metric, the count and the sum over the tested sheets' tiles in each CD bin (arrays indexed by
 * CD bin). A roll map at the base steps, or whole multiples of them, reads a few hundred of these rows
 * instead of the roll's millions of cell results.
 */
@Entity({ schema: 'test_data', name: 'roll_map_rows' })
export class RollMapRowEntity {
  @PrimaryColumn({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @PrimaryColumn({ name: 'md_bin', type: 'integer' })
  mdBin!: number;

  @Column({ name: 'n_ocv_v', type: 'integer', array: true })
  nOcv!: number[];

  @Column({ name: 'sum_ocv_v', type: 'double precision', array: true })
  sumOcv!: number[];

  @Column({ name: 'n_r_ohmic_ohm', type: 'integer', array: true })
  nROhmic!: number[];

  @Column({ name: 'sum_r_ohmic_ohm', type: 'double precision', array: true })
  sumROhmic!: number[];

  @Column({ name: 'n_r_ct_ohm', type: 'integer', array: true })
  nRCt!: number[];

  @Column({ name: 'sum_r_ct_ohm', type: 'double precision', array: true })
  sumRCt!: number[];

  @Column({ name: 'n_asr_ohm_cm2', type: 'integer', array: true })
  nAsr!: number[];

  @Column({ name: 'sum_asr_ohm_cm2', type: 'double precision', array: true })
  sumAsr!: number[];

  @Column({ name: 'n_soft_bin', type: 'integer', array: true })
  nSoftBin!: number[];

  @Column({ name: 'sum_soft_bin', type: 'double precision', array: true })
  sumSoftBin!: number[];
}

/** A roll's map aggregate: its base steps, and a version the worker bumps whenever its cells' current results change. */
@Entity({ schema: 'test_data', name: 'roll_maps' })
export class RollMapEntity {
  @PrimaryColumn({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'md_step_mm', type: 'double precision' })
  mdStepMm!: number;

  @Column({ name: 'cd_step_mm', type: 'double precision' })
  cdStepMm!: number;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A product's sheet-test policy (see @mes/binning TestPolicy); products without a row use the defaults. */
@Entity({ schema: 'test_data', name: 'product_test_policies' })
export class ProductTestPolicyEntity {
  @PrimaryColumn({ name: 'product_code', type: 'varchar', length: 64 })
  productCode!: string;

  @Column({ name: 'max_retests', type: 'smallint' })
  maxRetests!: number;

  @Column({ name: 'yield_hold_below', type: 'double precision' })
  yieldHoldBelow!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export type RuleSetStatus = 'DRAFT' | 'RELEASED';

/**
 * A version of a product's bin rule set (@mes/binning RuleSet as JSON, its `version` equal to the
 * row's). Version 1 is the library's default as-made rule set, created on first use; engineers add
 * DRAFTs and release them. The newest RELEASED version is the one new tests and re-binning use.
 */
@Entity({ schema: 'test_data', name: 'rule_sets' })
export class RuleSetEntity {
  @PrimaryColumn({ name: 'product_code', type: 'varchar', length: 64 })
  productCode!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: RuleSetStatus;

  @Column({ name: 'rule_set', type: 'jsonb' })
  ruleSet!: object;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'released_by', type: 'varchar', length: 64, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}

export type RebinStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

/** An engineer's request to re-bin the tests of a sheet, a roll or a date range with the newest released rule sets. */
@Entity({ schema: 'test_data', name: 'rebin_requests' })
export class RebinRequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** { sheet } | { roll } | { receivedFrom, receivedTo } (ISO times, the range half-open). */
  @Column({ type: 'jsonb' })
  scope!: { sheet?: string; roll?: string; receivedFrom?: string; receivedTo?: string };

  @Column({ type: 'varchar', length: 12 })
  status!: RebinStatus;

  @Column({ name: 'tests_in_scope', type: 'integer', nullable: true })
  testsInScope!: number | null;

  @Column({ name: 'tests_rebinned', type: 'integer', nullable: true })
  testsRebinned!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 64 })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

/** Per-sheet yield from its current results (first-pass and final), kept by the worker with them: rollYield sums these. */
@Entity({ schema: 'test_data', name: 'sheet_yields' })
@Index('ix_sheet_yields_roll', ['rollBarcode'])
export class SheetYieldEntity {
  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'cells_tested', type: 'integer' })
  cellsTested!: number;

  @Column({ name: 'first_pass', type: 'integer' })
  firstPass!: number;

  @Column({ name: 'final_pass', type: 'integer' })
  finalPass!: number;
}

/** Per-sheet count of current results by bin, kept by the worker with them: a roll's bin Pareto sums these. */
@Entity({ schema: 'test_data', name: 'sheet_bin_counts' })
@Index('ix_sheet_bin_counts_roll', ['rollBarcode'])
export class SheetBinCountEntity {
  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @PrimaryColumn({ name: 'soft_bin', type: 'smallint' })
  softBin!: number;

  @PrimaryColumn({ name: 'hard_bin', type: 'smallint' })
  hardBin!: number;

  @PrimaryColumn({ name: 'bin_name', type: 'varchar', length: 32 })
  binName!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ type: 'integer' })
  cells!: number;
}

export const TEST_DATA_ENTITIES = [RigEntity, SheetTestEntity, SheetTestCellEntity, CellFeatureEntity, CellResultEntity, CurrentCellResultEntity, SheetMapTileEntity, RollMapRowEntity, RollMapEntity, TestDataAuditRecordEntity, ProductTestPolicyEntity, RuleSetEntity, RebinRequestEntity, SheetYieldEntity, SheetBinCountEntity, ...ANALYTICS_ENTITIES];
