import type { MdInterval } from './md-interval';

/**
 * Where the cells of a sheet sit (docs/contracts.md "Coordinates"): `col` counts across the web
 * (CD) from the operator side, `row` along the web (MD) in the direction of travel; cell (0,0) is at
 * the operator side nearest the roll's leading end. Positions are cell centres in millimetres.
 */
export interface SheetLayout {
  rows: number;
  cols: number;
  /** Active area of one cell along MD and CD. */
  cellMdMm: number;
  cellCdMm: number;
  /** Centre-to-centre distance between neighbouring cells. */
  pitchMdMm: number;
  pitchCdMm: number;
  /** Centre of cell (0,0): from the sheet's leading edge (MD) and from the web's operator-side edge (CD). */
  firstCellMdMm: number;
  firstCellCdMm: number;
  sheetLengthMdMm: number;
}

export interface CellPositions {
  row: Int32Array;
  col: Int32Array;
  mdMm: Float64Array;
  cdMm: Float64Array;
}

/** Row-major index of a cell in every sheet map. */
export function cellIndex(layout: Pick<SheetLayout, 'rows' | 'cols'>, row: number, col: number): number {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= layout.rows || col >= layout.cols) {
    throw new RangeError(`cell (${row}, ${col}) is outside the ${layout.rows} x ${layout.cols} grid`);
  }
  return row * layout.cols + col;
}

export function cellActiveAreaCm2(layout: Pick<SheetLayout, 'cellMdMm' | 'cellCdMm'>): number {
  return (layout.cellMdMm * layout.cellCdMm) / 100;
}

/** Roll coordinates of the centre of cell (row, col) on a sheet starting at sheetMdStartMm. */
export function cellRollPosition(layout: SheetLayout, sheetMdStartMm: number, row: number, col: number): { mdMm: number; cdMm: number } {
  cellIndex(layout, row, col);
  return {
    mdMm: sheetMdStartMm + layout.firstCellMdMm + row * layout.pitchMdMm,
    cdMm: layout.firstCellCdMm + col * layout.pitchCdMm,
  };
}

/** Every cell of a sheet, row-major, ready for one bulk insert. */
export function sheetCellPositions(layout: SheetLayout, sheetMdStartMm: number): CellPositions {
  const n = layout.rows * layout.cols;
  const out: CellPositions = {
    row: new Int32Array(n),
    col: new Int32Array(n),
    mdMm: new Float64Array(n),
    cdMm: new Float64Array(n),
  };
  for (let r = 0, i = 0; r < layout.rows; r++) {
    const md = sheetMdStartMm + layout.firstCellMdMm + r * layout.pitchMdMm;
    for (let c = 0; c < layout.cols; c++, i++) {
      out.row[i] = r;
      out.col[i] = c;
      out.mdMm[i] = md;
      out.cdMm[i] = layout.firstCellCdMm + c * layout.pitchCdMm;
    }
  }
  return out;
}

/** The MD stretch of roll covered by one cell's active area. */
export function cellMdExtent(layout: Pick<SheetLayout, 'cellMdMm'>, cellMdMm: number): MdInterval {
  return { startMm: cellMdMm - layout.cellMdMm / 2, endMm: cellMdMm + layout.cellMdMm / 2 };
}

/** Problems with a layout for a web of the given width; empty when the cells fit. */
export function layoutProblems(layout: SheetLayout, webWidthMm?: number): string[] {
  const problems: string[] = [];
  const positive: (keyof SheetLayout)[] = ['cellMdMm', 'cellCdMm', 'pitchMdMm', 'pitchCdMm', 'sheetLengthMdMm'];
  for (const key of positive) {
    if (!(Number.isFinite(layout[key]) && layout[key] > 0)) problems.push(`${key}: expected a positive number, got ${layout[key]}`);
  }
  for (const key of ['rows', 'cols'] as const) {
    if (!(Number.isInteger(layout[key]) && layout[key] >= 1 && layout[key] <= 10000)) {
      problems.push(`${key}: expected an integer from 1 to 10000, got ${layout[key]}`);
    }
  }
  if (problems.length) return problems;
  if (layout.pitchMdMm < layout.cellMdMm) problems.push(`pitchMdMm: expected >= cellMdMm (${layout.cellMdMm}), got ${layout.pitchMdMm}`);
  if (layout.pitchCdMm < layout.cellCdMm) problems.push(`pitchCdMm: expected >= cellCdMm (${layout.cellCdMm}), got ${layout.pitchCdMm}`);
  const mdFirstEdge = layout.firstCellMdMm - layout.cellMdMm / 2;
  const mdLastEdge = layout.firstCellMdMm + (layout.rows - 1) * layout.pitchMdMm + layout.cellMdMm / 2;
  if (mdFirstEdge < 0 || mdLastEdge > layout.sheetLengthMdMm) {
    problems.push(
      `rows: the cells span MD ${mdFirstEdge} to ${mdLastEdge} mm, expected inside the sheet length 0 to ${layout.sheetLengthMdMm} mm`,
    );
  }
  const cdFirstEdge = layout.firstCellCdMm - layout.cellCdMm / 2;
  const cdLastEdge = layout.firstCellCdMm + (layout.cols - 1) * layout.pitchCdMm + layout.cellCdMm / 2;
  if (cdFirstEdge < 0) problems.push(`firstCellCdMm: the first column starts at CD ${cdFirstEdge} mm, expected >= 0`);
  if (webWidthMm !== undefined && cdLastEdge > webWidthMm) {
    problems.push(`cols: the cells span CD ${cdFirstEdge} to ${cdLastEdge} mm, expected inside the web width ${webWidthMm} mm`);
  }
  return problems;
}

/**
 * MD intervals of the next sheets to cut from a roll: sheets follow each other from the end of the
 * leader; only whole sheets that fit before the trailer are cut.
 */
export function planSheetCuts(args: {
  rollLengthMm: number;
  leaderMm: number;
  trailerMm: number;
  sheetLengthMdMm: number;
  alreadyCut: number;
  count?: number;
}): MdInterval[] {
  const usable = args.rollLengthMm - args.leaderMm - args.trailerMm;
  const capacity = Math.max(0, Math.floor((usable + 1e-9) / args.sheetLengthMdMm));
  const remaining = Math.max(0, capacity - args.alreadyCut);
  const count = args.count === undefined ? remaining : Math.min(args.count, remaining);
  const out: MdInterval[] = [];
  for (let i = 0; i < count; i++) {
    const startMm = args.leaderMm + (args.alreadyCut + i) * args.sheetLengthMdMm;
    out.push({ startMm, endMm: startMm + args.sheetLengthMdMm });
  }
  return out;
}

export function sheetCapacity(args: { rollLengthMm: number; leaderMm: number; trailerMm: number; sheetLengthMdMm: number }): number {
  return Math.max(0, Math.floor((args.rollLengthMm - args.leaderMm - args.trailerMm + 1e-9) / args.sheetLengthMdMm));
}
