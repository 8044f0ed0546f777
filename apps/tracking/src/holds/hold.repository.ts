import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ancestorRegions, cellMdExtent, overlaps, type MdInterval, type RollRegion } from '@mes/geometry';
import { BatchLoader } from '@mes/service-core';
import { MaterialRepository } from '../material/material.repository';
import { HoldEntity } from './hold.entity';
import type { HoldModel } from './hold.model';

const HOLD_SELECT = `
  SELECT h.*, r.barcode AS roll_barcode, s.barcode AS sheet_barcode, c.row AS cell_row, c.col AS cell_col,
         cs.barcode AS cell_sheet_barcode
    FROM tracking.holds h
    LEFT JOIN tracking.rolls r ON r.id = h.roll_id
    LEFT JOIN tracking.sheets s ON s.id = h.sheet_id
    LEFT JOIN tracking.cells c ON c.id = h.cell_id
    LEFT JOIN tracking.sheets cs ON cs.id = c.sheet_id`;

type Row = Record<string, unknown>;

/** A genealogy link below a held roll, as descendantLinks reads it. */
export interface DescendantLink {
  child_roll_id: string;
  parent_roll_id: string;
  child_md_start_mm: number;
  child_md_end_mm: number;
  parent_md_start_mm: number;
  child_length_mm: number;
}

/** What the holds of a cell depend on: the cell, its sheet, its roll and the MD stretch it was made on. */
export interface CellForHolds {
  id: string;
  sheetId: string;
  rollId: string;
  mdMm: number;
  cellMdMm: number;
}

/** Which holds stop a unit: its own, and those on any roll region it came from. */
@Injectable()
export class HoldRepository {
  private readonly cellBatch = new BatchLoader<CellForHolds, HoldModel[]>(
    (cells) => this.activeForCells(this.db.manager, cells),
    (c) => c.id,
    [],
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly material: MaterialRepository,
  ) {}

  /** Active holds covering a whole roll (whole-roll holds on it or on the rolls it came from). */
  async activeForRoll(roll: { id: string; lengthMm: number }, m: EntityManager = this.db.manager): Promise<HoldModel[]> {
    const regions = ancestorRegions({ rollId: roll.id, startMm: 0, endMm: roll.lengthMm }, await this.material.lineageLinks(roll.id, m));
    return this.covering(m, regions, { wholeRollOnly: true, activeOnly: true });
  }

  /** Active holds covering a sheet: on the sheet, or on a roll or roll region its MD interval came from. */
  async activeForSheet(
    sheet: { id: string; rollId: string; mdStartMm: number; mdEndMm: number },
    m: EntityManager = this.db.manager,
  ): Promise<HoldModel[]> {
    const regions = ancestorRegions(
      { rollId: sheet.rollId, startMm: sheet.mdStartMm, endMm: sheet.mdEndMm },
      await this.material.lineageLinks(sheet.rollId, m),
    );
    return this.covering(m, regions, { wholeRollOnly: false, activeOnly: true, sheetId: sheet.id });
  }

  /** Active holds covering one cell: the sheet's, the cell's own, and region holds over the cell's extent. */
  async activeForCell(
    m: EntityManager,
    cell: { id: string; sheetId: string; rollId: string; mdMm: number; cellMdMm: number },
  ): Promise<HoldModel[]> {
    const extent: MdInterval = cellMdExtent({ cellMdMm: cell.cellMdMm }, cell.mdMm);
    const regions = ancestorRegions({ rollId: cell.rollId, ...extent }, await this.material.lineageLinks(cell.rollId, m));
    return this.covering(m, regions, { wholeRollOnly: false, activeOnly: true, sheetId: cell.sheetId, cellId: cell.id });
  }

  /** activeForCell for the cells asked in one burst (Cell.activeHolds over a list of cells): one query for all. */
  activeForCellBatched(cell: CellForHolds): Promise<HoldModel[]> {
    return this.cellBatch.load(cell);
  }

