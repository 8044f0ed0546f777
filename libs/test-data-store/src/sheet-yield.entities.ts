import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

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
