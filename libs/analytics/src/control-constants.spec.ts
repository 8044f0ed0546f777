import { B3, B4, c4, D3, D4, d2, d3 } from './control-constants';

/**
 * The factors for control charts as published (e.g. ASTM E2587, Table of factors; Montgomery,
 * Introduction to Statistical Quality Control, Appendix VI), to the digits printed there.
 */
const TABLE: Array<{ n: number; d2: number; d3: number; D3: number; D4: number; c4: number; B3: number; B4: number }> = [
  { n: 2, d2: 1.128, d3: 0.853, D3: 0, D4: 3.267, c4: 0.7979, B3: 0, B4: 3.267 },
  { n: 3, d2: 1.693, d3: 0.888, D3: 0, D4: 2.574, c4: 0.8862, B3: 0, B4: 2.568 },
  { n: 4, d2: 2.059, d3: 0.88, D3: 0, D4: 2.282, c4: 0.9213, B3: 0, B4: 2.266 },
  { n: 5, d2: 2.326, d3: 0.864, D3: 0, D4: 2.114, c4: 0.94, B3: 0, B4: 2.089 },
  { n: 6, d2: 2.534, d3: 0.848, D3: 0, D4: 2.004, c4: 0.9515, B3: 0.03, B4: 1.97 },
  { n: 7, d2: 2.704, d3: 0.833, D3: 0.076, D4: 1.924, c4: 0.9594, B3: 0.118, B4: 1.882 },
  { n: 8, d2: 2.847, d3: 0.82, D3: 0.136, D4: 1.864, c4: 0.965, B3: 0.185, B4: 1.815 },
  { n: 9, d2: 2.97, d3: 0.808, D3: 0.184, D4: 1.816, c4: 0.9693, B3: 0.239, B4: 1.761 },
  { n: 10, d2: 3.078, d3: 0.797, D3: 0.223, D4: 1.777, c4: 0.9727, B3: 0.284, B4: 1.716 },
  { n: 15, d2: 3.472, d3: 0.756, D3: 0.347, D4: 1.653, c4: 0.9823, B3: 0.428, B4: 1.572 },
  { n: 20, d2: 3.735, d3: 0.729, D3: 0.415, D4: 1.585, c4: 0.9869, B3: 0.51, B4: 1.49 },
  { n: 25, d2: 3.931, d3: 0.708, D3: 0.459, D4: 1.541, c4: 0.9896, B3: 0.565, B4: 1.435 },
];

/** Equal to the printed value when rounded to its digits (half a unit of the last digit, and a little for the table's own rounding). */
const near = (value: number, printed: number, digits: number) =>
  expect(Math.abs(value - printed)).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-4);

describe('control chart constants against the published table', () => {
  it.each(TABLE)('n = $n', (row) => {
    near(d2(row.n), row.d2, 3);
    near(d3(row.n), row.d3, 3);
    near(D3(row.n), row.D3, 3);
    near(D4(row.n), row.D4, 3);
    near(c4(row.n), row.c4, 4);
    near(B3(row.n), row.B3, 3);
    near(B4(row.n), row.B4, 3);
  });

  it('the moving range (n = 2) in closed form: d2 = 2/√π, d3 = √(2 − 4/π)', () => {
    expect(d2(2)).toBeCloseTo(2 / Math.sqrt(Math.PI), 5);
    expect(d3(2)).toBeCloseTo(Math.sqrt(2 - 4 / Math.PI), 4);
  });

  it('large subgroups (an X̄-S zone of a few hundred cells): s limits narrow towards s̄ ± 3σ/√(2n)', () => {
    const n = 400;
    expect(B4(n) - 1).toBeCloseTo(3 / Math.sqrt(2 * n), 3);
    expect(1 - B3(n)).toBeCloseTo(3 / Math.sqrt(2 * n), 3);
  });

  it('refuses a subgroup of fewer than two', () => {
    expect(() => d2(1)).toThrow('d2 needs a subgroup of at least 2, got 1');
    expect(() => B4(1.5)).toThrow('B4 needs a subgroup of at least 2, got 1.5');
  });
});
