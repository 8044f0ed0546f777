import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProductEntity } from '../master-data/master-data.entities';
import { SheetEntity } from '../material/material.entities';
import { PatterningRunEntity, PatternLayoutEntity, ProductPatternLayoutEntity, type PatternLayoutState } from './patterning.entities';

type Row = Record<string, unknown>;

/**
 * Pattern layouts, the layouts each product allows and the patterning runs of sheets; a write takes
 * the manager of the service's transaction (with its audit record).
 */
@Injectable()
export class PatterningRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // ---- layouts

  /** Serialises the saving of versions of one layout name for the rest of the transaction. */
  async lockLayoutName(m: EntityManager, name: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pattern-layout:${name}`]);
  }

  latestLayoutVersion(m: EntityManager, name: string): Promise<PatternLayoutEntity | null> {
    return m.findOne(PatternLayoutEntity, { where: { name }, order: { version: 'DESC' } });
  }

  insertLayout(m: EntityManager, layout: Partial<PatternLayoutEntity>): Promise<PatternLayoutEntity> {
    return m.save(m.create(PatternLayoutEntity, layout));
  }

  saveLayout(m: EntityManager, layout: PatternLayoutEntity): Promise<PatternLayoutEntity> {
    return m.save(layout);
  }

  /** A layout version locked for the transaction (a release, an allowance or a patterning). */
  lockLayout(m: EntityManager, ref: { name: string; version: number }): Promise<PatternLayoutEntity | null> {
    return m.findOne(PatternLayoutEntity, { where: { name: ref.name, version: ref.version }, lock: { mode: 'pessimistic_write' } });
  }

  versionsOf(m: EntityManager, name: string): Promise<PatternLayoutEntity[]> {
    return m.find(PatternLayoutEntity, { where: { name }, order: { version: 'ASC' } });
  }

  layoutById(m: EntityManager, id: string): Promise<PatternLayoutEntity> {
    return m.findOneOrFail(PatternLayoutEntity, { where: { id } });
  }

  layout(ref: { name: string; version: number }): Promise<PatternLayoutEntity | null> {
    return this.db.getRepository(PatternLayoutEntity).findOne({ where: { name: ref.name, version: ref.version } });
  }

  /** Layouts by name and version (newest first within a name), at most 1,000. */
  layouts(filter: { name?: string; state?: PatternLayoutState }): Promise<PatternLayoutEntity[]> {
    return this.db.getRepository(PatternLayoutEntity).find({
      where: { ...(filter.name ? { name: filter.name } : {}), ...(filter.state ? { state: filter.state } : {}) },
      order: { name: 'ASC', version: 'DESC' },
      take: 1000,
    });
  }

  /** The codes of the products that allow a layout. */
  async productCodesOf(layoutId: string): Promise<string[]> {
    const rows = await this.db.query<{ code: string }[]>(
      `SELECT p.code FROM tracking.product_pattern_layouts a JOIN tracking.products p ON p.id = a.product_id WHERE a.layout_id = $1 ORDER BY p.code`,
      [layoutId],
    );
    return rows.map((p) => p.code);
  }

  // ---- the layouts a product allows

  async allow(m: EntityManager, a: { productId: string; layoutId: string; allowedBy: string }): Promise<void> {
    await m.createQueryBuilder().insert().into(ProductPatternLayoutEntity).values(a).orIgnore().execute();
  }

  /** Takes a layout off a product's list; says whether it was on it. */
  async disallow(m: EntityManager, productId: string, layoutId: string): Promise<boolean> {
    const deleted = await m.delete(ProductPatternLayoutEntity, { productId, layoutId });
    return Boolean(deleted.affected);
  }

  isAllowed(m: EntityManager, productId: string, layoutId: string): Promise<boolean> {
    return m.exists(ProductPatternLayoutEntity, { where: { productId, layoutId } });
  }

  /** The released layouts a product allows, as name@version. */
  async allowedNames(m: EntityManager, productId: string): Promise<string[]> {
    const rows = await m.query<{ name: string; version: number }[]>(
      `SELECT l.name, l.version FROM tracking.product_pattern_layouts a JOIN tracking.pattern_layouts l ON l.id = a.layout_id
        WHERE a.product_id = $1 AND l.state = 'RELEASED' ORDER BY l.name, l.version`,
      [productId],
    );
    return rows.map((r) => `${r.name}@${r.version}`);
  }

  allowedForProduct(productCode: string): Promise<PatternLayoutEntity[]> {
    return this.db
      .getRepository(PatternLayoutEntity)
      .createQueryBuilder('l')
      .innerJoin(ProductPatternLayoutEntity, 'a', 'a.layout_id = l.id')
      .innerJoin(ProductEntity, 'p', 'p.id = a.product_id')
      .where('p.code = :code', { code: productCode })
      .orderBy('l.name', 'ASC')
      .addOrderBy('l.version', 'DESC')
      .getMany();
  }

  // ---- patterning runs

  runOfSheetId(m: EntityManager, sheetId: string): Promise<PatterningRunEntity | null> {
    return m.findOne(PatterningRunEntity, { where: { sheetId } });
  }

  insertRun(m: EntityManager, run: Partial<PatterningRunEntity>): Promise<PatterningRunEntity> {
    return m.save(m.create(PatterningRunEntity, run));
  }

  async setRunHold(m: EntityManager, runId: string, holdId: string): Promise<void> {
    await m.update(PatterningRunEntity, { id: runId }, { holdId });
  }

  /** A sheet's patterning run with its layout, station and hold (null: not patterned). */
  async runRowOfSheet(sheetBarcode: string, m: EntityManager = this.db.manager): Promise<Row | null> {
    const [r] = await m.query<Row[]>(
      `SELECT s.barcode, l.name, l.version, st.code AS station_code, pr.tool_settings, pr.offset_md_mm, pr.offset_cd_mm,
              pr.rotation_deg, pr.hold_id, h.reason AS hold_reason, pr.recorded_by, pr.recorded_at
         FROM tracking.patterning_runs pr
         JOIN tracking.sheets s ON s.id = pr.sheet_id
         JOIN tracking.pattern_layouts l ON l.id = pr.layout_id
         JOIN tracking.stations st ON st.id = pr.station_id
         LEFT JOIN tracking.holds h ON h.id = pr.hold_id
        WHERE s.barcode = $1`,
      [sheetBarcode],
    );
    return r ?? null;
  }

  // ---- the sheet's grid

  /** How many holds name cells of the sheet. */
  async cellHoldCount(m: EntityManager, sheetId: string): Promise<number> {
    const [{ n }] = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM tracking.holds h JOIN tracking.cells c ON c.id = h.cell_id WHERE c.sheet_id = $1`,
      [sheetId],
    );
    return n;
  }

  /** The sheet's cells written again for its new grid (one DELETE, one INSERT ... SELECT FROM unnest), and its grid recorded. */
  async regrid(
    m: EntityManager,
    sheet: SheetEntity,
    layout: { id: string; rows: number; cols: number },
    grid: { row: ArrayLike<number>; col: ArrayLike<number>; mdMm: ArrayLike<number>; cdMm: ArrayLike<number> },
  ): Promise<void> {
    await m.query('DELETE FROM tracking.cells WHERE sheet_id = $1', [sheet.id]);
    await m.query(
      `INSERT INTO tracking.cells (sheet_id, roll_id, "row", col, md_mm, cd_mm)
       SELECT $1, $2, u.r, u.c, u.md, u.cd FROM unnest($3::smallint[], $4::smallint[], $5::float8[], $6::float8[]) AS u(r, c, md, cd)`,
      [sheet.id, sheet.rollId, Array.from(grid.row), Array.from(grid.col), Array.from(grid.mdMm), Array.from(grid.cdMm)],
    );
    await m.update(
      SheetEntity,
      { id: sheet.id },
      { rows: layout.rows, cols: layout.cols, patternLayoutId: layout.id, version: sheet.version + 1 },
    );
  }
}
