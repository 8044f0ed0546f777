import { conditionsHold, metricValue } from './metrics';
import { applyNeighbourhoodRule } from './neighbourhood';
import { applyVisualRules } from './visual';
import { MAD_TO_SIGMA, median, medianAndMad } from './robust-stats';
import {
  BinDefinition,
  BinningInput,
  CellBin,
  DynamicLimitRule,
  DynamicLimitStats,
  GradingStats,
  LimitWindow,
  Rule,
  RuleSet,
  SheetBinning,
  SheetContext,
} from './types';
import { assertValidRuleSet } from './validate-rule-set';

// Math functions bound once at module scope: global lookups are slow inside vm contexts (e.g. Jest).
const { abs, max, exp, log } = Math;
const { isNaN: isNaNNumber, isFinite: isFiniteNumber } = Number;

/** The decision of one rule for one cell, before it is turned into a CellBin. */
interface Decision {
  metric: string | null;
  value: number | string | boolean | null;
  limit: LimitWindow | null;
  reason: string;
}

const fmt = (v: number): string => {
  if (v === 0 || !isFiniteNumber(v)) return String(v);
  const a = abs(v);
  return a >= 1e6 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
};

/** Outside a window? Returns the decision or null when inside. */
function checkWindow(metric: string, v: number, lower: number | null, upper: number | null): Decision | null {
  if (lower !== null && v < lower) {
    return { metric, value: v, limit: { lower, upper }, reason: `${metric} ${fmt(v)} < lower limit ${fmt(lower)}` };
  }
  if (upper !== null && v > upper) {
    return { metric, value: v, limit: { lower, upper }, reason: `${metric} ${fmt(v)} > upper limit ${fmt(upper)}` };
  }
  return null;
}

function missing(metric: string, rule: { lower?: number; upper?: number }): Decision {
  return {
    metric,
    value: null,
    limit: { lower: rule.lower ?? null, upper: rule.upper ?? null },
    reason: `${metric} missing`,
  };
}

/** Evaluates a per-cell (non-statistical) rule. Null = the cell passes this rule. */
function evaluateCellRule(rule: Exclude<Rule, DynamicLimitRule>, cell: BinningInput, area: number): Decision | null {
  switch (rule.kind) {
    case 'measurement': {
      if (cell.status === 'NO_CONTACT') {
        return { metric: 'status', value: 'NO_CONTACT', limit: null, reason: 'probe reported NO_CONTACT' };
      }
      for (const m of rule.requireMetrics ?? []) {
        if (metricValue(cell, m, area) === null) {
          return { metric: m, value: null, limit: null, reason: `${m} missing: measurement incomplete` };
        }
      }
      return null;
    }
    case 'signature': {
      if (cell.signature !== null && rule.signatures.includes(cell.signature)) {
        return {
          metric: 'signature',
          value: cell.signature,
          limit: null,
          reason: `spectrum signature ${cell.signature} (rule fails on ${rule.signatures.join('/')})`,
        };
      }
      return null;
    }
    case 'staticLimit':
    case 'ocvWindow': {
      const metric = rule.kind === 'ocvWindow' ? 'ocvV' : rule.metric;
      if (rule.kind === 'staticLimit' && !conditionsHold(cell, rule.when, area)) return null;
      const v = metricValue(cell, metric, area);
      if (v === null) return rule.onMissing === 'fail' ? missing(metric, rule) : null;
      return checkWindow(metric, v, rule.lower ?? null, rule.upper ?? null);
    }
    case 'fitQuality': {
      if (rule.requireConverged && cell.fitConverged !== true) {
        return {
          metric: 'fitConverged',
          value: cell.fitConverged,
          limit: null,
          reason: cell.fitConverged === false ? 'equivalent-circuit fit did not converge' : 'no fit result',
        };
      }
      if (rule.maxFitRelRms !== undefined && cell.fitRelRms !== null && cell.fitRelRms > rule.maxFitRelRms) {
        return checkWindow('fitRelRms', cell.fitRelRms, null, rule.maxFitRelRms);
      }
      if (rule.maxKkResidual !== undefined && cell.kkMaxResidual !== null && cell.kkMaxResidual > rule.maxKkResidual) {
        return checkWindow('kkMaxResidual', cell.kkMaxResidual, null, rule.maxKkResidual);
      }
      return null;
    }
  }
}

