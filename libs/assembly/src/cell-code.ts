/**
 * A singulated cell's code (`<sheet barcode>-R<row>C<col>`) is the line's shared identity contract,
 * kept in @mes/geometry; a stack's barcode starts with `STK-`.
 */
export { formatCellCode, parseCellCode, type CellRef } from '@mes/geometry';

export const STACK_BARCODE = /^STK-[A-Za-z0-9._-]{1,60}$/;

export function isStackBarcode(code: string): boolean {
  return STACK_BARCODE.test(code);
}
