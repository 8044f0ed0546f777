/**
 * Yield by condition with its uncertainty: Wilson intervals per group, and a test of whether the
 * groups differ (Fisher's exact test for two groups with small expected counts, otherwise Pearson's
 * chi-square on the groups × pass/fail table).
 */
import { chiSquareSf, logChoose, wilsonInterval } from './stats';

export interface YieldGroup {
  label: string;
  passed: number;
  tested: number;
}

export interface YieldGroupResult extends YieldGroup {
  yield: number;
  ciLow: number;
  ciHigh: number;
}

export interface YieldComparison {
  groups: YieldGroupResult[];
  test: 'FISHER_EXACT' | 'CHI_SQUARE' | 'NONE';
  statistic: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
  /** pValue below 1 − confidence. */
  significant: boolean;
  confidence: number;
}

/** Two-sided Fisher exact p for the 2 × 2 table [[a, b], [c, d]] (sum of tables as or less likely). */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const n = r1 + r2;
  const lo = Math.max(0, c1 - r2);
  const hi = Math.min(r1, c1);
  const lp = (x: number): number => logChoose(r1, x) + logChoose(r2, c1 - x) - logChoose(n, c1);
  const p0 = lp(a);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const l = lp(x);
    if (l <= p0 + 1e-7) p += Math.exp(l);
  }
  return Math.min(1, p);
}

export function compareYields(groups: readonly YieldGroup[], confidence = 0.95): YieldComparison {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  groups.forEach((g, i) => {
    if (!Number.isInteger(g.tested) || g.tested < 0 || !Number.isInteger(g.passed) || g.passed < 0 || g.passed > g.tested) {
      throw new RangeError(
        `group ${i} (${g.label}): passed and tested must be whole numbers with 0 ≤ passed ≤ tested, got ${g.passed} of ${g.tested}`,
      );
    }
  });
  const results = groups.map((g) => {
    const ci = wilsonInterval(g.passed, g.tested, confidence);
    return { ...g, yield: g.tested ? g.passed / g.tested : NaN, ciLow: ci.low, ciHigh: ci.high };
  });
  const used = groups.filter((g) => g.tested > 0);
  const none: YieldComparison = {
    groups: results,
    test: 'NONE',
    statistic: null,
    degreesOfFreedom: null,
    pValue: null,
    significant: false,
    confidence,
  };
  if (used.length < 2) return none;
  const P = used.reduce((a, g) => a + g.passed, 0);
  const N = used.reduce((a, g) => a + g.tested, 0);
  const F = N - P;
  if (P === 0 || F === 0) return { ...none, test: 'CHI_SQUARE', statistic: 0, degreesOfFreedom: used.length - 1, pValue: 1 };
  const minExpected = Math.min(...used.map((g) => Math.min((g.tested * P) / N, (g.tested * F) / N)));
  if (used.length === 2 && minExpected < 5) {
    const [x, y] = used;
    const p = fisherExact(x.passed, x.tested - x.passed, y.passed, y.tested - y.passed);
    return {
      groups: results,
      test: 'FISHER_EXACT',
      statistic: null,
      degreesOfFreedom: null,
      pValue: p,
      significant: p < 1 - confidence,
      confidence,
    };
  }
  let chi2 = 0;
  for (const g of used) {
    const ep = (g.tested * P) / N;
    const ef = (g.tested * F) / N;
    chi2 += (g.passed - ep) ** 2 / ep + (g.tested - g.passed - ef) ** 2 / ef;
  }
  const df = used.length - 1;
  const p = chiSquareSf(chi2, df);
  return {
    groups: results,
    test: 'CHI_SQUARE',
    statistic: chi2,
    degreesOfFreedom: df,
    pValue: p,
    significant: p < 1 - confidence,
    confidence,
  };
}
