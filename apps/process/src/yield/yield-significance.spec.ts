import { withSignificance, yieldComparison } from './yield-significance';

describe('yield by condition with significance', () => {
  const rows = [
    { condition: 'Pt', runs: 2, cellsTested: 1000, cellsPassed: 950, firstPassYield: 0.94, finalYield: 0.95 },
    { condition: 'none', runs: 2, cellsTested: 1000, cellsPassed: 900, firstPassYield: 0.89, finalYield: 0.9 },
    { condition: 'untested', runs: 1, cellsTested: 0, cellsPassed: 0, firstPassYield: null, finalYield: null },
  ];

  it('gives each condition its interval and its p-value against the others pooled', () => {
    const out = withSignificance(rows);
    expect(out[0].finalYieldLow).toBeLessThan(0.95);
    expect(out[0].finalYieldHigh).toBeGreaterThan(0.95);
    expect(out[0].finalYieldLow).toBeGreaterThan(0.93);
    // 950/1000 against 900/1000: χ² = 2000 (950·100 − 50·900)² / (1000 · 1000 · 1850 · 150) ≈ 18.0, p ≈ 2.2e-5
    expect(out[0].pValueVsOthers).toBeGreaterThan(1e-5);
    expect(out[0].pValueVsOthers).toBeLessThan(5e-5);
    expect(out[2]).toMatchObject({ finalYieldLow: null, finalYieldHigh: null, pValueVsOthers: null });
  });

  it('tests whether the conditions differ at all', () => {
    const c = yieldComparison(withSignificance(rows));
    expect(c).toMatchObject({ test: 'CHI_SQUARE', degreesOfFreedom: 1, significant: true, confidence: 0.95 });
    expect(c.statistic).toBeCloseTo((2000 * (950 * 100 - 50 * 900) ** 2) / (1000 * 1000 * 1850 * 150), 8);
    const small = yieldComparison(
      withSignificance([
        { condition: 'a', runs: 1, cellsTested: 10, cellsPassed: 9, firstPassYield: 0.9, finalYield: 0.9 },
        { condition: 'b', runs: 1, cellsTested: 10, cellsPassed: 8, firstPassYield: 0.8, finalYield: 0.8 },
      ]),
    );
    expect(small).toMatchObject({ test: 'FISHER_EXACT', significant: false });
    expect(small.pValue).toBeCloseTo(1, 6);
  });
});
