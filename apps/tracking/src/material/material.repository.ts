import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { BatchLoader } from '@mes/service-core';
import { cellActiveAreaCm2, cellKey, formatCellCode, type CellRef, type RollLink } from '@mes/geometry';
import type { CellModel, RollChildModel, RollModel, RollParentModel, SheetModel } from './material.model';
import { CellEntity, RollEntity, RollLinkEntity, SheetEntity } from './material.entities';

const ROLL_SELECT = `
  SELECT r.id, r.product_id, r.barcode, p.code AS product_code, rt.version AS route_version, r.status,
         r.step_seq, r.step_state, st.code AS station_code, r.width_mm, r.length_mm, r.substrate_thickness_um,
         r.supplier_lot, r.origin, r.sheets_cut, r.electrochemical_state, r.created_at, CASE WHEN r.status = 'ACTIVE' THEN step.operation END AS operation
    FROM tracking.rolls r
    JOIN tracking.products p ON p.id = r.product_id
    JOIN tracking.routes rt ON rt.id = r.route_id
    LEFT JOIN tracking.route_steps step ON step.route_id = r.route_id AND step.seq = r.step_seq
    LEFT JOIN tracking.stations st ON st.id = r.station_id`;

const SHEET_SELECT = `
  SELECT s.id, s.roll_id, s.barcode, r.barcode AS roll_barcode, p.code AS product_code,
         COALESCE(pl.cell_md_mm, p.cell_md_mm) AS cell_md_mm, COALESCE(pl.cell_cd_mm, p.cell_cd_mm) AS cell_cd_mm,
         COALESCE(pl.pitch_md_mm, p.pitch_md_mm) AS pitch_md_mm, COALESCE(pl.pitch_cd_mm, p.pitch_cd_mm) AS pitch_cd_mm,
         COALESCE(pl.first_cell_md_mm, p.first_cell_md_mm) AS first_cell_md_mm,
         COALESCE(pl.first_cell_cd_mm, p.first_cell_cd_mm) AS first_cell_cd_mm, p.sheet_length_md_mm,
         s.sheet_index, s.md_start_mm, s.md_end_mm, s.rows, s.cols, s.status, s.step_seq, s.step_state,
         st.code AS station_code, s.electrochemical_state, s.created_at, CASE WHEN s.status = 'ACTIVE' THEN step.operation END AS operation
    FROM tracking.sheets s
    JOIN tracking.rolls r ON r.id = s.roll_id
    JOIN tracking.products p ON p.id = s.product_id
    LEFT JOIN tracking.pattern_layouts pl ON pl.id = s.pattern_layout_id
    LEFT JOIN tracking.route_steps step ON step.route_id = s.route_id AND step.seq = s.step_seq
    LEFT JOIN tracking.stations st ON st.id = s.station_id`;

const CELL_SELECT = `
  SELECT c.id, c.sheet_id, c.roll_id, s.barcode AS sheet_barcode, r.barcode AS roll_barcode, c.row, c.col, c.md_mm, c.cd_mm, c.status,
         COALESCE(pl.cell_md_mm, p.cell_md_mm) AS cell_md_mm
    FROM tracking.cells c
    JOIN tracking.sheets s ON s.id = c.sheet_id
    JOIN tracking.rolls r ON r.id = c.roll_id
    JOIN tracking.products p ON p.id = s.product_id
    LEFT JOIN tracking.pattern_layouts pl ON pl.id = s.pattern_layout_id`;

type Row = Record<string, unknown>;

/** Read models of rolls, sheets and cells, each built in one query. */
@Injectable()
export class MaterialRepository {
  private readonly lineageCache = new Map<string, RollLink[]>();
  private readonly cellBatch = new BatchLoader<CellRef, CellModel | null>((refs) => this.cellsByKeys(refs), cellKey, null);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async rollByBarcode(barcode: string, m: EntityManager = this.db.manager): Promise<RollModel | null> {
    const rows = await m.query<Row[]>(`${ROLL_SELECT} WHERE r.barcode = $1`, [barcode]);
    return rows.length ? toRoll(rows[0]) : null;
  }

