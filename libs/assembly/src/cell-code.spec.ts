import { formatCellCode, isStackBarcode, parseCellCode } from './cell-code';

describe('cell codes', () => {
  it('round-trips a sheet, row and column, parsing from the end', () => {
    const code = formatCellCode({ sheetBarcode: 'S-R0001-0007', row: 12, col: 3 });
    expect(code).toBe('S-R0001-0007-R12C3');
    expect(parseCellCode(code)).toEqual({ sheetBarcode: 'S-R0001-0007', row: 12, col: 3 });
    // A sheet barcode that itself looks like a code still parses from the end.
    expect(parseCellCode('S-R1C2-R0C0')).toEqual({ sheetBarcode: 'S-R1C2', row: 0, col: 0 });
  });

  it('refuses what is not exactly one cell code', () => {
    expect(parseCellCode('S-R0001-0007')).toBeNull();
    expect(parseCellCode('S-R0001-0007-R012C3')).toBeNull();
    expect(parseCellCode('-R1C2')).toBeNull();
    expect(parseCellCode('S-R0001-0007-R1C-2')).toBeNull();
    expect(parseCellCode('S-1-R99999C1')).toBeNull();
  });

  it('knows a stack barcode by its prefix', () => {
    expect(isStackBarcode('STK-0001')).toBe(true);
    expect(isStackBarcode('S-R0001-0001')).toBe(false);
    expect(isStackBarcode('STK-')).toBe(false);
  });
});
