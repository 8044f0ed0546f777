import { parseCellCode, ScanBurstDetector } from './scan-burst';

const typeAt = (d: ScanBurstDetector, keys: string[], start: number, gap: number) => keys.map((k, i) => d.key(k, start + i * gap));

describe('ScanBurstDetector', () => {
  it('takes a fast burst ended by Enter as one code', () => {
    const d = new ScanBurstDetector();
    const out = typeAt(d, [...'S-R0001-0003', 'Enter'], 1000, 6);
    expect(out.slice(0, -1).every((o) => o === null)).toBe(true);
    expect(out.at(-1)).toBe('S-R0001-0003');
  });

  it('does not take a person typing slowly as a scan', () => {
    const d = new ScanBurstDetector();
    expect(typeAt(d, [...'R0002', 'Enter'], 0, 180).at(-1)).toBeNull();
    // A loaded terminal sees a scanner's keys up to ~100 ms apart: still one scan.
    expect(typeAt(d, [...'R0002', 'Enter'], 5000, 90).at(-1)).toBe('R0002');
  });

  it('keeps what a person typed before out of the scanned code', () => {
    const d = new ScanBurstDetector();
    typeAt(d, [...'12'], 0, 200);
    expect(d.startsBurst(1000)).toBe(true);
    expect(typeAt(d, [...'R0002', 'Enter'], 1000, 5).at(-1)).toBe('R0002');
  });

  it('ignores keys that are not characters (Shift, Tab) and refuses a burst too short to be a code', () => {
    const d = new ScanBurstDetector();
    expect(typeAt(d, ['Shift', 'R', 'Shift', '0', 'Enter'], 0, 5).at(-1)).toBeNull();
    expect(typeAt(d, [...'R00', 'Tab', '0', 'Enter'], 500, 5).at(-1)).toBe('R000');
  });

  it('a pause in the middle starts the code again from the key after the pause', () => {
    const d = new ScanBurstDetector({ maxGapMs: 50, minLength: 3 });
    expect(typeAt(d, [...'AB', 'Enter'], 100, 5).at(-1)).toBeNull(); // shorter than minLength
    d.key('X', 0);
    expect(typeAt(d, [...'STK-9', 'Enter'], 400, 5).at(-1)).toBe('STK-9');
  });
});

describe('parseCellCode', () => {
  it('parses a singulated cell code from the end (sheet barcodes contain dashes)', () => {
    expect(parseCellCode('S-R0001-0007-R12C3')).toEqual({ sheet: 'S-R0001-0007', row: 12, col: 3 });
  });
  it.each(['S-R0001-0007', 'STK-0001', 'S-R0001-0007-R12', 'S-R0001-0007-RxC3'])('%s is not a cell code', (code) => {
    expect(parseCellCode(code)).toBeNull();
  });
});