  async rollById(id: string, m: EntityManager = this.db.manager): Promise<RollModel> {
    const rows = await m.query<Row[]>(`${ROLL_SELECT} WHERE r.id = $1`, [id]);
    return toRoll(rows[0]);
  }

  async rolls(filter: { status?: string; operation?: string; limit: number }): Promise<RollModel[]> {
    const rows = await this.db.query<Row[]>(
      `${ROLL_SELECT} WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR (step.operation = $2 AND r.status = 'ACTIVE'))
        ORDER BY r.created_at, r.id LIMIT $3`,
      [filter.status ?? null, filter.operation ?? null, filter.limit],
    );
    return rows.map(toRoll);
  }

  async sheetByBarcode(barcode: string, m: EntityManager = this.db.manager): Promise<SheetModel | null> {
    const rows = await m.query<Row[]>(`${SHEET_SELECT} WHERE s.barcode = $1`, [barcode]);
    return rows.length ? toSheet(rows[0]) : null;
  }

  async sheetsByIds(ids: string[], m: EntityManager = this.db.manager): Promise<SheetModel[]> {
    if (!ids.length) return [];
    const rows = await m.query<Row[]>(`${SHEET_SELECT} WHERE s.id = ANY($1::bigint[]) ORDER BY s.roll_id, s.sheet_index`, [ids]);
    return rows.map(toSheet);
  }

  async sheetsOfRoll(rollId: string): Promise<SheetModel[]> {
    const rows = await this.db.query<Row[]>(`${SHEET_SELECT} WHERE s.roll_id = $1 ORDER BY s.sheet_index`, [rollId]);
    return rows.map(toSheet);
  }

  async sheets(filter: { status?: string; operation?: string; limit: number }): Promise<SheetModel[]> {
    const rows = await this.db.query<Row[]>(
      `${SHEET_SELECT} WHERE ($1::text IS NULL OR s.status = $1) AND ($2::text IS NULL OR (step.operation = $2 AND s.status = 'ACTIVE'))
        ORDER BY s.created_at, s.id LIMIT $3`,
      [filter.status ?? null, filter.operation ?? null, filter.limit],
    );
    return rows.map(toSheet);
  }

  async cellsOfSheet(sheetId: string): Promise<CellModel[]> {
    const rows = await this.db.query<Row[]>(`${CELL_SELECT} WHERE c.sheet_id = $1 ORDER BY c.row, c.col`, [sheetId]);
    return rows.map(toCell);
  }

  /**
   * One cell by sheet barcode and (row, col), null when there is none. The cells asked for in one
   * burst (the gateway's representations of a fetch, Sheet.cell on every sheet of a roll) are read
   * together in one query.
   */
  cell(ref: CellRef): Promise<CellModel | null> {
    return this.cellBatch.load(ref);
  }

  /** Cells by sheet barcode and (row, col), any number in one query, keyed by cellKey; unknown ones are absent. */
  async cellsByKeys(refs: readonly CellRef[], m: EntityManager = this.db.manager): Promise<Map<string, CellModel>> {
    if (!refs.length) return new Map();
    const rows = await m.query<Row[]>(
      `${CELL_SELECT}
         JOIN unnest($1::text[], $2::int[], $3::int[]) AS q(sheet, row, col) ON q.sheet = s.barcode AND q.row = c.row AND q.col = c.col`,
      [refs.map((r) => r.sheetBarcode), refs.map((r) => r.row), refs.map((r) => r.col)],
    );
    return new Map(rows.map(toCell).map((c) => [cellKey(c), c]));
  }

