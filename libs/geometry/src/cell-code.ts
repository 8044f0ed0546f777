/**
 * The scannable identity of a singulated cell: `<sheet barcode>-R<row>C<col>`, row and col in decimal
 * without padding (S-R0001-0007-R12C3). It is parsed from the end, so any sheet barcode works.
 * Tracking's `Cell.code` and assembly's pick maps and stacks both write it, so it lives here once.
 */
const CELL_CODE = /^(.+)-R(\d+)C(\d+)$/;

export interface CellRef {
  sheetBarcode: string;
  row: number;
  col: number;
}

export function formatCellCode(c: CellRef): string {
  return `${c.sheetBarcode}-R${c.row}C${c.col}`;
}

/** The cell a code names, or null when the text is not a cell code. Leading zeros are refused: one cell, one code. */
export function parseCellCode(code: string): CellRef | null {
  const m = CELL_CODE.exec(code.trim());
  if (!m) return null;
  if ((m[2].length > 1 && m[2].startsWith('0')) || (m[3].length > 1 && m[3].startsWith('0'))) return null;
  const row = Number(m[2]);
  const col = Number(m[3]);
  if (row > 32767 || col > 32767) return null;
  return { sheetBarcode: m[1], row, col };
}

/** A cell's identity as a map key (sheet barcode, row and col): what the graph's batched loads key cells by. */
export function cellKey(c: CellRef): string {
  return `${c.sheetBarcode}|${c.row}|${c.col}`;
}
