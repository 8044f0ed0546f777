import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

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

  /** The test's received_at: the partition key (by month, see partitions.ts). */
  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

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

  /** The defect that decided a visual bin (`<inspectionId>#<seq>`), null when electrical rules decided. */
  @Column({ name: 'deciding_defect', type: 'varchar', length: 80, nullable: true })
  decidingDefect!: string | null;
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
