import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { numeric } from '../common/columns';

@Entity({ schema: 'tracking', name: 'sites' })
export class SiteEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;
}

@Entity({ schema: 'tracking', name: 'lines' })
export class LineEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Index()
  @Column({ name: 'site_id', type: 'bigint' })
  siteId!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;
}

@Entity({ schema: 'tracking', name: 'stations' })
export class StationEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Index()
  @Column({ name: 'line_id', type: 'bigint' })
  lineId!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The operation this station performs, e.g. SHEET_TEST. */
  @Column({ type: 'varchar', length: 48 })
  operation!: string;
}

@Entity({ schema: 'tracking', name: 'equipment' })
export class EquipmentEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Index()
  @Column({ name: 'station_id', type: 'bigint' })
  stationId!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  kind!: string;
}

/** A cell design and its sheet layout (what patterning makes, what the rig probes). */
@Entity({ schema: 'tracking', name: 'products' })
export class ProductEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  code!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

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

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ type: 'integer' })
  cols!: number;

  @Column({ name: 'sheet_length_md_mm', type: 'double precision' })
  sheetLengthMdMm!: number;

  /** Unusable web at the head and the tail of every roll. */
  @Column({ name: 'leader_mm', type: 'double precision', default: 5000, transformer: numeric })
  leaderMm!: number;

  @Column({ name: 'trailer_mm', type: 'double precision', default: 5000, transformer: numeric })
  trailerMm!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One immutable version of a product's route: a new version is made instead of an edit. */
@Entity({ schema: 'tracking', name: 'routes' })
@Unique('uq_routes_product_version', ['productId', 'version'])
export class RouteEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'product_id', type: 'bigint' })
  productId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export type UnitLevel = 'ROLL' | 'SHEET';

@Entity({ schema: 'tracking', name: 'route_steps' })
@Unique('uq_route_steps_route_seq', ['routeId', 'seq'])
export class RouteStepEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'route_id', type: 'bigint' })
  routeId!: string;

  /** Position in the route, from 1. */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 48 })
  operation!: string;

  /** Which unit is processed here: the whole roll, or each sheet cut from it. */
  @Column({ type: 'varchar', length: 8 })
  level!: UnitLevel;

  /**
   * The step runs in vacuum (a coater): leaving it starts the unit's time in air. The flag belongs
   * to the route step, not to the operation or the station: operations are plain names here, the
   * same operation may run in vacuum on one route and not on another (an ALD or a wet interlayer),
   * and a flag on the step is versioned with its route, so units keep the rules they started on.
   */
  @Column({ type: 'boolean', default: false })
  vacuum!: boolean;

  /**
   * The longest a unit may wait in air before this step, counted from its last track-out at an
   * earlier vacuum step (seed 004: Li2CO3 grows on Li-bearing surfaces within hours); null: no limit.
   */
  @Column({ name: 'max_queue_minutes', type: 'integer', nullable: true })
  maxQueueMinutes!: number | null;

  /**
   * The highest temperature a unit sees at this step (°C); null: not a thermal step. Above
   * LITHIUM_MELT_GUARD_C a FORMED unit (plated lithium, which melts at 180.5 °C) is refused.
   */
  @Column({ name: 'max_temperature_c', type: 'double precision', nullable: true })
  maxTemperatureC!: number | null;
}
