import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ParameterDefinition, RecipeState, TraceBand } from '@mes/process';

/** One version of a named recipe for one operation. RELEASED and OBSOLETE versions never change. */
@Entity({ schema: 'process', name: 'recipes' })
@Unique('uq_recipes_name_version', ['name', 'version'])
export class RecipeEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Index()
  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 10 })
  state!: RecipeState;

  @Column({ type: 'jsonb' })
  parameters!: ParameterDefinition[];

  /** Alarm bands on equipment trace channels (e.g. QCM rate within ±20 % of its target). */
  @Column({ name: 'trace_bands', type: 'jsonb' })
  traceBands!: TraceBand[];

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'released_by', type: 'varchar', length: 64, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;

  @Column({ name: 'obsoleted_at', type: 'timestamptz', nullable: true })
  obsoletedAt!: Date | null;
}

/** What a product's route step allows: which recipes (by name, any released version) and which equipment. */
@Entity({ schema: 'process', name: 'route_step_recipes' })
@Unique('uq_route_step_recipes', ['productCode', 'operation'])
export class RouteStepRecipesEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'product_code', type: 'varchar', length: 32 })
  productCode!: string;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  @Column({ name: 'recipe_names', type: 'text', array: true })
  recipeNames!: string[];

  /** Empty: any equipment of a station performing the operation. */
  @Column({ name: 'equipment_codes', type: 'text', array: true })
  equipmentCodes!: string[];

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