  /** Cells whose centre lies in [fromMm, toMm) of a roll: one index range scan on (roll_id, md_mm). */
  /** Where a sheet lies on its roll and how long its cells are in MD (what the holds over its cells are matched by). */
  async sheetExtent(
    barcode: string,
  ): Promise<{ id: string; roll_id: string; md_start_mm: number; md_end_mm: number; cell_md_mm: number } | null> {
    const rows = await this.db.query<{ id: string; roll_id: string; md_start_mm: number; md_end_mm: number; cell_md_mm: number }[]>(
      `SELECT s.id, s.roll_id, s.md_start_mm, s.md_end_mm, COALESCE(pl.cell_md_mm, p.cell_md_mm) AS cell_md_mm
         FROM tracking.sheets s JOIN tracking.products p ON p.id = s.product_id
         LEFT JOIN tracking.pattern_layouts pl ON pl.id = s.pattern_layout_id WHERE s.barcode = $1`,
      [barcode],
    );
    return rows[0] ?? null;
  }

  /** A sheet's cells with their MD position, by row and column. */
  cellPositionsOfSheet(sheetId: string): Promise<{ id: string; row: number; col: number; md_mm: number }[]> {
    return this.db.query<{ id: string; row: number; col: number; md_mm: number }[]>(
      `SELECT id, row, col, md_mm FROM tracking.cells WHERE sheet_id = $1 ORDER BY row, col`,
      [sheetId],
    );
  }

  async cellsInRollRegion(rollId: string, fromMm: number, toMm: number, limit: number): Promise<CellModel[]> {
    const rows = await this.db.query<Row[]>(
      `${CELL_SELECT} WHERE c.roll_id = $1 AND c.md_mm >= $2 AND c.md_mm < $3 ORDER BY c.md_mm, c.cd_mm LIMIT $4`,
      [rollId, fromMm, toMm, limit],
    );
    return rows.map(toCell);
  }

