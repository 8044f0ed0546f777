/**
 * Run rules on standardized chart points (z = distance from the centre line in σ of the point).
 * Nelson's eight rules and the four Western Electric zone rules, as written in the literature:
 * "beyond kσ" is strictly beyond (a point exactly on a limit is inside), a run on one side is broken
 * by a point on the centre line, "increasing" is strictly increasing.
 */

export type RunRule =
  'NELSON_1' | 'NELSON_2' | 'NELSON_3' | 'NELSON_4' | 'NELSON_5' | 'NELSON_6' | 'NELSON_7' | 'NELSON_8' | 'WE_1' | 'WE_2' | 'WE_3' | 'WE_4';

export const RUN_RULES: readonly RunRule[] = [
  'NELSON_1',
  'NELSON_2',
  'NELSON_3',
  'NELSON_4',
  'NELSON_5',
  'NELSON_6',
  'NELSON_7',
  'NELSON_8',
  'WE_1',
  'WE_2',
  'WE_3',
  'WE_4',
];

export const RUN_RULE_TEXT: Record<RunRule, string> = {
  NELSON_1: 'one point beyond 3σ',
  NELSON_2: 'nine points in a row on one side of the centre line',
  NELSON_3: 'six points in a row steadily increasing or decreasing',
  NELSON_4: 'fourteen points in a row alternating up and down',
  NELSON_5: 'two of three points in a row beyond 2σ on the same side',
  NELSON_6: 'four of five points in a row beyond 1σ on the same side',
  NELSON_7: 'fifteen points in a row within 1σ on either side',
  NELSON_8: 'eight points in a row beyond 1σ on either side, none within 1σ',
  WE_1: 'one point beyond 3σ',
  WE_2: 'two of three points in a row beyond 2σ on the same side',
  WE_3: 'four of five points in a row beyond 1σ on the same side',
  WE_4: 'eight points in a row on one side of the centre line',
};

export interface RuleViolation {
  rule: RunRule;
  /** Index of the point at which the rule is broken (the newest point of the window). */
  at: number;
  /** Indices of the points that make up the violation (what a hold must cover). */
  points: number[];
}

const sign = (z: number): number => (z > 0 ? 1 : z < 0 ? -1 : 0);

/** Points [i − len + 1, i] all on one side of the centre, or null. */
function sameSideRun(z: readonly number[], i: number, len: number): number[] | null {
  if (i + 1 < len) return null;
  const s = sign(z[i]);
  if (s === 0) return null;
  for (let j = i - len + 1; j <= i; j++) if (sign(z[j]) !== s) return null;
  return range(i - len + 1, i);
}

/** k of the last m points beyond `limit` on one side; the newest point must be one of them. */
function kOfM(z: readonly number[], i: number, k: number, m: number, limit: number): number[] | null {
  if (i + 1 < m) return null;
  const s = sign(z[i]);
  if (s === 0 || Math.abs(z[i]) <= limit) return null;
  const hits: number[] = [];
  for (let j = i - m + 1; j <= i; j++) if (sign(z[j]) === s && Math.abs(z[j]) > limit) hits.push(j);
  return hits.length >= k ? hits : null;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let j = a; j <= b; j++) out.push(j);
  return out;
}

/** Whether `rule` is broken by the window that ends at point i. */
export function ruleAt(rule: RunRule, z: readonly number[], i: number): number[] | null {
  switch (rule) {
    case 'NELSON_1':
    case 'WE_1':
      return Math.abs(z[i]) > 3 ? [i] : null;
    case 'NELSON_2':
      return sameSideRun(z, i, 9);
    case 'WE_4':
      return sameSideRun(z, i, 8);
    case 'NELSON_3': {
      if (i < 5) return null;
      const up = z[i] > z[i - 1];
      for (let j = i - 4; j <= i; j++) {
        if (z[j] === z[j - 1] || z[j] > z[j - 1] !== up) return null;
      }
      return range(i - 5, i);
    }
    case 'NELSON_4': {
      if (i < 13) return null;
      for (let j = i - 12; j <= i; j++) {
        const d1 = z[j] - z[j - 1];
        if (d1 === 0) return null;
        if (j > i - 12 && sign(d1) === sign(z[j - 1] - z[j - 2])) return null;
      }
      return range(i - 13, i);
    }
    case 'NELSON_5':
    case 'WE_2':
      return kOfM(z, i, 2, 3, 2);
    case 'NELSON_6':
    case 'WE_3':
      return kOfM(z, i, 4, 5, 1);
    case 'NELSON_7': {
      if (i < 14) return null;
      for (let j = i - 14; j <= i; j++) if (!(Math.abs(z[j]) <= 1)) return null;
      return range(i - 14, i);
    }
    case 'NELSON_8': {
      if (i < 7) return null;
      for (let j = i - 7; j <= i; j++) if (!(Math.abs(z[j]) > 1)) return null;
      return range(i - 7, i);
    }
  }
}

/**
 * Violations of the chosen rules at point i (use after each new point: a rule broken at i and
 * already broken at i − 1 by an overlapping window is reported again with the longer run, so a
 * caller that keeps one event per rule and run extends it instead of opening a new one).
 */
export function violationsAt(rules: readonly RunRule[], z: readonly number[], i: number): RuleViolation[] {
  if (i < 0 || i >= z.length) throw new RangeError(`point ${i} is outside the series of ${z.length}`);
  const out: RuleViolation[] = [];
  for (const rule of rules) {
    const points = ruleAt(rule, z, i);
    if (points) out.push({ rule, at: i, points });
  }
  return out;
}

/** Every violation over a whole series (each rule, each point at which it is broken). */
export function evaluateRunRules(rules: readonly RunRule[], z: readonly number[]): RuleViolation[] {
  const unknown = rules.filter((r) => !RUN_RULES.includes(r));
  if (unknown.length) throw new RangeError(`unknown run rule ${unknown.join(', ')}; expected one of ${RUN_RULES.join(', ')}`);
  const out: RuleViolation[] = [];
  for (let i = 0; i < z.length; i++) out.push(...violationsAt(rules, z, i));
  return out;
}
