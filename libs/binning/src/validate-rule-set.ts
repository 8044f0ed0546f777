import { DEFECT_CLASSES } from '@mes/geometry';
import { NUMERIC_METRICS, RuleSet, SPECTRUM_SIGNATURES } from './types';

/** One problem found in a rule set: where (JSON path, rule id when inside a rule) and what was expected. */
export interface RuleSetIssue {
  path: string;
  ruleId?: string;
  message: string;
}

export type RuleSetValidation = { ok: true; ruleSet: RuleSet } | { ok: false; issues: RuleSetIssue[] };

export class RuleSetValidationError extends Error {
  readonly code = 'RULE_SET_INVALID';
  constructor(readonly issues: RuleSetIssue[]) {
    super(`invalid rule set: ${issues.map((i) => `${i.path}${i.ruleId ? ` (rule "${i.ruleId}")` : ''}: ${i.message}`).join('; ')}`);
    this.name = 'RuleSetValidationError';
  }
}

const RULE_KINDS = ['measurement', 'signature', 'staticLimit', 'ocvWindow', 'fitQuality', 'dynamicLimit'];
const METRIC_SET = new Set<string>(NUMERIC_METRICS);
const SIGNATURE_SET = new Set<string>(SPECTRUM_SIGNATURES);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const describe = (v: unknown): string =>
  v === undefined
    ? 'nothing'
    : Array.isArray(v)
      ? 'an array'
      : v === null
        ? 'null'
        : typeof v === 'number'
          ? `number ${String(v)}`
          : `${typeof v} ${JSON.stringify(v)}`;

/**
 * Checks that `input` is a well-formed rule set and consistent with the bin contract
 * (soft 0 = measurement fault, 1..9 pass grades, ≥ 10 fail bins; every soft bin used is defined).
 * Collects every problem rather than stopping at the first.
 */