  async parentsOf(rollId: string): Promise<RollParentModel[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT l.kind, p.barcode AS parent_barcode, l.child_md_start_mm, l.child_md_end_mm, l.parent_md_start_mm, l.parent_cd_start_mm
         FROM tracking.roll_links l JOIN tracking.rolls p ON p.id = l.parent_roll_id
        WHERE l.child_roll_id = $1 ORDER BY l.child_md_start_mm, l.parent_cd_start_mm`,
      [rollId],
    );
    return rows.map((r) => ({
      kind: String(r.kind),
      parentBarcode: String(r.parent_barcode),
      mdStartMm: Number(r.child_md_start_mm),
      mdEndMm: Number(r.child_md_end_mm),
      parentMdStartMm: Number(r.parent_md_start_mm),
      parentCdStartMm: Number(r.parent_cd_start_mm),
    }));
  }

  /** The rolls spliced or slit from this one: where each took its stretch of this roll (one level down). */
  async childrenOf(rollId: string): Promise<RollChildModel[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT l.kind, c.barcode AS child_barcode, l.child_md_start_mm, l.child_md_end_mm, l.parent_md_start_mm, l.parent_cd_start_mm
         FROM tracking.roll_links l JOIN tracking.rolls c ON c.id = l.child_roll_id
        WHERE l.parent_roll_id = $1 ORDER BY l.parent_md_start_mm, l.parent_cd_start_mm, c.barcode`,
      [rollId],
    );
    return rows.map((r) => ({
      kind: String(r.kind),
      childBarcode: String(r.child_barcode),
      mdStartMm: Number(r.child_md_start_mm),
      mdEndMm: Number(r.child_md_end_mm),
      parentMdStartMm: Number(r.parent_md_start_mm),
      parentCdStartMm: Number(r.parent_cd_start_mm),
    }));
  }

  /**
   * Every genealogy link above a roll (splices and slits, any depth), for mapping regions upwards.
   * Cached: a roll's parents are written with the roll and never change, so neither do its links.
   */
  async lineageLinks(rollId: string, m: EntityManager = this.db.manager): Promise<RollLink[]> {
    const cached = this.lineageCache.get(rollId);
    if (cached) return cached;
    const rows = await m.query<Row[]>(
      `WITH RECURSIVE up AS (
         SELECT * FROM tracking.roll_links WHERE child_roll_id = $1
         UNION SELECT l.* FROM tracking.roll_links l JOIN up ON l.child_roll_id = up.parent_roll_id)
       SELECT child_roll_id, parent_roll_id, child_md_start_mm, child_md_end_mm, parent_md_start_mm, parent_cd_start_mm FROM up`,
      [rollId],
    );
    const links = rows.map((r) => ({
      childRollId: String(r.child_roll_id),
      parentRollId: String(r.parent_roll_id),
      childMdStartMm: Number(r.child_md_start_mm),
      childMdEndMm: Number(r.child_md_end_mm),
      parentMdStartMm: Number(r.parent_md_start_mm),
      parentCdStartMm: Number(r.parent_cd_start_mm),
    }));
    if (this.lineageCache.size > 20_000) this.lineageCache.clear();
    this.lineageCache.set(rollId, links);
    return links;
  }

  /** The rows themselves, unlocked (a hold's target, looked up in the placing transaction). */
  rollEntityByBarcode(m: EntityManager, barcode: string): Promise<RollEntity | null> {
    return m.findOne(RollEntity, { where: { barcode } });
  }

  rollEntityById(m: EntityManager, id: string): Promise<RollEntity> {
    return m.findOneOrFail(RollEntity, { where: { id } });
  }

  sheetEntityByBarcode(m: EntityManager, barcode: string): Promise<SheetEntity | null> {
    return m.findOne(SheetEntity, { where: { barcode } });
  }

  cellEntityAt(m: EntityManager, sheetId: string, row: number, col: number): Promise<CellEntity | null> {
    return m.findOne(CellEntity, { where: { sheetId, row, col } });
  }

  /** Lock a unit row for the rest of the transaction: concurrent scans of one unit queue here. */
  async lockRollByBarcode(m: EntityManager, barcode: string): Promise<RollEntity | null> {
    return m.findOne(RollEntity, { where: { barcode }, lock: { mode: 'pessimistic_write' } });
  }

  async lockSheetByBarcode(m: EntityManager, barcode: string): Promise<SheetEntity | null> {
    return m.findOne(SheetEntity, { where: { barcode }, lock: { mode: 'pessimistic_write' } });
  }

  // ---- writes, in the caller's transaction

  /** Whether a roll or a sheet already carries the barcode (the two share one barcode space). */
  async barcodeTaken(m: EntityManager, barcode: string): Promise<boolean> {
    const taken = await m.query<unknown[]>(
      `SELECT 1 FROM tracking.rolls WHERE barcode = $1 UNION ALL SELECT 1 FROM tracking.sheets WHERE barcode = $1 LIMIT 1`,
      [barcode],
    );
    return taken.length > 0;
  }

  insertRoll(m: EntityManager, roll: Partial<RollEntity>): Promise<RollEntity> {
    return m.save(m.create(RollEntity, roll));
  }

  async insertRollLinks(m: EntityManager, links: (RollLink & { kind: 'SPLICE' | 'SLIT'; createdBy: string })[]): Promise<void> {
    await m.insert(RollLinkEntity, links);
  }

  async setRollStatus(m: EntityManager, rollId: string, status: RollEntity['status']): Promise<void> {
    await m.update(RollEntity, { id: rollId }, { status });
  }

  /** A roll's count of cut sheets, with its version bumped. */
  async setSheetsCut(m: EntityManager, roll: { id: string; version: number }, sheetsCut: number): Promise<void> {
    await m.update(RollEntity, { id: roll.id }, { sheetsCut, version: roll.version + 1 });
  }

  /** A sheet and all its cells in two statements (the cells in one INSERT ... SELECT FROM unnest); returns the sheet's id. */
  async insertSheetWithCells(
    m: EntityManager,
    sheet: Partial<SheetEntity> & { rollId: string },
    cells: { row: ArrayLike<number>; col: ArrayLike<number>; mdMm: ArrayLike<number>; cdMm: ArrayLike<number> },
  ): Promise<string> {
    const inserted = await m.createQueryBuilder().insert().into(SheetEntity).values(sheet).returning(['id']).execute();
    const sheetId = String((inserted.raw as { id: string }[])[0].id);
    await m.query(
      `INSERT INTO tracking.cells (sheet_id, roll_id, "row", col, md_mm, cd_mm)
       SELECT $1, $2, u.r, u.c, u.md, u.cd FROM unnest($3::smallint[], $4::smallint[], $5::float8[], $6::float8[]) AS u(r, c, md, cd)`,
      [sheetId, sheet.rollId, Array.from(cells.row), Array.from(cells.col), Array.from(cells.mdMm), Array.from(cells.cdMm)],
    );
    return sheetId;
  }
}

