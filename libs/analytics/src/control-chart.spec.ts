import { chartPoint, chartSeries, ChartInputError, computeLimits } from './control-chart';
import { c4 } from './stats';

describe('control charts', () => {
  it('I-MR limits from the mean moving range (σ = MR̄ / 1.128, MR UCL = 3.267 MR̄)', () => {
    const l = computeLimits('I_MR', [{ value: 10 }, { value: 12 }, { value: 11 }, { value: 13 }]);
    expect(l.centre).toBeCloseTo(11.5, 12);
    // moving ranges 2, 1, 2 → 5/3
    expect(l.dispersionCentre).toBeCloseTo(5 / 3, 12);
    expect(l.sigma).toBeCloseTo(5 / 3 / 1.128, 12);
    const p = chartPoint(l, { value: 16 }, { value: 13 });
    expect(p.ucl).toBeCloseTo(11.5 + (3 * 5) / 3 / 1.128, 10);
    expect(p.z).toBeCloseTo((16 - 11.5) / (5 / 3 / 1.128), 10);
    expect(p.dispersion).toBe(3);
    expect(p.dispersionUcl).toBeCloseTo((3.267 * 5) / 3, 10);
  });

  it('X̄-S limits from s̄ / c4 and the subgroup size of each point', () => {
    const base = [
      { value: 10, n: 5, spread: 1 },
      { value: 11, n: 5, spread: 1.2 },
      { value: 9, n: 5, spread: 0.8 },
    ];
    const l = computeLimits('XBAR_S', base);
    expect(l.centre).toBeCloseTo(10, 12);
    expect(c4(5)).toBeCloseTo(0.94, 4);
    expect(l.sigma).toBeCloseTo(1 / c4(5), 10);
    const p = chartPoint(l, { value: 12, n: 4, spread: 1 });
    const se = l.sigma / 2;
    expect(p.ucl).toBeCloseTo(10 + 3 * se, 10);
    expect(p.z).toBeCloseTo(2 / se, 10);
    // B4 for n = 5 is 2.089: s UCL = B4 · s̄ when σ = s̄ / c4
    const p5 = chartPoint(l, { value: 10, n: 5, spread: 1 });
    expect(p5.dispersionUcl).toBeCloseTo(2.089, 2);
    expect(p5.dispersionLcl).toBe(0);
  });

  it('p chart: p̄ from pooled counts, limits per point from its own n, clipped to [0, 1]', () => {
    const l = computeLimits('P', [
      { value: 5, n: 100 },
      { value: 15, n: 100 },
    ]);
    expect(l.centre).toBeCloseTo(0.1, 12);
    const p = chartPoint(l, { value: 25, n: 100 });
    expect(p.value).toBeCloseTo(0.25, 12);
    expect(p.ucl).toBeCloseTo(0.1 + 3 * Math.sqrt(0.09 / 100), 12);
    expect(p.lcl).toBeCloseTo(0.01, 12);
    expect(p.z).toBeCloseTo(0.15 / 0.03, 10);
    expect(chartPoint(l, { value: 1, n: 10 }).lcl).toBe(0);
  });

  it('a baseline of identical values puts any departure infinitely far out', () => {
    const l = computeLimits('I_MR', [{ value: 1 }, { value: 1 }, { value: 1 }]);
    expect(chartPoint(l, { value: 1 }).z).toBe(0);
    expect(chartPoint(l, { value: 1.1 }).z).toBe(Infinity);
  });

  it('charts a series with moving ranges', () => {
    const l = computeLimits('I_MR', [{ value: 0 }, { value: 1 }]);
    const s = chartSeries(l, [{ value: 0 }, { value: 2 }]);
    expect(s[0].dispersion).toBeUndefined();
    expect(s[1].dispersion).toBe(2);
  });

  it('refuses bad baselines and points with a message that says what was expected', () => {
    expect(() => computeLimits('I_MR', [{ value: 1 }])).toThrow(/at least 2 points, got 1/);
    expect(() => computeLimits('I_MR', [{ value: 1 }, { value: NaN }])).toThrow(/baseline point 1: value must be a finite number/);
    expect(() =>
      computeLimits('XBAR_S', [
        { value: 1, n: 1, spread: 0 },
        { value: 1, n: 5, spread: 1 },
      ]),
    ).toThrow(/n ≥ 2, got 1/);
    expect(() =>
      computeLimits('P', [
        { value: 5, n: 4 },
        { value: 1, n: 5 },
      ]),
    ).toThrow(/between 0 and n = 4, got 5/);
    const l = computeLimits('P', [
      { value: 1, n: 10 },
      { value: 2, n: 10 },
    ]);
    expect(() => chartPoint(l, { value: 1.5, n: 10 })).toThrow(ChartInputError);
  });
});
