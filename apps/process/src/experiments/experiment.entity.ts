import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export interface ExperimentArmRecord {
  condition: string;
  mdStartMm: number;
  mdEndMm: number;
  recipeId: string;
  recipeName: string;
  recipeVersion: number;
}

/** A split of one roll into MD regions that run alternate recipe versions at one operation. */
@Entity({ schema: 'process', name: 'experiments' })
@Index('ix_experiments_roll_operation', ['rollBarcode', 'operation'])
export class ExperimentEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 2000 })
  purpose!: string;

  @Column({ name: 'roll_barcode', type: 'varchar', length: 64 })
  rollBarcode!: string;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ type: 'jsonb' })
  arms!: ExperimentArmRecord[];

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