function toRoll(r: Row): RollModel {
  return {
    electrochemicalState: String(r.electrochemical_state ?? 'AS_MADE'),
    id: String(r.id),
    productId: String(r.product_id),
    barcode: String(r.barcode),
    productCode: String(r.product_code),
    routeVersion: Number(r.route_version),
    status: r.status as RollModel['status'],
    operation: (r.operation as string | null) ?? null,
    stepSeq: Number(r.step_seq),
    stepState: r.step_state as RollModel['stepState'],
    stationCode: (r.station_code as string | null) ?? null,
    widthMm: Number(r.width_mm),
    lengthMm: Number(r.length_mm),
    substrateThicknessUm: r.substrate_thickness_um === null ? null : Number(r.substrate_thickness_um),
    supplierLot: (r.supplier_lot as string | null) ?? null,
    origin: String(r.origin),
    sheetsCut: Number(r.sheets_cut),
    createdAt: r.created_at as Date,
  };
}

function toSheet(r: Row): SheetModel {
  return {
    electrochemicalState: String(r.electrochemical_state ?? 'AS_MADE'),
    id: String(r.id),
    rollId: String(r.roll_id),
    barcode: String(r.barcode),
    rollBarcode: String(r.roll_barcode),
    productCode: String(r.product_code),
    sheetIndex: Number(r.sheet_index),
    mdStartMm: Number(r.md_start_mm),
    mdEndMm: Number(r.md_end_mm),
    rows: Number(r.rows),
    cols: Number(r.cols),
    cellActiveAreaCm2: cellActiveAreaCm2({ cellMdMm: Number(r.cell_md_mm), cellCdMm: Number(r.cell_cd_mm) }),
    layout: {
      rows: Number(r.rows),
      cols: Number(r.cols),
      cellMdMm: Number(r.cell_md_mm),
      cellCdMm: Number(r.cell_cd_mm),
      pitchMdMm: Number(r.pitch_md_mm),
      pitchCdMm: Number(r.pitch_cd_mm),
      firstCellMdMm: Number(r.first_cell_md_mm),
      firstCellCdMm: Number(r.first_cell_cd_mm),
      sheetLengthMdMm: Number(r.sheet_length_md_mm),
    },
    status: r.status as SheetModel['status'],
    operation: (r.operation as string | null) ?? null,
    stepSeq: Number(r.step_seq),
    stepState: r.step_state as SheetModel['stepState'],
    stationCode: (r.station_code as string | null) ?? null,
    createdAt: r.created_at as Date,
  };
}

function toCell(r: Row): CellModel {
  const ref = { sheetBarcode: String(r.sheet_barcode), row: Number(r.row), col: Number(r.col) };
  return {
    id: String(r.id),
    sheetId: String(r.sheet_id),
    rollId: String(r.roll_id),
    cellMdMm: Number(r.cell_md_mm),
    ...ref,
    code: formatCellCode(ref),
    rollBarcode: String(r.roll_barcode),
    mdMm: Number(r.md_mm),
    cdMm: Number(r.cd_mm),
    status: String(r.status),
  };
}
