import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a picker did with each cell of a sheet, from the E142 pick result it sent back: the code it
 * wrote, that code's description, and whether that code means the cell was taken. A new pick result
 * for the sheet replaces the previous one (the audit trail keeps the counts of both).
 */
@Entity({ schema: 'test_data', name: 'pick_result_cells' })
export class PickResultCellEntity {
  @PrimaryColumn({ name: 'sheet_barcode', type: 'varchar', length: 64 })
  sheetBarcode!: string;

  @PrimaryColumn({ type: 'smallint' })
  row!: number;

  @PrimaryColumn({ type: 'smallint' })
  col!: number;

  @Column({ type: 'smallint' })
  code!: number;

  @Column({ type: 'varchar', length: 64 })
  description!: string;

  @Column({ type: 'boolean' })
  picked!: boolean;

  @Column({ name: 'imported_at', type: 'timestamptz' })
  importedAt!: Date;

  @Column({ name: 'imported_by', type: 'varchar', length: 64 })
  importedBy!: string;
}
