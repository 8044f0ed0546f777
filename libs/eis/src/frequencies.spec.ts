import { logFrequencies } from './frequencies';

describe('logFrequencies', () => {
  it('spans fMax down to fMin, both included, log-spaced', () => {
    const f = logFrequencies(1e6, 1, 10);
    expect(f).toHaveLength(61);
    expect(f[0]).toBe(1e6);
    expect(f[60]).toBe(1);
    expect(f[10]).toBeCloseTo(1e5, 6);
    for (let i = 1; i < f.length; i++) expect(f[i] / f[i - 1]).toBeCloseTo(10 ** -0.1, 12);
  });

  it('gives 50 points for 1 MHz..1 Hz at 49/6 per decade, and rejects bad input', () => {
    expect(logFrequencies(1e6, 1, 49 / 6)).toHaveLength(50);
    expect(logFrequencies(10, 10, 5)).toEqual(Float64Array.from([10]));
    expect(() => logFrequencies(0, 1, 10)).toThrow(RangeError);
    expect(() => logFrequencies(1e3, 1, 0)).toThrow(RangeError);
  });
});
