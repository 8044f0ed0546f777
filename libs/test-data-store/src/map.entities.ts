import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

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
