import { compareYields, fisherExact } from './yield-significance';
import { correlate, rankChannels, ranks, spearman } from './correlation';
import { stackMaps } from './stacked-map';

describe('yield by condition', () => {
  it("Fisher's exact test against the tea-tasting table (p = 0.4857 two-sided)", () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(0.485714, 5);
    expect(fisherExact(10, 0, 0, 10)).toBeCloseTo(2 / 184756, 9);
  });

  it('small groups use Fisher, large ones chi-square with the textbook statistic', () => {
    const small = compareYields([
      { label: 'Pt', passed: 9, tested: 10 },
      { label: 'none', passed: 3, tested: 10 },
    ]);
    expect(small.test).toBe('FISHER_EXACT');
    expect(small.pValue).toBeCloseTo(fisherExact(9, 1, 3, 7), 12);
    expect(small.significant).toBe(true);
    const big = compareYields([
      { label: 'A', passed: 900, tested: 1000 },
      { label: 'B', passed: 880, tested: 1000 },
    ]);
    expect(big.test).toBe('CHI_SQUARE');
    // 2 × 2 table: χ² = N(ad − bc)² / (r1 r2 c1 c2)
    const chi = (2000 * (900 * 120 - 100 * 880) ** 2) / (1000 * 1000 * 1780 * 220);
    expect(big.statistic).toBeCloseTo(chi, 10);
    expect(big.degreesOfFreedom).toBe(1);
    expect(big.significant).toBe(false);
    expect(big.groups[0].ciLow).toBeLessThan(0.9);
    expect(big.groups[0].ciHigh).toBeGreaterThan(0.9);
  });

  it('three arms give two degrees of freedom; one arm gives no test', () => {
    const r = compareYields([
      { label: 'a', passed: 50, tested: 100 },
      { label: 'b', passed: 60, tested: 100 },
      { label: 'c', passed: 70, tested: 100 },
    ]);
    expect(r.degreesOfFreedom).toBe(2);
    expect(r.pValue).toBeLessThan(0.05);
    expect(compareYields([{ label: 'a', passed: 1, tested: 2 }]).test).toBe('NONE');
  });

  it('refuses counts that cannot be', () => {
    expect(() => compareYields([{ label: 'x', passed: 5, tested: 4 }])).toThrow(/group 0 \(x\).*5 of 4/);
    expect(() => compareYields([], 1.5)).toThrow(/confidence/);
  });
});

describe('correlation', () => {
  it('ranks ties by their mean rank and finds a monotone relation', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
  });

  it('puts the channel that drives the metric first', () => {
    const n = 200;
    const thick = Array.from({ length: n }, (_, i) => 1.5 + 0.001 * i + 0.01 * Math.sin(i * 7));
    const noise = Array.from({ length: n }, (_, i) => Math.cos(i * 13));
    const asr = thick.map((t, i) => 30 * t + 0.2 * Math.sin(i * 3));
    const ranked = rankChannels(asr, { 'QCM rate': noise, 'LiPON thickness': thick });
    expect(ranked[0].channel).toBe('LiPON thickness');
    expect(ranked[0].pearson).toBeGreaterThan(0.9);
    expect(ranked[0].pValue).toBeLessThan(1e-10);
    expect(ranked[0].slope).toBeCloseTo(30, 0);
    expect(correlate('x', [1, NaN, 3], [1, 2, 3]).n).toBe(2);
    expect(() => correlate('x', [1], [1, 2])).toThrow(/1 trace values for 2 cells/);
  });
});

describe('stacked maps', () => {
  it('counts each position over the sheets and names the positions that fail again and again', () => {
    const sheets = Array.from({ length: 20 }, (_, k) => {
      const fail = new Array<number>(16).fill(0);
      fail[5] = 1; // (1, 1) fails on every sheet: a probe or mask problem
      if (k === 3) fail[10] = 1;
      fail[15] = k % 2 ? -1 : 0; // untested on odd sheets
      return { rows: 4, cols: 4, fail, metric: new Array<number>(16).fill(k) };
    });
    const m = stackMaps(sheets);
    expect(m.positions[5]).toMatchObject({ row: 1, col: 1, tested: 20, failed: 20, failRate: 1, metricCount: 0 });
    expect(m.positions[10]).toMatchObject({ failed: 1, tested: 20 });
    expect(m.positions[15].tested).toBe(10);
    expect(m.positions[0].metricMean).toBeCloseTo(9.5, 12);
    expect(m.repeaters.map((p) => [p.row, p.col])).toEqual([[1, 1]]);
    expect(() =>
      stackMaps([
        { rows: 2, cols: 2, fail: [0, 0, 0, 0] },
        { rows: 2, cols: 3, fail: [0, 0, 0, 0, 0, 0] },
      ]),
    ).toThrow(/sheet 1 is 2 x 3/);
  });
});

import { sheetStatistics } from './zone-statistics';

describe('zone statistics', () => {
  it('means and spreads of the passing cells per CD zone, and the defectives', () => {
    // 2 x 4 sheet, 2 zones (cols 0-1, 2-3); cell (0,3) failed, (1,0) untested.
    const fail = [0, 0, 0, 1, -1, 0, 0, 0];
    const metric = [1, 3, 10, 99, 5, 2, 12, 14];
    const s = sheetStatistics(2, 4, fail, metric, 2);
    expect(s.zones[0]).toMatchObject({ colFrom: 0, colTo: 1, n: 3, mean: 2 });
    expect(s.zones[0].sd).toBeCloseTo(1, 12);
    expect(s.zones[1]).toMatchObject({ colFrom: 2, colTo: 3, n: 3, mean: 12 });
    expect(s.sheet.n).toBe(6);
    expect(s.tested).toBe(7);
    expect(s.failed).toBe(1);
    expect(() => sheetStatistics(2, 4, fail, metric, 5)).toThrow(/zones must be a whole number from 1 to the 4 columns, got 5/);
  });
});

import { failedVsPassed } from './correlation';

describe('failed against passing cells', () => {
  it('compares a channel’s means and says whether the difference is beyond noise', () => {
    const x = [1, 1.1, 0.9, 1, 2, 2.1, 1.9, 2];
    const failed = [false, false, false, false, true, true, true, true];
    const d = failedVsPassed('LiPON rate', x, failed);
    expect(d).toMatchObject({ nFailed: 4, nPassed: 4 });
    expect(d.difference).toBeCloseTo(1, 12);
    expect(d.pValue).toBeLessThan(1e-6);
    expect(failedVsPassed('flat', [1, 1, 1, 1], [true, true, false, false]).pValue).toBe(1);
    expect(() => failedVsPassed('x', [1], [true, false])).toThrow(/1 values for 2 cells/);
  });
});
