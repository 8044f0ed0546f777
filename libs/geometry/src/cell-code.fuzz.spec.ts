import fc from 'fast-check';
import { UNIT_FUZZ_RUNS } from '@mes/testing';
import { formatCellCode, parseCellCode } from './cell-code';

/** Scanned cell codes fuzzed: one code per cell, read back to the cell it names, anything else read as no cell. */
describe('cell codes (fuzzed)', () => {
  const cell = fc.record({
    sheetBarcode: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && !s.includes('\n')),
    row: fc.integer({ min: 0, max: 32767 }),
    col: fc.integer({ min: 0, max: 32767 }),
  });

  it('reads every code back to the cell it was written for', () => {
    fc.assert(
      fc.property(cell, (c) => expect(parseCellCode(formatCellCode(c))).toEqual(c)),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('reads any scanned text as a cell whose code is that text, or as no cell', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          cell.map(formatCellCode).map((s) => s.replace(/R(\d)/, 'R0$1')),
        ),
        (text) => {
          const c = parseCellCode(text);
          if (c !== null) expect(formatCellCode(c)).toBe(text.trim());
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});
