/**
 * The scannable identity of a singulated cell: `<sheet barcode>-R<row>C<col>`, row and col in decimal
 * without padding (S-R0001-0007-R12C3). It is parsed from the end, so any sheet barcode works. A
 * stack's barcode starts with `STK-`.
 */
const CELL_CODE = /^(.+)-R(\d+)C(\d+)$/;
export const STACK_BARCODE = /^STK-[A-Za-z0-9._-]{1,60}$/;

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

export function isStackBarcode(code: string): boolean {
  return STACK_BARCODE.test(code);
}
