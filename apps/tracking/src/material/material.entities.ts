import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, VersionColumn } from 'typeorm';
import { numeric } from '../common/columns';
import type { UnitLevel } from '../master-data/master-data.entities';

/** ACTIVE: moving along its route; CONSUMED: cut, spliced or slit into other units. */
export type UnitStatus = 'ACTIVE' | 'CONSUMED' | 'FINISHED' | 'SCRAPPED';
/** Where a unit stands at its current step. */
export type StepState = 'WAITING' | 'IN_PROCESS';
export type ElectrochemicalState = 'AS_MADE' | 'FORMED';

/** The fields every tracked unit (roll or sheet) carries through its route. */
export abstract class TrackedUnitColumns {
  @Column({ type: 'varchar', length: 64, unique: true })
  barcode!: string;

  @Column({ name: 'product_id', type: 'bigint' })
  productId!: string;

  @Column({ name: 'route_id', type: 'bigint' })
  routeId!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: UnitStatus;

  /** Sequence number of the current route step; the unit is waiting for or in it. */
  @Column({ name: 'step_seq', type: 'integer' })
  stepSeq!: number;

  @Column({ name: 'step_state', type: 'varchar', length: 12 })
  stepState!: StepState;

  /** The station the unit is tracked in at, while IN_PROCESS. */
  @Column({ name: 'station_id', type: 'bigint', nullable: true })
  stationId!: string | null;

  /** AS_MADE until a FORMATION step plates the lithium anode; then FORMED (thermal budget applies). */
  @Column({ name: 'electrochemical_state', type: 'varchar', length: 8, default: 'AS_MADE' })
  electrochemicalState!: ElectrochemicalState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @VersionColumn()
  version!: number;
}

@Entity({ schema: 'tracking', name: 'rolls' })
@Index('ix_rolls_status_step', ['status', 'stepSeq'])
export class RollEntity extends TrackedUnitColumns {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'width_mm', type: 'double precision' })
  widthMm!: number;

  @Column({ name: 'length_mm', type: 'double precision' })
  lengthMm!: number;

  @Column({ name: 'substrate_thickness_um', type: 'double precision', nullable: true, transformer: numeric })
  substrateThicknessUm!: number | null;

  @Column({ name: 'supplier_lot', type: 'varchar', length: 64, nullable: true })
  supplierLot!: string | null;

  /** SUBSTRATE: registered from a supplier lot; SPLICE / SLIT: made from other rolls. */
  @Column({ type: 'varchar', length: 12 })
  origin!: 'SUBSTRATE' | 'SPLICE' | 'SLIT';

  @Column({ name: 'sheets_cut', type: 'integer', default: 0 })
  sheetsCut!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;
}

/** Genealogy edge between rolls (see RollLink in @mes/geometry). */
@Entity({ schema: 'tracking', name: 'roll_links' })
export class RollLinkEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Index()
  @Column({ name: 'child_roll_id', type: 'bigint' })
  childRollId!: string;

  @Index()
  @Column({ name: 'parent_roll_id', type: 'bigint' })
  parentRollId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: 'SPLICE' | 'SLIT';

  @Column({ name: 'child_md_start_mm', type: 'double precision' })
  childMdStartMm!: number;

  @Column({ name: 'child_md_end_mm', type: 'double precision' })
  childMdEndMm!: number;

  @Column({ name: 'parent_md_start_mm', type: 'double precision' })
  parentMdStartMm!: number;

  @Column({ name: 'parent_cd_start_mm', type: 'double precision' })
  parentCdStartMm!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity({ schema: 'tracking', name: 'sheets' })
@Unique('uq_sheets_roll_index', ['rollId', 'sheetIndex'])
@Index('ix_sheets_status_step', ['status', 'stepSeq'])
export class SheetEntity extends TrackedUnitColumns {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'roll_id', type: 'bigint' })
  rollId!: string;

  /** 1-based order of the sheet along its roll. */
  @Column({ name: 'sheet_index', type: 'integer' })
  sheetIndex!: number;

  @Column({ name: 'md_start_mm', type: 'double precision' })
  mdStartMm!: number;

  @Column({ name: 'md_end_mm', type: 'double precision' })
  mdEndMm!: number;

  @Column({ type: 'integer' })
  rows!: number;

  @Column({ type: 'integer' })
  cols!: number;

  /** The pattern layout the sheet was patterned with; null until patterning (the product's grid holds). */
  @Column({ name: 'pattern_layout_id', type: 'bigint', nullable: true })
  patternLayoutId!: string | null;
}

/**
 * One battery die. Narrow on purpose (a roll holds up to a million): position on the sheet and on
 * the roll, and a status; results live with the services that make them.
 */
@Entity({ schema: 'tracking', name: 'cells' })
@Unique('uq_cells_sheet_row_col', ['sheetId', 'row', 'col'])
@Index('ix_cells_roll_md', ['rollId', 'mdMm'])
export class CellEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'sheet_id', type: 'bigint' })
  sheetId!: string;

  @Column({ name: 'roll_id', type: 'bigint' })
  rollId!: string;

  @Column({ type: 'smallint' })
  row!: number;

  @Column({ type: 'smallint' })
  col!: number;

  @Column({ name: 'md_mm', type: 'double precision' })
  mdMm!: number;

  @Column({ name: 'cd_mm', type: 'double precision' })
  cdMm!: number;

  @Column({ type: 'varchar', length: 12, default: 'ACTIVE' })
  status!: 'ACTIVE' | 'SCRAPPED';
}

export type { UnitLevel };