  /**
   * The active holds of many cells at once (what activeForCell answers for each), keyed by cell id:
   * one query for the holds that may cover any of them, then each cell takes its own in memory.
   */
  async activeForCells(m: EntityManager, cells: readonly CellForHolds[]): Promise<Map<string, HoldModel[]>> {
    const out = new Map<string, HoldModel[]>();
    if (!cells.length) return out;
    const regionsOf = new Map<string, RollRegion[]>();
    for (const c of cells) {
      const extent = cellMdExtent({ cellMdMm: c.cellMdMm }, c.mdMm);
      regionsOf.set(c.id, ancestorRegions({ rollId: c.rollId, ...extent }, await this.material.lineageLinks(c.rollId, m)));
    }
    const regions = [...regionsOf.values()].flat();
    const rows = await m.query<Row[]>(
      `${HOLD_SELECT}
        WHERE h.active AND (
              (h.target = 'ROLL' AND h.roll_id = ANY($1::bigint[]))
           OR (h.target = 'ROLL_REGION' AND EXISTS (
                 SELECT 1 FROM unnest($1::bigint[], $2::float8[], $3::float8[]) AS reg(roll_id, start_mm, end_mm)
                  WHERE reg.roll_id = h.roll_id AND h.md_start_mm < reg.end_mm AND reg.start_mm < h.md_end_mm))
           OR h.sheet_id = ANY($4::bigint[]) OR h.cell_id = ANY($5::bigint[]))
        ORDER BY h.id`,
      [
        regions.map((r) => r.rollId),
        regions.map((r) => r.startMm),
        regions.map((r) => r.endMm),
        [...new Set(cells.map((c) => c.sheetId))],
        cells.map((c) => c.id),
      ],
    );
    for (const c of cells) {
      const mine = regionsOf.get(c.id) as RollRegion[];
      const covering = rows.filter((h) => {
        if (h.target === 'ROLL') return mine.some((r) => r.rollId === String(h.roll_id));
        if (h.target === 'ROLL_REGION')
          return mine.some(
            (r) => r.rollId === String(h.roll_id) && overlaps(r, { startMm: Number(h.md_start_mm), endMm: Number(h.md_end_mm) }),
          );
        if (h.target === 'SHEET') return String(h.sheet_id) === c.sheetId;
        return String(h.cell_id) === c.id;
      });
      out.set(c.id, covering.map(toHold));
    }
    return out;
  }

  /** Active holds on a sheet, on any cell of it, or on a roll region it came from (what the cell holds of a sheet are chosen from). */
  async activeForSheetAndCells(
    m: EntityManager,
    sheet: { id: string; rollId: string; mdStartMm: number; mdEndMm: number },
  ): Promise<HoldModel[]> {
    const regions = ancestorRegions(
      { rollId: sheet.rollId, startMm: sheet.mdStartMm, endMm: sheet.mdEndMm },
      await this.material.lineageLinks(sheet.rollId, m),
    );
    return this.covering(m, regions, { wholeRollOnly: false, activeOnly: true, sheetId: sheet.id, cellsOfSheet: true });
  }

