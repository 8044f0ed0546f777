import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A layer thickness map of a roll from metrology (CD x MD grid, µm). */
@Entity({ schema: 'process', name: 'thickness_maps' })
@Index('ix_thickness_maps_roll_layer', ['rollBarcode', 'layer', 'measuredAt'])
export class ThicknessMapEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ type: 'varchar', length: 16 })
  layer!: string;

  @Column({ type: 'varchar', length: 64 })
  instrument!: string;

  @Column({ name: 'measured_at', type: 'timestamptz' })
  measuredAt!: Date;

  @Column({ name: 'cd_mm', type: 'double precision', array: true })
  cdMm!: number[];

  @Column({ name: 'md_mm', type: 'double precision', array: true })
  mdMm!: number[];

  @Column({ name: 'values_um', type: 'double precision', array: true })
  valuesUm!: number[];

  @Column({ name: 'posted_by', type: 'varchar', length: 64 })
  postedBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
