import { formatCellCode } from './cell-code';
import { proposeStacks, type MatchCell, type MatchingRules } from './matching';

/** Soft bins (contract): 1..9 pass grades, 10+ fails, 0 a rig fault (retest allowed). */
export const isPassGrade = (softBin: number): boolean => softBin >= 1 && softBin <= 9;

/** A cell of the sheet with what the pick map needs: its current result, whether it is held, its matching data. */
export interface PickCandidate {
  row: number;
  col: number;
  /** Current soft bin; null when the cell was never tested. */
  softBin: number | null;
  hardBin: number | null;
  held: boolean;
  asrOhmCm2: number | null;
  capacityMah: number;
  rollBarcode: string;
  mdMm: number;
}

/** What an open work order asks for (the stack product's allowed grades, layers and rules). */
export interface PickOrder {
  workOrder: string;
  allowedGrades: readonly number[];
  layers: number;
  rules: MatchingRules;
  /** Stacks still to build. */
  stacksOpen: number;
}

export type PickStrategy = 'GRADED' | 'KITS';
export type ExclusionReason = 'UNTESTED' | 'RIG_FAULT' | 'FAILED' | 'ON_HOLD' | 'GRADE_NOT_WANTED' | 'NO_MATCHING_KIT';

export interface PickEntry {
  row: number;
  col: number;
  cellCode: string;
  softBin: number;
  hardBin: number | null;
  carrier: string;
  position: number;
  /** KITS: the work order whose stack this kit is for; its layer index in the kit. */
  workOrder: string | null;
  layer: number | null;
}

export interface PickMap {
  sheet: string;
  strategy: PickStrategy;
  entries: PickEntry[];
  excluded: { reason: ExclusionReason; count: number; cells: { row: number; col: number }[] }[];
}

/**
 * Which cells of a sheet are picked, into which carrier position (a transfer map: sheet (row, col)
 * to carrier and pocket). Never picked: failed, untested and rig-fault cells, held cells, and cells
 * of a grade no open order wants. GRADED fills carriers of `carrierSize` pockets per grade in sheet
 * order; KITS proposes stacks per order (most stacks first, see proposeStacks) and gives each kit a
 * carrier of its own, its layers in pocket order; cells that fit no kit stay on the sheet.
 */
export function buildPickMap(
  sheet: string,
  cells: readonly PickCandidate[],
  orders: readonly PickOrder[],
  strategy: PickStrategy,
  carrierSize = 100,
): PickMap {
  if (!Number.isInteger(carrierSize) || carrierSize < 1)
    throw new RangeError(`carrierSize must be a whole number >= 1, got ${carrierSize}`);
  const wanted = new Set(orders.flatMap((o) => o.allowedGrades));
  const excluded = new Map<ExclusionReason, { row: number; col: number }[]>();
  const exclude = (reason: ExclusionReason, c: { row: number; col: number }) => {
    (excluded.get(reason) ?? excluded.set(reason, []).get(reason)!).push({ row: c.row, col: c.col });
  };
  const eligible: (PickCandidate & { softBin: number })[] = [];
  for (const c of [...cells].sort((a, b) => a.row - b.row || a.col - b.col)) {
    if (c.softBin === null) exclude('UNTESTED', c);
    else if (c.softBin === 0) exclude('RIG_FAULT', c);
    else if (!isPassGrade(c.softBin)) exclude('FAILED', c);
    else if (c.held) exclude('ON_HOLD', c);
    else if (!wanted.has(c.softBin)) exclude('GRADE_NOT_WANTED', c);
    else eligible.push(c as PickCandidate & { softBin: number });
  }
  const entries: PickEntry[] = [];
  // Plain literals, no object spread: spreading is an order of magnitude slower here (2,500 per sheet).
  const entry = (
    c: PickCandidate & { softBin: number },
    carrier: string,
    position: number,
    workOrder: string | null,
    layer: number | null,
  ): PickEntry => ({
    row: c.row,
    col: c.col,
    cellCode: formatCellCode({ sheetBarcode: sheet, row: c.row, col: c.col }),
    softBin: c.softBin,
    hardBin: c.hardBin,
    carrier,
    position,
    workOrder,
    layer,
  });
  if (strategy === 'GRADED') {
    const fill = new Map<number, number>();
    for (const c of eligible) {
      const k = fill.get(c.softBin) ?? 0;
      fill.set(c.softBin, k + 1);
      entries.push(entry(c, `${sheet}-G${c.softBin}-${Math.floor(k / carrierSize) + 1}`, (k % carrierSize) + 1, null, null));
    }
  } else {
    const left = new Map(eligible.map((c) => [`${c.row},${c.col}`, c]));
    let kit = 0;
    for (const order of orders) {
      if (order.stacksOpen <= 0) continue;
      for (const grade of order.allowedGrades) {
        const pool: (MatchCell & { c: PickCandidate & { softBin: number } })[] = [];
        for (const c of left.values()) {
          if (c.softBin === grade && c.asrOhmCm2 !== null)
            pool.push({
              id: `${c.row},${c.col}`,
              asrOhmCm2: c.asrOhmCm2,
              capacityMah: c.capacityMah,
              rollBarcode: c.rollBarcode,
              mdMm: c.mdMm,
              c,
            });
        }
        const stacks = proposeStacks(pool, order.layers, order.rules).slice(
          0,
          order.stacksOpen - entries.filter((e) => e.workOrder === order.workOrder).length / order.layers,
        );
        for (const s of stacks) {
          kit++;
          s.forEach((m, i) => {
            const c = (m as (typeof pool)[number]).c;
            left.delete(m.id);
            entries.push(entry(c, `${sheet}-K${kit}`, i + 1, order.workOrder, i + 1));
          });
        }
      }
    }
    for (const c of left.values()) exclude('NO_MATCHING_KIT', c);
  }
  return {
    sheet,
    strategy,
    entries,
    excluded: [...excluded.entries()].map(([reason, list]) => ({ reason, count: list.length, cells: list })),
  };
}

/** The transfer map as the picking machine reads it: one line per pick, in pick order. */
export function pickMapCsv(map: PickMap): string {
  const lines = ['sheet,row,col,cell_code,soft_bin,carrier,position,work_order,layer'];
  for (const e of map.entries) {
    lines.push(
      [map.sheet, e.row, e.col, e.cellCode, e.softBin, e.carrier, e.position, e.workOrder ?? '', e.layer ?? ''].map(csvField).join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