/**
 * Computes the sheet limits of a PAT rule over the still-undecided cells. `values[i]` holds the
 * (possibly log-transformed) metric of cell i, NaN when it has none or is not in scope.
 */
function dynamicLimits(rule: DynamicLimitRule, values: Float64Array, undecided: Uint8Array): DynamicLimitStats {
  const pop: number[] = [];
  for (let i = 0; i < values.length; i++) if (undecided[i] && !isNaNNumber(values[i])) pop.push(values[i]);
  const stats: DynamicLimitStats = {
    ruleId: rule.id,
    metric: rule.metric,
    population: pop.length,
    applied: false,
    median: null,
    mad: null,
    lower: null,
    upper: null,
  };
  if (pop.length < rule.minPopulation) return stats;
  const { median: m, mad } = medianAndMad(pop);
  const half = max(rule.k * MAD_TO_SIGMA * mad, rule.minHalfWidth ?? 0);
  let lower = rule.side === 'upper' ? null : m - half;
  let upper = rule.side === 'lower' ? null : m + half;
  if (rule.scale === 'log') {
    lower = lower === null ? null : exp(lower);
    upper = upper === null ? null : exp(upper);
  }
  return {
    ...stats,
    applied: true,
    median: rule.scale === 'log' ? exp(m) : m,
    mad,
    lower,
    upper,
  };
}

/**
 * Bins every cell of one sheet: rules in order, the first failing rule decides; cells that clear all
 * rules get a pass grade from the sheet median of the grading metric. Returns the per-cell results
 * (same order as `cells`) and the sheet statistics used (PAT limits, grading median).
 *
 * Cost: O(rules x n) plus one sort per dynamic rule and one for grading, i.e. O(n log n).
 */
