import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One inspection (AOI) of a sheet as the station posted it: its own id for idempotency, the content
 * hash a repeat is compared with, the sheet's grid and place on the roll as tracking gave them (so
 * roll-region densities need no call to tracking), and the alignment the station measured.
 */
@Entity({ schema: 'test_data', name: 'inspections' })
@Index('IDX_inspections_sheet', ['sheetBarcode', 'inspectedAt'])
@Index('IDX_inspections_roll', ['rollBarcode'])
export class InspectionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('UQ_inspections_inspection_id', { unique: true })
  @Column({ name: 'inspection_id', type: 'varchar', length: 64 })
  inspectionId!: string;

  @Column({ name: 'content_hash', type: 'char', length: 64 })
  contentHash!: string;

  @Column({ name: 'rig_id', type: 'bigint' })
  rigId!: string;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ name: 'product_code', type: 'varchar', length: 64, nullable: true })
  productCode!: string | null;

  @Column({ name: 'md_start_mm', type: 'float8', nullable: true })
  mdStartMm!: number | null;

  @Column({ type: 'jsonb' })
  layout!: object;

  @Column({ name: 'offset_md_mm', type: 'float8' })
  offsetMdMm!: number;

  @Column({ name: 'offset_cd_mm', type: 'float8' })
  offsetCdMm!: number;

  @Column({ name: 'rotation_deg', type: 'float8' })
  rotationDeg!: number;

  @Column({ name: 'inspected_at', type: 'timestamptz' })
  inspectedAt!: Date;

  @Column({ name: 'defect_count', type: 'int' })
  defectCount!: number;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  /** When the worker had the sheet's binned tests binned with this inspection; null until then (the sweeper re-adds a lost job). */
  @Column({ name: 'rebinned_at', type: 'timestamptz', nullable: true })
  rebinnedAt!: Date | null;
}

/**
 * Each defect of an inspection with where it landed: zone ACTIVE (in the active area of row, col),
 * KERF or BORDER (row, col then name the nearest cell). Written in one statement with its inspection.
 */
@Entity({ schema: 'test_data', name: 'inspection_defects' })
@Index('IDX_inspection_defects_cell', ['sheetBarcode', 'row', 'col'])
export class InspectionDefectEntity {
  @PrimaryColumn({ name: 'inspection_uuid', type: 'uuid' })
  inspectionUuid!: string;

  @PrimaryColumn({ type: 'int' })
  seq!: number;

  @Column({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @Column({ name: 'defect_class', type: 'varchar', length: 16 })
  defectClass!: string;

  @Column({ name: 'md_mm', type: 'float8' })
  mdMm!: number;

  @Column({ name: 'cd_mm', type: 'float8' })
  cdMm!: number;

  @Column({ name: 'size_um', type: 'float8' })
  sizeUm!: number;

  @Column({ name: 'image_ref', type: 'varchar', length: 512, nullable: true })
  imageRef!: string | null;

  @Column({ type: 'varchar', length: 8 })
  zone!: string;

  @Column({ type: 'smallint' })
  row!: number;

  @Column({ type: 'smallint' })
  col!: number;
}
