import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { Fiducial } from '@mes/geometry';

/** DRAFT while an engineer edits it; RELEASED (signed, never changes again) may be patterned; OBSOLETE no longer. */
export type PatternLayoutState = 'DRAFT' | 'RELEASED' | 'OBSOLETE';

/**
 * A versioned pattern layout (the layout recipe of DOMAIN OP-080): the grid patterning writes on a
 * sheet. A sheet patterned with it takes this grid; the product's own layout is the nominal grid a
 * sheet has from its cut until it is patterned.
 */
@Entity({ schema: 'tracking', name: 'pattern_layouts' })
@Unique('uq_pattern_layouts_name_version', ['name', 'version'])
export class PatternLayoutEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 12 })
  state!: PatternLayoutState;

  @Column({ type: 'varchar', length: 500, default: '' })
  description!: string;

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ type: 'integer' })
  cols!: number;

  @Column({ name: 'cell_md_mm', type: 'double precision' })
  cellMdMm!: number;

  @Column({ name: 'cell_cd_mm', type: 'double precision' })
  cellCdMm!: number;

  @Column({ name: 'pitch_md_mm', type: 'double precision' })
  pitchMdMm!: number;

  @Column({ name: 'pitch_cd_mm', type: 'double precision' })
  pitchCdMm!: number;

  @Column({ name: 'first_cell_md_mm', type: 'double precision' })
  firstCellMdMm!: number;

  @Column({ name: 'first_cell_cd_mm', type: 'double precision' })
  firstCellCdMm!: number;

  @Column({ name: 'kerf_mm', type: 'double precision' })
  kerfMm!: number;

  @Column({ type: 'jsonb' })
  fiducials!: Fiducial[];

  @Column({ name: 'max_offset_mm', type: 'double precision' })
  maxOffsetMm!: number;

  @Column({ name: 'max_rotation_deg', type: 'double precision' })
  maxRotationDeg!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'released_by', type: 'varchar', length: 64, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}

/** The pattern layouts a product may be patterned with. */
@Entity({ schema: 'tracking', name: 'product_pattern_layouts' })
export class ProductPatternLayoutEntity {
  @PrimaryColumn({ name: 'product_id', type: 'bigint' })
  productId!: string;

  @PrimaryColumn({ name: 'layout_id', type: 'bigint' })
  layoutId!: string;

  @Column({ name: 'allowed_by', type: 'varchar', length: 64 })
  allowedBy!: string;

  @CreateDateColumn({ name: 'allowed_at', type: 'timestamptz' })
  allowedAt!: Date;
}

/**
 * One patterning of one sheet: the layout version written, the tool's settings and the alignment
 * measured from the fiducials. A sheet is patterned once (the cut cannot be undone).
 */
@Entity({ schema: 'tracking', name: 'patterning_runs' })
export class PatterningRunEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Index({ unique: true })
  @Column({ name: 'sheet_id', type: 'bigint' })
  sheetId!: string;

  @Column({ name: 'layout_id', type: 'bigint' })
  layoutId!: string;

  @Column({ name: 'station_id', type: 'bigint' })
  stationId!: string;

  @Column({ name: 'tool_settings', type: 'jsonb' })
  toolSettings!: Record<string, number | string>;

  @Column({ name: 'offset_md_mm', type: 'double precision' })
  offsetMdMm!: number;

  @Column({ name: 'offset_cd_mm', type: 'double precision' })
  offsetCdMm!: number;

  @Column({ name: 'rotation_deg', type: 'double precision' })
  rotationDeg!: number;

  /** The misregistration hold placed with the run; null when the sheet registered. */
  @Column({ name: 'hold_id', type: 'bigint', nullable: true })
  holdId!: string | null;

  @Column({ name: 'recorded_by', type: 'varchar', length: 64 })
  recordedBy!: string;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
