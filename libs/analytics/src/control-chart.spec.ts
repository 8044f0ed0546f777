import { chartPoint, chartSeries, ChartInputError, computeLimits, dispersionRules, limitsAt } from './control-chart';
import { B3, B4, D4 } from './control-constants';
import { ruleAt } from './run-rules';
import { c4 } from './stats';

describe('control charts', () => {
  it('I-MR limits from the mean moving range (σ = MR̄ / d2, d2 = 2/√π ≈ 1.128; MR UCL = D4 MR̄ ≈ 3.267 MR̄)', () => {
    const d2 = 2 / Math.sqrt(Math.PI);
    const l = computeLimits('I_MR', [{ value: 10 }, { value: 12 }, { value: 11 }, { value: 13 }]);
    expect(l.centre).toBeCloseTo(11.5, 12);
    // moving ranges 2, 1, 2 → 5/3
    expect(l.dispersionCentre).toBeCloseTo(5 / 3, 12);
    expect(l.sigma).toBeCloseTo(5 / 3 / d2, 4);
    const p = chartPoint(l, { value: 16 }, { value: 13 });
    expect(p.ucl).toBeCloseTo(11.5 + (3 * 5) / 3 / d2, 4);
    expect(p.z).toBeCloseTo((16 - 11.5) / (5 / 3 / d2), 4);
    expect(p.dispersion).toBe(3);
    expect(p.dispersionUcl).toBeCloseTo((3.267 * 5) / 3, 2);
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

  it('MR chart: centre MR̄, limits D3/D4 · MR̄ (0 and 3.267 MR̄), a moving range on the UCL is at z = 3, just beyond it breaks rule 1', () => {
    const l = computeLimits('I_MR', [{ value: 10 }, { value: 12 }, { value: 11 }, { value: 13 }]);
    const mrBar = 5 / 3;
    const onLimit = chartPoint(l, { value: 10 + D4(2) * mrBar }, { value: 10 });
    expect(onLimit).toMatchObject({ dispersionCentre: mrBar, dispersionLcl: 0 });
    expect(onLimit.dispersionUcl).toBeCloseTo(D4(2) * mrBar, 10);
    // 3.2665 exactly; the tables print 3.267.
    expect(Math.abs(D4(2) - 3.267)).toBeLessThan(6e-4);
    expect(onLimit.dispersionZ).toBeCloseTo(3, 10);
    const inside = chartPoint(l, { value: 10 + D4(2) * mrBar * 0.999 }, { value: 10 });
    expect(ruleAt('NELSON_1', [inside.dispersionZ as number], 0)).toBeNull();
    const beyond = chartPoint(l, { value: 10 + D4(2) * mrBar * 1.01 }, { value: 10 });
    expect(beyond.dispersionZ).toBeGreaterThan(3);
    expect(ruleAt('NELSON_1', [beyond.dispersionZ as number], 0)).toEqual([0]);
    // No moving range below 0: the smallest possible is at z = −d2/d3, inside the limits.
    expect(chartPoint(l, { value: 10 }, { value: 10 }).dispersionZ).toBeCloseTo(-1.128 / 0.8525, 3);
    expect(chartPoint(l, { value: 10 }).dispersionZ).toBeUndefined();
  });

  it('s chart: centre c4(n) σ and limits B3/B4 · c4(n) σ for each point’s own n, from the frozen σ', () => {
    const l = computeLimits('XBAR_S', [
      { value: 10, n: 25, spread: 1 },
      { value: 10.2, n: 25, spread: 1.1 },
      { value: 9.9, n: 25, spread: 0.9 },
    ]);
    expect(l.sigma).toBeCloseTo(1 / c4(25), 10);
    const p25 = chartPoint(l, { value: 10, n: 25, spread: 1 });
    // With n equal to the baseline's, c4 σ is s̄ and the limits are the textbook B3 s̄, B4 s̄ (0.565, 1.435).
    expect(p25.dispersionCentre).toBeCloseTo(1, 10);
    expect(p25.dispersionLcl).toBeCloseTo(0.565, 3);
    expect(p25.dispersionUcl).toBeCloseTo(1.435, 3);
    expect(p25.dispersionZ).toBeCloseTo(0, 10);
    // A zone that lost cells (n = 6) has its own, wider limits.
    const p6 = chartPoint(l, { value: 10, n: 6, spread: 1 });
    expect(p6.dispersionUcl).toBeCloseTo(B4(6) * c4(6) * l.sigma, 10);
    expect(p6.dispersionLcl).toBeCloseTo(B3(6) * c4(6) * l.sigma, 10);
    const high = chartPoint(l, { value: 10, n: 25, spread: 1.436 });
    expect(high.dispersionZ).toBeGreaterThan(3);
    const low = chartPoint(l, { value: 10, n: 25, spread: 0.564 });
    expect(low.dispersionZ).toBeLessThan(-3);
    expect(chartPoint(l, { value: 10, n: 25, spread: 1.43 }).dispersionZ).toBeLessThan(3);
  });

  it('the second chart takes the chosen rules that suit it: rule 1 on MR; rule 1, runs and trends on s; none on p', () => {
    const all = ['NELSON_1', 'NELSON_2', 'NELSON_3', 'NELSON_5', 'WE_1', 'WE_2', 'WE_4'] as const;
    expect(dispersionRules('I_MR', [...all])).toEqual(['NELSON_1', 'WE_1']);
    expect(dispersionRules('XBAR_S', [...all])).toEqual(['NELSON_1', 'NELSON_2', 'NELSON_3', 'WE_1', 'WE_4']);
    expect(dispersionRules('I_MR', ['NELSON_5'])).toEqual([]);
    expect(dispersionRules('P', [...all])).toEqual([]);
  });

  it('limits to draw a point against: both charts, from the subgroup size; none without a usable n', () => {
    const imr = computeLimits('I_MR', [{ value: 10 }, { value: 12 }, { value: 11 }, { value: 13 }]);
    expect(limitsAt(imr)).toEqual({
      centre: 11.5,
      lcl: imr.centre - 3 * imr.sigma,
      ucl: imr.centre + 3 * imr.sigma,
      dispersionCentre: 5 / 3,
      dispersionLcl: 0,
      dispersionUcl: D4(2) * (5 / 3),
    });
    const xs = computeLimits('XBAR_S', [
      { value: 10, n: 5, spread: 1 },
      { value: 11, n: 5, spread: 1.2 },
    ]);
    expect(limitsAt(xs, 5)).toMatchObject({
      centre: 10.5,
      ucl: expect.closeTo(10.5 + (3 * xs.sigma) / Math.sqrt(5), 12),
      dispersionCentre: expect.closeTo(1.1, 12),
      dispersionUcl: expect.closeTo(B4(5) * 1.1, 12),
    });
    expect(limitsAt(xs, 1)).toBeNull();
    const p = computeLimits('P', [
      { value: 5, n: 100 },
      { value: 15, n: 100 },
    ]);
    expect(limitsAt(p, 100)).toEqual({ centre: 0.1, lcl: expect.closeTo(0.01, 12), ucl: expect.closeTo(0.19, 12) });
    expect(limitsAt(p, null)).toBeNull();
  });
});
