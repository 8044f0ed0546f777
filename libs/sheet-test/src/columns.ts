/**
 * A sheet test's cells as columns: the one form the idempotency hash and the stored encoding are
 * computed from, whether the test came as a JSON body (columnsOfBody) or as an Arrow stream (whose
 * columns are taken over without making a JavaScript object per cell).
 */
import { CELL_STATUS_CODE, MAX_GRID_INDEX, type SheetGrid, type SheetTestBody, type SheetTestHeader } from './types';

/** What every column form of a test's cells holds: one entry per cell, in posted order. */
export interface CellColumns {
  count: number;
  /** Points per spectrum: the test's frequency count, 0 for an OCV-only test. */
  points: number;
  rows: Int16Array;
  cols: Int16Array;
  /** CELL_STATUS_CODE: 0 OK, 1 NO_CONTACT. */
  status: Uint8Array;
  /** Open-circuit voltage, V; NaN for a NO_CONTACT cell. */
  ocv: Float64Array;
}

/** The cells of a validated test with the spectra as posted (doubles): what the hash is taken over. */
export interface SheetTestColumns extends CellColumns {
  /** count × points values, cell i at [i × points, (i + 1) × points); NaN for a NO_CONTACT cell. */
  zRe: Float64Array;
  zIm: Float64Array;
}

/** The body without its cells. */
export function headerOf(body: SheetTestBody): SheetTestHeader {
  const header: Partial<SheetTestBody> = { ...body };
  delete header.cells;
  return header as SheetTestHeader;
}

/** The columns of a body that validateSheetTestBody accepted. */
export function columnsOfBody(body: SheetTestBody): SheetTestColumns {
  const cells = body.cells;
  const count = cells.length;
  const points = body.frequenciesHz ? body.frequenciesHz.length : 0;
  const out: SheetTestColumns = {
    count,
    points,
    rows: new Int16Array(count),
    cols: new Int16Array(count),
    status: new Uint8Array(count),
    ocv: new Float64Array(count),
    zRe: new Float64Array(count * points),
    zIm: new Float64Array(count * points),
  };
  for (let i = 0; i < count; i++) {
    const c = cells[i];
    out.rows[i] = c.row;
    out.cols[i] = c.col;
    const base = i * points;
    if (c.status === 'NO_CONTACT') {
      out.status[i] = CELL_STATUS_CODE.NO_CONTACT;
      out.ocv[i] = NaN;
      if (points > 0) {
        out.zRe.fill(NaN, base, base + points);
        out.zIm.fill(NaN, base, base + points);
      }
      continue;
    }
    out.ocv[i] = c.ocvV;
    if (points > 0) {
      out.zRe.set(c.zReOhm as number[], base);
      out.zIm.set(c.zImOhm as number[], base);
    }
  }
  return out;
}

/**
 * The grid-dependent rules (see checkGrid): the problems as (index, field, max, value), at most
 * `limit` of them listed, and how many there are; cells beyond the grid's capacity count as one.
 */
export function gridProblems(
  columns: Pick<SheetTestColumns, 'count' | 'rows' | 'cols'>,
  grid: SheetGrid,
): { countOver: boolean; outside: { index: number; field: 'row' | 'col'; max: number; value: number }[] } {
  const maxRow = grid.rows - 1;
  const maxCol = grid.cols - 1;
  const outside: { index: number; field: 'row' | 'col'; max: number; value: number }[] = [];
  for (let i = 0; i < columns.count; i++) {
    if (columns.rows[i] > maxRow) outside.push({ index: i, field: 'row', max: maxRow, value: columns.rows[i] });
    if (columns.cols[i] > maxCol) outside.push({ index: i, field: 'col', max: maxCol, value: columns.cols[i] });
  }
  return { countOver: columns.count > grid.rows * grid.cols, outside };
}

/** Cells in (row, col) order: their indices (the posted order when it is already so, as rigs post). */
export function rowMajorOrder(columns: Pick<SheetTestColumns, 'count' | 'rows' | 'cols'>): Float64Array {
  const { count, rows, cols } = columns;
  // key × 2^16 + index is an exact double (< 2^46) and sorts numerically, without a comparator
  const order = new Float64Array(count);
  let inOrder = true;
  let previousKey = -1;
  for (let i = 0; i < count; i++) {
    const key = rows[i] * (MAX_GRID_INDEX + 1) + cols[i];
    if (key <= previousKey) inOrder = false;
    previousKey = key;
    order[i] = key * 65536 + i;
  }
  if (inOrder) {
    for (let i = 0; i < count; i++) order[i] = i;
  } else if (count > 65536) {
    // indices no longer fit in 16 bits: a comparator sort (never reached by a real sheet)
    const idx = Array.from({ length: count }, (_, i) => i);
    idx.sort((a, b) => rows[a] - rows[b] || cols[a] - cols[b]);
    for (let i = 0; i < count; i++) order[i] = idx[i];
  } else {
    order.sort();
    for (let i = 0; i < count; i++) order[i] = order[i] % 65536;
  }
  return order;
}
