import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ancestorRegions, cellKey, cellMdExtent, overlaps } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { MaterialRepository } from '../material/material.repository';
import type { CellRefInput, CellStateModel, HeldCellModel } from './cell-state.model';
import { HoldRepository } from './hold.repository';

/** Cells at the end of the line (singulation, stacking): which are scrapped, which are held and why. */
@Injectable()
export class CellStateService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly material: MaterialRepository,
    private readonly holds: HoldRepository,
  ) {}

  /**
   * The cells of a sheet that an active hold covers: a hold on the sheet, its roll or a region it
   * came from covers the cells inside it; a cell hold covers its cell. One hold query for the sheet,
   * then each cell's MD extent is matched in memory (2,500 cells in a few milliseconds).
   */
  async heldCells(sheetBarcode: string): Promise<HeldCellModel[]> {
    const s = await this.material.sheetExtent(sheetBarcode);
    if (!s)
      throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet barcode ${sheetBarcode}`, [
        { path: 'sheet', message: 'expected a sheet barcode' },
      ]);
    const holds = await this.holds.activeForSheetAndCells(this.db.manager, {
      id: String(s.id),
      rollId: String(s.roll_id),
      mdStartMm: s.md_start_mm,
      mdEndMm: s.md_end_mm,
    });
    if (!holds.length) return [];
    const cells = await this.material.cellPositionsOfSheet(s.id);
    const regionHolds = holds.filter((h) => h.target === 'ROLL_REGION');
    const regionRolls = regionHolds.length ? await this.holds.rollIdsOf(regionHolds.map((h) => h.id)) : new Map<string, string>();
    const links = regionHolds.length ? await this.material.lineageLinks(String(s.roll_id)) : [];
    const out: HeldCellModel[] = [];
    for (const c of cells) {
      const regions = regionHolds.length
        ? ancestorRegions({ rollId: String(s.roll_id), ...cellMdExtent({ cellMdMm: s.cell_md_mm }, c.md_mm) }, links)
        : [];
      const hold = holds.find((h) => {
        if (h.target === 'CELL') return h.sheetBarcode === sheetBarcode && h.row === c.row && h.col === c.col;
        if (h.target !== 'ROLL_REGION') return true;
        const rollId = regionRolls.get(h.id);
        return regions.some((r) => r.rollId === rollId && overlaps(r, { startMm: h.mdFromMm as number, endMm: h.mdToMm as number }));
      });
      if (hold) out.push({ row: c.row, col: c.col, holdId: hold.id, reason: hold.reason });
    }
    return out;
  }

  /** Each cell's roll position, status and active holds (at most 500 per call). */
  async cellStates(refs: CellRefInput[]): Promise<CellStateModel[]> {
    if (refs.length > 500)
      throw new DomainError('VALIDATION_FAILED', `cellStates takes at most 500 cells per call, got ${refs.length}`, [
        { path: 'cells', message: 'expected at most 500 cells' },
      ]);
    if (!refs.length) return [];
    const cells = await this.material.cellsByKeys(refs);
    const missing = refs.findIndex((r) => !cells.has(cellKey(r)));
    if (missing >= 0) {
      const r = refs[missing];
      throw new DomainError(
        'NOT_FOUND',
        `No cell (${r.row}, ${r.col}) on sheet ${r.sheetBarcode}: expected a registered sheet and a position inside its grid`,
        [{ path: `cells[${missing}]`, message: 'expected an existing cell' }],
      );
    }
    // One hold query for all of them, not one per cell.
    const holds = await this.holds.activeForCells(this.db.manager, [...cells.values()]);
    const out: CellStateModel[] = [];
    for (const ref of refs) {
      const c = cells.get(cellKey(ref))!;
      out.push({
        sheetBarcode: c.sheetBarcode,
        row: c.row,
        col: c.col,
        rollBarcode: c.rollBarcode,
        mdMm: c.mdMm,
        cdMm: c.cdMm,
        status: c.status,
        activeHolds: holds.get(c.id) ?? [],
      });
    }
    return out;
  }
}
