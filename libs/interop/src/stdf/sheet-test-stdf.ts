import type { NumericMetric, RuleSet } from '@mes/binning';
import type { StdfParametricTest } from './stdf-writer';

/** The parametric values every exported cell carries, in PTR order, with their STDF test numbers and units. */
export const STDF_PARAMETERS: readonly { testNumber: number; name: string; units: string; metric: NumericMetric }[] = [
  { testNumber: 1000, name: 'OCV', units: 'V', metric: 'ocvV' },
  { testNumber: 1100, name: 'R_OHMIC', units: 'Ohm', metric: 'rOhmicOhm' },
  { testNumber: 1200, name: 'R_CT', units: 'Ohm', metric: 'rCtOhm' },
  { testNumber: 1300, name: 'ASR', units: 'Ohm*cm2', metric: 'asrOhmCm2' },
];

/**
 * The fixed limits a rule set applies to a value: the OCV window and unconditional static limits of
 * the metric (the tightest where several rules limit it). Conditional rules (`when`) and part-average
 * (dynamic) limits differ per cell or per sheet, so they are not a test's limits and are left out.
 */
export function ruleSetLimits(ruleSet: RuleSet, metric: NumericMetric): { lowLimit?: number; highLimit?: number } {
  let low: number | undefined;
  let high: number | undefined;
  for (const rule of ruleSet.rules) {
    let lower: number | undefined;
    let upper: number | undefined;
    if (rule.kind === 'ocvWindow' && metric === 'ocvV') {
      lower = rule.lower;
      upper = rule.upper;
    } else if (rule.kind === 'staticLimit' && rule.metric === metric && !(rule.when && rule.when.length)) {
      lower = rule.lower;
      upper = rule.upper;
    } else {
      continue;
    }
    if (lower !== undefined) low = low === undefined ? lower : Math.max(low, lower);
    if (upper !== undefined) high = high === undefined ? upper : Math.min(high, upper);
  }
  return { ...(low !== undefined ? { lowLimit: low } : {}), ...(high !== undefined ? { highLimit: high } : {}) };
}

/** The PTR tests of a sheet test binned with this rule set (null: no rule set known, no limits). */
export function stdfParametricTests(ruleSet: RuleSet | null): StdfParametricTest[] {
  return STDF_PARAMETERS.map((p) => ({
    testNumber: p.testNumber,
    name: p.name,
    units: p.units,
    ...(ruleSet ? ruleSetLimits(ruleSet, p.metric) : {}),
  }));
}
