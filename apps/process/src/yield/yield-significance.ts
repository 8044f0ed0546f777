import { compareYields } from '@mes/analytics';
import type { ConditionYieldModel, YieldComparisonModel } from './yield.model';

type Counts = Pick<ConditionYieldModel, 'condition' | 'cellsTested' | 'cellsPassed'>;

/**
 * Uncertainty of each condition's final yield (95 % Wilson interval) and its p-value against every
 * other condition pooled, so an engineer can tell a real interlayer effect from noise.
 */
export function withSignificance<T extends Counts>(
  rows: T[],
): Array<T & Pick<ConditionYieldModel, 'finalYieldLow' | 'finalYieldHigh' | 'pValueVsOthers'>> {
  return rows.map((r) => {
    const ci = compareYields([{ label: r.condition, passed: r.cellsPassed, tested: r.cellsTested }]).groups[0];
    const others = rows.filter((o) => o !== r);
    const rest = {
      label: 'others',
      passed: others.reduce((a, o) => a + o.cellsPassed, 0),
      tested: others.reduce((a, o) => a + o.cellsTested, 0),
    };
    const vs =
      r.cellsTested > 0 && rest.tested > 0
        ? compareYields([{ label: r.condition, passed: r.cellsPassed, tested: r.cellsTested }, rest]).pValue
        : null;
    return { ...r, finalYieldLow: r.cellsTested ? ci.ciLow : null, finalYieldHigh: r.cellsTested ? ci.ciHigh : null, pValueVsOthers: vs };
  });
}

/** One test of whether the conditions' final yields differ at all (Fisher exact for two small groups, else chi-square). */
export function yieldComparison(conditions: ConditionYieldModel[], confidence = 0.95): YieldComparisonModel {
  const c = compareYields(
    conditions.map((r) => ({ label: r.condition, passed: r.cellsPassed, tested: r.cellsTested })),
    confidence,
  );
  return {
    conditions,
    test: c.test,
    statistic: c.statistic,
    degreesOfFreedom: c.degreesOfFreedom,
    pValue: c.pValue,
    significant: c.significant,
    confidence,
  };
}