  async byId(id: string, m: EntityManager = this.db.manager): Promise<HoldModel | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const rows = await m.query<Row[]>(`${HOLD_SELECT} WHERE h.id = $1`, [id]);
    return rows.length ? toHold(rows[0]) : null;
  }

  async list(filter: { active?: boolean; rollId?: string; limit: number }): Promise<HoldModel[]> {
    const rows = await this.db.query<Row[]>(
      `${HOLD_SELECT} WHERE ($1::boolean IS NULL OR h.active = $1) AND ($2::bigint IS NULL OR h.roll_id = $2 OR s.roll_id = $2 OR c.roll_id = $2)
        ORDER BY h.id DESC LIMIT $3`,
      [filter.active ?? null, filter.rollId ?? null, filter.limit],
    );
    return rows.map(toHold);
  }

  /** Every hold, active or released, that ever covered a roll or a sheet (or any cell of it): for its history. */
  async everCovering(
    m: EntityManager,
    unit: { rollId: string; mdStartMm: number; mdEndMm: number; sheetId?: string },
  ): Promise<HoldModel[]> {
    const regions = ancestorRegions(
      { rollId: unit.rollId, startMm: unit.mdStartMm, endMm: unit.mdEndMm },
      await this.material.lineageLinks(unit.rollId, m),
    );
    return this.covering(m, regions, { wholeRollOnly: false, activeOnly: false, sheetId: unit.sheetId, cellsOfSheet: true });
  }

  /** The roll of each hold (by hold id). */
  async rollIdsOf(holdIds: string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{ id: string; roll_id: string }[]>(
      `SELECT id, roll_id FROM tracking.holds WHERE id = ANY($1::bigint[])`,
      [holdIds],
    );
    return new Map(rows.map((r) => [String(r.id), String(r.roll_id)]));
  }

  // ---- writes, in the caller's transaction

  insert(m: EntityManager, hold: Partial<HoldEntity>): Promise<HoldEntity> {
    return m.save(m.create(HoldEntity, hold));
  }

  /** The hold row locked for the release's transaction (two releases of one hold queue here). */
  lockById(m: EntityManager, id: string): Promise<HoldEntity | null> {
    return m.findOne(HoldEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async markReleased(
    m: EntityManager,
    id: string,
    release: { disposition: HoldEntity['disposition']; releasedBy: string; releaseComment: string | null | undefined },
  ): Promise<void> {
    await m.update(HoldEntity, { id }, { active: false, ...release, releasedAt: () => 'now()' } as never);
  }

  /** Scraps the active material a hold covers (a roll hold: the roll too); counts the units changed. */
  async scrapCovered(m: EntityManager, hold: HoldEntity): Promise<{ rolls: number; sheets: number; cells: number }> {
    const sheetFilter = coveredSheets(hold);
    let rolls = 0;
    if (hold.target === 'ROLL') {
      rolls = (
        await m.query<[unknown[], number]>(
          `UPDATE tracking.rolls SET status = 'SCRAPPED', step_state = 'WAITING', station_id = NULL, version = version + 1 WHERE id = $1 AND status = 'ACTIVE'`,
          [hold.rollId],
        )
      )[1];
    }
    const cellFilter =
      hold.target === 'CELL'
        ? { sql: 'id = $1', params: [hold.cellId] }
        : hold.target === 'ROLL_REGION'
          ? { sql: 'roll_id = $1 AND md_mm >= $2 AND md_mm < $3', params: [hold.rollId, hold.mdStartMm, hold.mdEndMm] }
          : { sql: `sheet_id IN (SELECT id FROM tracking.sheets WHERE ${sheetFilter.sql})`, params: sheetFilter.params };
    const cells = (
      await m.query<[unknown[], number]>(
        `UPDATE tracking.cells SET status = 'SCRAPPED' WHERE status = 'ACTIVE' AND ${cellFilter.sql}`,
        cellFilter.params,
      )
    )[1];
    // A region scrap takes whole sheets only where the region covers the whole sheet.
    const sheetScrap =
      hold.target === 'ROLL_REGION'
        ? { sql: 'roll_id = $1 AND md_start_mm >= $2 AND md_end_mm <= $3', params: [hold.rollId, hold.mdStartMm, hold.mdEndMm] }
        : sheetFilter;
    const sheets =
      hold.target === 'CELL'
        ? 0
        : (
            await m.query<[unknown[], number]>(
              `UPDATE tracking.sheets SET status = 'SCRAPPED', step_state = 'WAITING', station_id = NULL, version = version + 1 WHERE status = 'ACTIVE' AND ${sheetScrap.sql}`,
              sheetScrap.params,
            )
          )[1];
    return { rolls, sheets, cells };
  }

  /**
   * Sends the active rolls and sheets a hold covers back to the operation before the one they wait
   * for (where that is of the same unit level); counts the units changed.
   */
  async reworkCovered(m: EntityManager, hold: HoldEntity): Promise<{ rolls: number; sheets: number; cells: number }> {
    const sheetFilter = coveredSheets(hold);
    const back = `step_seq = CASE WHEN EXISTS (SELECT 1 FROM tracking.route_steps p JOIN tracking.route_steps c ON c.route_id = p.route_id AND c.seq = p.seq + 1
                    WHERE p.route_id = t.route_id AND c.seq = t.step_seq AND p.level = c.level) THEN step_seq - 1 ELSE step_seq END,
                  step_state = 'WAITING', station_id = NULL, version = version + 1`;
    let rolls = 0;
    if (hold.target === 'ROLL')
      rolls = (
        await m.query<[unknown[], number]>(`UPDATE tracking.rolls t SET ${back} WHERE id = $1 AND status = 'ACTIVE'`, [hold.rollId])
      )[1];
    const sheets =
      hold.target === 'CELL'
        ? 0
        : (
            await m.query<[unknown[], number]>(
              `UPDATE tracking.sheets t SET ${back} WHERE status = 'ACTIVE' AND ${sheetFilter.sql}`,
              sheetFilter.params,
            )
          )[1];
    return { rolls, sheets, cells: 0 };
  }

  /** Every genealogy link below a roll (splices and slits, any depth), with each child roll's length. */
  descendantLinks(m: EntityManager, rollId: string): Promise<DescendantLink[]> {
    return m.query<DescendantLink[]>(
      `WITH RECURSIVE down AS (
         SELECT * FROM tracking.roll_links WHERE parent_roll_id = $1
         UNION SELECT l.* FROM tracking.roll_links l JOIN down ON l.parent_roll_id = down.child_roll_id)
       SELECT d.child_roll_id, d.parent_roll_id, d.child_md_start_mm, d.child_md_end_mm, d.parent_md_start_mm, r.length_mm AS child_length_mm
         FROM down d JOIN tracking.rolls r ON r.id = d.child_roll_id`,
      [rollId],
    );
  }

  /**
   * One query for a unit's own holds and the holds on every roll region it came from (a scan's hot
   * path). `cellsOfSheet` adds holds on any cell of the sheet; `activeOnly: false` adds released ones.
   */
  private async covering(
    m: EntityManager,
    regions: { rollId: string; startMm: number; endMm: number }[],
    opts: { wholeRollOnly: boolean; activeOnly: boolean; sheetId?: string; cellId?: string; cellsOfSheet?: boolean },
  ): Promise<HoldModel[]> {
    const rows = await m.query<Row[]>(
      `${HOLD_SELECT}
         LEFT JOIN unnest($1::bigint[], $2::float8[], $3::float8[]) AS reg(roll_id, start_mm, end_mm) ON reg.roll_id = h.roll_id
        WHERE (h.active OR NOT $7) AND (
              (reg.roll_id IS NOT NULL AND (h.target = 'ROLL'
                 OR ($4 = false AND h.target = 'ROLL_REGION' AND h.md_start_mm < reg.end_mm AND reg.start_mm < h.md_end_mm)))
           OR h.sheet_id = $5 OR h.cell_id = $6 OR ($8 AND c.sheet_id = $5))
        ORDER BY h.id`,
      [
        regions.map((r) => r.rollId),
        regions.map((r) => r.startMm),
        regions.map((r) => r.endMm),
        opts.wholeRollOnly,
        opts.sheetId ?? null,
        opts.cellId ?? null,
        opts.activeOnly,
        opts.cellsOfSheet ?? false,
      ],
    );
    const seen = new Set<string>();
    return rows.map(toHold).filter((h) => !seen.has(h.id) && seen.add(h.id));
  }
}

/** The sheets a hold covers, as a WHERE clause on tracking.sheets (a cell hold covers no whole sheet). */
function coveredSheets(hold: HoldEntity): { sql: string; params: unknown[] } {
  switch (hold.target) {
    case 'ROLL':
      return { sql: 'roll_id = $1', params: [hold.rollId] };
    case 'ROLL_REGION':
      return { sql: 'roll_id = $1 AND md_start_mm < $3 AND $2 < md_end_mm', params: [hold.rollId, hold.mdStartMm, hold.mdEndMm] };
    case 'SHEET':
      return { sql: 'id = $1', params: [hold.sheetId] };
    case 'CELL':
      return { sql: 'false', params: [] };
  }
}

export function toHold(r: Row): HoldModel {
  return {
    id: String(r.id),
    target: r.target as HoldModel['target'],
    rollBarcode: (r.roll_barcode as string | null) ?? null,
    mdFromMm: r.md_start_mm === null ? null : Number(r.md_start_mm),
    mdToMm: r.md_end_mm === null ? null : Number(r.md_end_mm),
    sheetBarcode: ((r.sheet_barcode ?? r.cell_sheet_barcode) as string | null) ?? null,
    row: r.cell_row === null || r.cell_row === undefined ? null : Number(r.cell_row),
    col: r.cell_col === null || r.cell_col === undefined ? null : Number(r.cell_col),
    reason: String(r.reason),
    active: Boolean(r.active),
    placedBy: String(r.placed_by),
    placedAt: r.placed_at as Date,
    disposition: (r.disposition as HoldModel['disposition']) ?? null,
    releasedBy: (r.released_by as string | null) ?? null,
    releasedAt: (r.released_at as Date | null) ?? null,
    releaseComment: (r.release_comment as string | null) ?? null,
  };
}
