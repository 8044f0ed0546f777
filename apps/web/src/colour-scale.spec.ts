import { binColour, colourOf, NO_VALUE, robustRange, viridis } from './colour-scale';
import { cellAt, pixelOf } from './heatmap';
import { unitLabelZpl } from './zpl';

describe('colour scale', () => {
  it('runs from dark purple to yellow and clamps outside [0, 1]', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    // monotone in lightness (sum of channels) across the scale
    const light = [0, 0.25, 0.5, 0.75, 1].map((t) => viridis(t).reduce((a, b) => a + b, 0));
    expect([...light].sort((a, b) => a - b)).toEqual(light);
  });

  it('spans the 2nd to 98th percentile, so one shorted cell does not flatten the map', () => {
    const values = Float32Array.from({ length: 100 }, (_, i) => 4 + i * 0.001);
    values[0] = 0;
    const r = robustRange(values)!;
    expect(r.min).toBeCloseTo(4.002, 6);
    expect(r.max).toBeCloseTo(4.097, 5);
    expect(robustRange(Float32Array.of(NaN, NaN))).toBeNull();
    const flat = robustRange(Float32Array.of(2, 2, 2))!;
    expect(flat.max).toBeGreaterThan(flat.min);
  });

  it('gives untested cells a grey that is not on the scale, and each bin its own colour', () => {
    expect(colourOf(NaN, { min: 0, max: 1 }, false)).toEqual(NO_VALUE);
    expect(colourOf(0.5, null, false)).toEqual(NO_VALUE);
    expect(colourOf(1, { min: 0, max: 9 }, true)).toEqual(binColour(1));
    const bins = [0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16];
    expect(new Set(bins.map((b) => binColour(b).join())).size).toBe(bins.length);
    for (const b of bins) expect(binColour(b)).not.toEqual(NO_VALUE);
  });
});

describe('heat map orientation', () => {
  const grid = { mdCount: 50, cdCount: 40 };
  it('draws MD left to right and the operator side (CD 0) at the bottom', () => {
    expect(pixelOf(grid, 0, 0)).toEqual({ x: 0, y: 39 });
    expect(pixelOf(grid, 49, 39)).toEqual({ x: 49, y: 0 });
  });
  it('finds the cell under the pointer at any drawn size, and none outside', () => {
    expect(cellAt(grid, 500, 400, 5, 395)).toEqual({ md: 0, cd: 0 });
    expect(cellAt(grid, 500, 400, 499, 0)).toEqual({ md: 49, cd: 39 });
    expect(cellAt(grid, 500, 400, 125, 205)).toEqual({ md: 12, cd: 19 });
    expect(cellAt(grid, 500, 400, 500, 10)).toBeNull();
    expect(cellAt(grid, 500, 400, -1, 10)).toBeNull();
  });
  it('maps a zoomed view back to the whole grid', () => {
    expect(cellAt(grid, 100, 400, 0, 399, { mdFrom: 20, mdTo: 30 })).toEqual({ md: 20, cd: 0 });
    expect(cellAt(grid, 100, 400, 99, 0, { mdFrom: 20, mdTo: 30 })).toEqual({ md: 29, cd: 39 });
  });
});

describe('ZPL label', () => {
  it('prints the code as Code 128 and the facts as text', () => {
    const zpl = unitLabelZpl('Sheet', 'S-R0001-0003', ['Roll R0001 sheet 3', 'MD 1600-1900 mm']);
    expect(zpl.split('\n')[0]).toBe('^XA');
    expect(zpl).toContain('^BCN,120,Y,N,N^FDS-R0001-0003^FS');
    expect(zpl).toContain('^FDRoll R0001 sheet 3^FS');
    expect(zpl.endsWith('^XZ')).toBe(true);
  });
  it('keeps ZPL command characters out of text and refuses a code that cannot be printed', () => {
    expect(unitLabelZpl('Roll', 'R1', ['a^b~c'])).toContain('^FDa-b-c^FS');
    expect(() => unitLabelZpl('Roll', 'R^1', [])).toThrow(/cannot contain \^ or ~/);
    expect(() => unitLabelZpl('Roll', '', [])).toThrow(/1-64 printable ASCII/);
    expect(() => unitLabelZpl('Roll', 'Rö', [])).toThrow(/1-64 printable ASCII/);
  });
});