export function binSheetWithStats(ruleSet: RuleSet, cells: BinningInput[], context: SheetContext): SheetBinning {
  assertValidRuleSet(ruleSet);
  const area = context.activeAreaCm2;
  if (!(isFiniteNumber(area) && area > 0)) throw new Error(`activeAreaCm2 must be a positive number, got ${area}`);
  const declared = ruleSet.product?.activeAreaCm2;
  if (declared !== undefined && abs(declared - area) > 1e-9 * max(declared, area)) {
    throw new Error(`rule set ${ruleSet.name} v${ruleSet.version} is for cells of ${declared} cm², the sheet has ${area} cm²`);
  }

  const binDefs = new Map<number, BinDefinition>(ruleSet.bins.map((b) => [b.softBin, b]));
  const n = cells.length;
  const results: (CellBin | null)[] = new Array(n).fill(null);
  const undecided = new Uint8Array(n).fill(1);
  const dynamicStats: DynamicLimitStats[] = [];

  const decide = (i: number, softBin: number, ruleId: string, ruleKind: CellBin['ruleKind'], d: Decision) => {
    const def = binDefs.get(softBin) as BinDefinition; // validated: every referenced bin exists
    const c = cells[i];
    const r: CellBin = {
      softBin,
      hardBin: def.hardBin,
      binName: def.name,
      pass: def.pass,
      ruleSetName: ruleSet.name,
      ruleSetVersion: ruleSet.version,
      ruleId,
      ruleKind,
      metric: d.metric,
      value: d.value,
      limit: d.limit,
      reason: d.reason,
    };
    if (c.row !== undefined) r.row = c.row;
    if (c.col !== undefined) r.col = c.col;
    results[i] = r;
    undecided[i] = 0;
  };

  for (const rule of ruleSet.rules) {
    if (rule.kind === 'dynamicLimit') {
      const values = new Float64Array(n).fill(NaN);
      for (let i = 0; i < n; i++) {
        if (!undecided[i] || !conditionsHold(cells[i], rule.when, area)) continue;
        const v = metricValue(cells[i], rule.metric, area);
        if (v === null) continue;
        if (rule.scale === 'log') {
          if (v > 0) values[i] = log(v);
        } else values[i] = v;
      }
      const st = dynamicLimits(rule, values, undecided);
      dynamicStats.push(st);
      if (!st.applied) continue;
      for (let i = 0; i < n; i++) {
        if (!undecided[i] || isNaNNumber(values[i])) continue;
        const raw = metricValue(cells[i], rule.metric, area) as number;
        const d = checkWindow(rule.metric, raw, st.lower, st.upper);
        if (d) {
          d.reason += ` (sheet median ${fmt(st.median as number)}, k=${rule.k})`;
          decide(i, rule.softBin, rule.id, rule.kind, d);
        }
      }
      continue;
    }
    for (let i = 0; i < n; i++) {
      if (!undecided[i]) continue;
      const d = evaluateCellRule(rule, cells[i], area);
      if (d) decide(i, rule.softBin, rule.id, rule.kind, d);
    }
  }

  // ---- grading of the cells that cleared every rule
  const g = ruleSet.grading;
  const gValues = new Float64Array(n).fill(NaN);
  const pop: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!undecided[i]) continue;
    const v = metricValue(cells[i], g.metric, area);
    if (v !== null) {
      gValues[i] = v;
      pop.push(v);
    }
  }
  const med = pop.length > 0 ? median(pop) : null;
  const gradingStats: GradingStats = { ruleId: g.id, metric: g.metric, population: pop.length, median: med };
  for (let i = 0; i < n; i++) {
    if (!undecided[i]) continue;
    const v = gValues[i];
    if (isNaNNumber(v) || med === null || med === 0) {
      decide(i, g.otherwiseSoftBin, g.id, 'grading', {
        metric: g.metric,
        value: isNaNNumber(v) ? null : v,
        limit: null,
        reason: isNaNNumber(v) ? `${g.metric} missing: lowest grade` : `no usable sheet median: lowest grade`,
      });
      continue;
    }
    let dev = (v - med) / abs(med);
    if (g.side === 'upper') dev = max(0, dev);
    const absDev = abs(dev);
    const band = g.bands.find((b) => absDev <= b.maxRelDeviation);
    const soft = band ? band.softBin : g.otherwiseSoftBin;
    const maxDev = band ? band.maxRelDeviation : null;
    decide(i, soft, g.id, 'grading', {
      metric: g.metric,
      value: v,
      limit: maxDev === null ? null : { lower: g.side === 'upper' ? null : med * (1 - maxDev), upper: med * (1 + maxDev) },
      reason: `${g.metric} ${fmt(v)} is ${(dev * 100).toFixed(1)} % from the sheet median ${fmt(med)}${
        band ? ` (within ±${fmt(band.maxRelDeviation * 100)} %)` : ' (beyond the last band)'
      }`,
    });
  }

  const nb = ruleSet.neighbourhood;
  const graded = nb ? applyNeighbourhoodRule(nb, results as CellBin[], binDefs.get(nb.softBin) as BinDefinition) : (results as CellBin[]);
  const visual = ruleSet.visual?.length && context.defects ? applyVisualRules(ruleSet.visual, graded, context.defects, binDefs) : graded;
  return { results: visual, stats: { dynamicLimits: dynamicStats, grading: gradingStats } };
}

/** Bins every cell of one sheet; see {@link binSheetWithStats}. */
export function binSheet(ruleSet: RuleSet, cells: BinningInput[], context: SheetContext): CellBin[] {
  return binSheetWithStats(ruleSet, cells, context).results;
}
