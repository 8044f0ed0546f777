import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

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

  /** The test's received_at: the partition key (by month, see partitions.ts), part of the key as PostgreSQL requires. */
  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'text' })
  status!: 'OK' | 'NO_CONTACT';

  @Column({ name: 'ocv_v', type: 'double precision', nullable: true })
  ocvV!: number | null;

  @Column({ type: 'bytea', nullable: true })
  spectrum!: Buffer | null;
}