export function validateRuleSet(input: unknown): RuleSetValidation {
  const issues: RuleSetIssue[] = [];
  const add = (path: string, message: string, ruleId?: string) =>
    issues.push(ruleId === undefined ? { path, message } : { path, ruleId, message });

  if (!isObj(input)) {
    return { ok: false, issues: [{ path: '$', message: `expected an object, got ${describe(input)}` }] };
  }
  if (typeof input.name !== 'string' || input.name.trim() === '') {
    add('name', `expected a non-empty string, got ${describe(input.name)}`);
  }
  if (!isInt(input.version) || (input.version as number) < 1) {
    add('version', `expected an integer ≥ 1, got ${describe(input.version)}`);
  }
  if (input.product !== undefined) {
    if (!isObj(input.product)) add('product', `expected an object, got ${describe(input.product)}`);
    else if (input.product.activeAreaCm2 !== undefined && !(isFiniteNum(input.product.activeAreaCm2) && input.product.activeAreaCm2 > 0)) {
      add('product.activeAreaCm2', `expected a positive number, got ${describe(input.product.activeAreaCm2)}`);
    }
  }

  // ---- bins
  const bins = new Map<number, { pass: boolean }>();
  if (!Array.isArray(input.bins) || input.bins.length === 0) {
    add('bins', `expected a non-empty array of bin definitions, got ${describe(input.bins)}`);
  } else {
    input.bins.forEach((b: unknown, i: number) => {
      const p = `bins[${i}]`;
      if (!isObj(b)) return add(p, `expected an object, got ${describe(b)}`);
      const soft = b.softBin;
      let ok = true;
      if (!isInt(soft) || (soft as number) < 0 || (soft as number) > 999) {
        add(`${p}.softBin`, `expected an integer 0..999, got ${describe(soft)}`);
        ok = false;
      }
      if (!isInt(b.hardBin) || (b.hardBin as number) < 0) {
        add(`${p}.hardBin`, `expected an integer ≥ 0, got ${describe(b.hardBin)}`);
      }
      if (typeof b.name !== 'string' || b.name.trim() === '') {
        add(`${p}.name`, `expected a non-empty string, got ${describe(b.name)}`);
      }
      if (typeof b.pass !== 'boolean') {
        add(`${p}.pass`, `expected a boolean, got ${describe(b.pass)}`);
        ok = false;
      }
      if (!ok) return;
      const s = soft as number;
      const expectedPass = s >= 1 && s <= 9;
      if (b.pass !== expectedPass) {
        add(`${p}.pass`, `soft bin ${s} must have pass=${expectedPass} (contract: 1..9 pass grades, 0 measurement fault, ≥ 10 fail)`);
      }
      if (bins.has(s)) add(`${p}.softBin`, `soft bin ${s} is defined more than once`);
      bins.set(s, { pass: b.pass as boolean });
    });
  }
  if (input.hardBins !== undefined) {
    if (!Array.isArray(input.hardBins)) add('hardBins', `expected an array, got ${describe(input.hardBins)}`);
    else {
      const seen = new Set<number>();
      input.hardBins.forEach((h: unknown, i: number) => {
        if (!isObj(h) || !isInt(h.hardBin) || typeof h.name !== 'string') {
          add(`hardBins[${i}]`, `expected { hardBin: integer, name: string }, got ${describe(h)}`);
        } else if (seen.has(h.hardBin as number)) {
          add(`hardBins[${i}].hardBin`, `hard bin ${h.hardBin} is defined more than once`);
        } else seen.add(h.hardBin as number);
      });
      if (Array.isArray(input.bins)) {
        input.bins.forEach((b: unknown, i: number) => {
          if (isObj(b) && isInt(b.hardBin) && !seen.has(b.hardBin as number)) {
            add(`bins[${i}].hardBin`, `hard bin ${b.hardBin} is not listed in hardBins`);
          }
        });
      }
    }
  }

  const checkBinRef = (path: string, value: unknown, want: 'pass' | 'failOrFault', ruleId?: string) => {
    if (!isInt(value)) return add(path, `expected an integer soft bin, got ${describe(value)}`, ruleId);
    const def = bins.get(value as number);
    if (!def) return add(path, `soft bin ${value} is not defined in bins`, ruleId);
    const v = value as number;
    if (want === 'pass' && !(v >= 1 && v <= 9)) add(path, `expected a pass grade 1..9, got ${v}`, ruleId);
    if (want === 'failOrFault' && v !== 0 && v < 10) {
      add(path, `expected a fail bin ≥ 10 or 0 (measurement fault), got ${v}`, ruleId);
    }
  };
  const checkMetric = (path: string, value: unknown, ruleId?: string) => {
    if (typeof value !== 'string' || !METRIC_SET.has(value)) {
      add(path, `expected one of ${NUMERIC_METRICS.join(', ')}, got ${describe(value)}`, ruleId);
    }
  };
  const checkOptNum = (path: string, value: unknown, ruleId?: string): value is number | undefined => {
    if (value === undefined) return true;
    if (!isFiniteNum(value)) {
      add(path, `expected a finite number, got ${describe(value)}`, ruleId);
      return false;
    }
    return true;
  };
  const checkOnMissing = (path: string, value: unknown, ruleId?: string) => {
    if (value !== undefined && value !== 'skip' && value !== 'fail') {
      add(path, `expected 'skip' or 'fail', got ${describe(value)}`, ruleId);
    }
  };
  const checkWindow = (p: string, r: Obj, id: string | undefined, bothRequired: boolean) => {
    const okL = checkOptNum(`${p}.lower`, r.lower, id);
    const okU = checkOptNum(`${p}.upper`, r.upper, id);
    if (bothRequired) {
      if (r.lower === undefined) add(`${p}.lower`, 'expected a number', id);
      if (r.upper === undefined) add(`${p}.upper`, 'expected a number', id);
    } else if (r.lower === undefined && r.upper === undefined) {
      add(p, 'expected at least one of lower, upper', id);
    }
    if (okL && okU && isFiniteNum(r.lower) && isFiniteNum(r.upper) && r.lower >= r.upper) {
      add(`${p}.upper`, `expected upper > lower (${r.lower}), got ${r.upper}`, id);
    }
  };
  const checkWhen = (p: string, when: unknown, id: string | undefined) => {
    if (when === undefined) return;
    if (!Array.isArray(when)) return add(`${p}.when`, `expected an array of conditions, got ${describe(when)}`, id);
    when.forEach((c: unknown, j: number) => {
      const cp = `${p}.when[${j}]`;
      if (!isObj(c)) return add(cp, `expected { metric, above?, below? }, got ${describe(c)}`, id);
      checkMetric(`${cp}.metric`, c.metric, id);
      checkOptNum(`${cp}.above`, c.above, id);
      checkOptNum(`${cp}.below`, c.below, id);
      if (c.above === undefined && c.below === undefined) add(cp, 'expected at least one of above, below', id);
    });
  };

  // ---- rules (ids unique across electrical and visual rules: a result names its rule by id alone)
  const ids = new Set<string>();
  if (!Array.isArray(input.rules)) {
    add('rules', `expected an array of rules, got ${describe(input.rules)}`);
  } else {
    input.rules.forEach((r: unknown, i: number) => {
      const p = `rules[${i}]`;
      if (!isObj(r)) return add(p, `expected a rule object, got ${describe(r)}`);
      const id = typeof r.id === 'string' && r.id.trim() !== '' ? r.id : undefined;
      if (id === undefined) add(`${p}.id`, `expected a non-empty string, got ${describe(r.id)}`);
      else if (ids.has(id)) add(`${p}.id`, `rule id "${id}" is used more than once`, id);
      else ids.add(id);
      if (typeof r.kind !== 'string' || !RULE_KINDS.includes(r.kind)) {
        return add(`${p}.kind`, `expected one of ${RULE_KINDS.join(', ')}, got ${describe(r.kind)}`, id);
      }
      // any rule may send a cell to a fail bin or to 0 (measurement fault, e.g. a noisy spectrum)
      checkBinRef(`${p}.softBin`, r.softBin, 'failOrFault', id);
      switch (r.kind) {
        case 'measurement':
          if (r.requireMetrics !== undefined) {
            if (!Array.isArray(r.requireMetrics)) {
              add(`${p}.requireMetrics`, `expected an array of metric names, got ${describe(r.requireMetrics)}`, id);
            } else r.requireMetrics.forEach((m: unknown, j: number) => checkMetric(`${p}.requireMetrics[${j}]`, m, id));
          }
          break;
        case 'signature':
          if (!Array.isArray(r.signatures) || r.signatures.length === 0) {
            add(`${p}.signatures`, `expected a non-empty array of signatures, got ${describe(r.signatures)}`, id);
          } else {
            r.signatures.forEach((s: unknown, j: number) => {
              if (typeof s !== 'string' || !SIGNATURE_SET.has(s)) {
                add(`${p}.signatures[${j}]`, `expected one of ${SPECTRUM_SIGNATURES.join(', ')}, got ${describe(s)}`, id);
              }
            });
          }
          break;
        case 'staticLimit':
          checkMetric(`${p}.metric`, r.metric, id);
          checkWindow(p, r, id, false);
          checkWhen(p, r.when, id);
          checkOnMissing(`${p}.onMissing`, r.onMissing, id);
          break;
        case 'ocvWindow':
          checkWindow(p, r, id, true);
          checkOnMissing(`${p}.onMissing`, r.onMissing, id);
          break;
        case 'fitQuality':
          if (typeof r.requireConverged !== 'boolean') {
            add(`${p}.requireConverged`, `expected a boolean, got ${describe(r.requireConverged)}`, id);
          }
          for (const f of ['maxFitRelRms', 'maxKkResidual']) {
            if (checkOptNum(`${p}.${f}`, r[f], id) && r[f] !== undefined && (r[f] as number) <= 0) {
              add(`${p}.${f}`, `expected a positive number, got ${r[f]}`, id);
            }
          }
          if (r.requireConverged === false && r.maxFitRelRms === undefined && r.maxKkResidual === undefined) {
            add(p, 'a fitQuality rule must check something: requireConverged, maxFitRelRms or maxKkResidual', id);
          }
          break;
        case 'dynamicLimit':
          checkMetric(`${p}.metric`, r.metric, id);
          if (!isFiniteNum(r.k) || r.k <= 0) add(`${p}.k`, `expected a positive number, got ${describe(r.k)}`, id);
          if (r.side !== 'both' && r.side !== 'upper' && r.side !== 'lower') {
            add(`${p}.side`, `expected 'both', 'upper' or 'lower', got ${describe(r.side)}`, id);
          }
          if (r.scale !== 'linear' && r.scale !== 'log') {
            add(`${p}.scale`, `expected 'linear' or 'log', got ${describe(r.scale)}`, id);
          }
          if (!isInt(r.minPopulation) || (r.minPopulation as number) < 3) {
            add(`${p}.minPopulation`, `expected an integer ≥ 3, got ${describe(r.minPopulation)}`, id);
          }
          if (checkOptNum(`${p}.minHalfWidth`, r.minHalfWidth, id) && (r.minHalfWidth as number) < 0) {
            add(`${p}.minHalfWidth`, `expected a number ≥ 0, got ${r.minHalfWidth}`, id);
          }
          checkWhen(p, r.when, id);
          break;
      }
    });
  }

  // ---- grading
  const g = input.grading;
  if (!isObj(g)) {
    add('grading', `expected a grading rule object, got ${describe(g)}`);
  } else {
    const gid = typeof g.id === 'string' && g.id.trim() !== '' ? g.id : undefined;
    if (gid === undefined) add('grading.id', `expected a non-empty string, got ${describe(g.id)}`);
    checkMetric('grading.metric', g.metric, gid);
    if (g.side !== undefined && g.side !== 'both' && g.side !== 'upper') {
      add('grading.side', `expected 'both' or 'upper', got ${describe(g.side)}`, gid);
    }
    checkBinRef('grading.otherwiseSoftBin', g.otherwiseSoftBin, 'pass', gid);
    if (!Array.isArray(g.bands)) {
      add('grading.bands', `expected an array of { maxRelDeviation, softBin }, got ${describe(g.bands)}`, gid);
    } else {
      let prevDev = -Infinity;
      let prevBin = 0;
      g.bands.forEach((b: unknown, i: number) => {
        const p = `grading.bands[${i}]`;
        if (!isObj(b)) return add(p, `expected { maxRelDeviation, softBin }, got ${describe(b)}`, gid);
        if (!isFiniteNum(b.maxRelDeviation) || b.maxRelDeviation < 0) {
          add(`${p}.maxRelDeviation`, `expected a number ≥ 0, got ${describe(b.maxRelDeviation)}`, gid);
        } else {
          if (b.maxRelDeviation <= prevDev) {
            add(`${p}.maxRelDeviation`, `bands must be in ascending order: ${b.maxRelDeviation} ≤ ${prevDev}`, gid);
          }
          prevDev = b.maxRelDeviation;
        }
        checkBinRef(`${p}.softBin`, b.softBin, 'pass', gid);
        if (isInt(b.softBin)) {
          if ((b.softBin as number) < prevBin) {
            add(`${p}.softBin`, `a wider band must not give a better grade: ${b.softBin} after ${prevBin}`, gid);
          }
          prevBin = b.softBin as number;
        }
      });
      if (isInt(g.otherwiseSoftBin) && (g.otherwiseSoftBin as number) < prevBin) {
        add('grading.otherwiseSoftBin', `must not be a better grade than the last band (${prevBin})`, gid);
      }
    }
  }

  // ---- good die in bad neighbourhood (optional)
  const nb = input.neighbourhood;
  if (nb !== undefined) {
    if (!isObj(nb)) add('neighbourhood', `expected a neighbourhood rule object or nothing, got ${describe(nb)}`);
    else {
      const nid = typeof nb.id === 'string' && nb.id ? nb.id : undefined;
      if (nid === undefined) add('neighbourhood.id', `expected a non-empty string, got ${describe(nb.id)}`);
      if (!isInt(nb.radius) || (nb.radius as number) < 1 || (nb.radius as number) > 5)
        add('neighbourhood.radius', `expected a whole number of cells from 1 to 5, got ${describe(nb.radius)}`, nid);
      if (!Array.isArray(nb.badSoftBins) || nb.badSoftBins.length === 0)
        add('neighbourhood.badSoftBins', `expected a non-empty list of soft bins, got ${describe(nb.badSoftBins)}`, nid);
      else nb.badSoftBins.forEach((b, i) => checkBinRef(`neighbourhood.badSoftBins[${i}]`, b, 'failOrFault', nid));
      const r = isInt(nb.radius) && (nb.radius as number) >= 1 && (nb.radius as number) <= 5 ? (nb.radius as number) : 1;
      const most = (2 * r + 1) ** 2 - 1;
      if (!isInt(nb.minBadNeighbours) || (nb.minBadNeighbours as number) < 1 || (nb.minBadNeighbours as number) > most) {
        add(
          'neighbourhood.minBadNeighbours',
          `expected a whole number from 1 to ${most} (the neighbours within radius ${r}), got ${describe(nb.minBadNeighbours)}`,
          nid,
        );
      }
      if (!isInt(nb.softBin) || !bins.has(nb.softBin as number) || nb.softBin === 0)
        add(
          'neighbourhood.softBin',
          `expected a soft bin defined in bins other than 0 (a lower grade or a fail bin), got ${describe(nb.softBin)}`,
          nid,
        );
    }
  }

  // ---- visual rules (optional)
  const visual = input.visual;
  if (visual !== undefined) {
    if (!Array.isArray(visual)) add('visual', `expected an array of visual rules or nothing, got ${describe(visual)}`);
    else
      visual.forEach((r: unknown, i: number) => {
        const p = `visual[${i}]`;
        if (!isObj(r)) return add(p, `expected a visual rule object, got ${describe(r)}`);
        const id = typeof r.id === 'string' && r.id.trim() !== '' ? r.id : undefined;
        if (id === undefined) add(`${p}.id`, `expected a non-empty string, got ${describe(r.id)}`);
        else if (ids.has(id)) add(`${p}.id`, `rule id "${id}" is used more than once`, id);
        else ids.add(id);
        if (r.kind !== 'visualFail' && r.kind !== 'visualCount') {
          return add(`${p}.kind`, `expected visualFail or visualCount, got ${describe(r.kind)}`, id);
        }
        if (!Array.isArray(r.classes) || r.classes.length === 0) {
          add(`${p}.classes`, `expected a non-empty list of defect classes (${DEFECT_CLASSES.join(', ')}), got ${describe(r.classes)}`, id);
        } else {
          r.classes.forEach((c: unknown, j: number) => {
            if (typeof c !== 'string' || !(DEFECT_CLASSES as readonly string[]).includes(c))
              add(`${p}.classes[${j}]`, `expected one of ${DEFECT_CLASSES.join(', ')}, got ${describe(c)}`, id);
          });
        }
        if (r.kind === 'visualFail') {
          if (!(isFiniteNum(r.minSizeUm) && r.minSizeUm > 0))
            add(`${p}.minSizeUm`, `expected a size in µm > 0, got ${describe(r.minSizeUm)}`, id);
          if (!isInt(r.softBin) || (r.softBin as number) < 10)
            add(`${p}.softBin`, `expected a fail bin ≥ 10 (FAIL_VISUAL), got ${describe(r.softBin)}`, id);
          else checkBinRef(`${p}.softBin`, r.softBin, 'failOrFault', id);
        } else {
          if (!isInt(r.maxCount) || (r.maxCount as number) < 0)
            add(`${p}.maxCount`, `expected a whole number ≥ 0, got ${describe(r.maxCount)}`, id);
          if (r.maxSizeUm !== undefined && !(isFiniteNum(r.maxSizeUm) && r.maxSizeUm > 0))
            add(`${p}.maxSizeUm`, `expected a size in µm > 0 or nothing, got ${describe(r.maxSizeUm)}`, id);
          if (!isInt(r.softBin) || !bins.has(r.softBin as number) || r.softBin === 0)
            add(
              `${p}.softBin`,
              `expected a soft bin defined in bins other than 0 (a lower grade or a fail bin), got ${describe(r.softBin)}`,
              id,
            );
          else if (r.softBin === 1)
            add(`${p}.softBin`, 'expected a lower grade than the best (1) or a fail bin: a downgrade to 1 changes nothing', id);
        }
      });
  }

  return issues.length === 0 ? { ok: true, ruleSet: input as unknown as RuleSet } : { ok: false, issues };
}

/** Like {@link validateRuleSet} but throws a {@link RuleSetValidationError} listing every issue. */
export function assertValidRuleSet(input: unknown): RuleSet {
  const v = validateRuleSet(input);
  if (!v.ok) throw new RuleSetValidationError(v.issues);
  return v.ruleSet;
}
