import { contains } from '@mes/geometry';
import { describeValue, isFiniteNumber, isObj, type Problem } from './problems';

/** One arm of an experiment: the roll region [mdStartMm, mdEndMm) made under `condition`. */
export interface ExperimentArm {
  condition: string;
  mdStartMm: number;
  mdEndMm: number;
}

export const MAX_CONDITION_LENGTH = 100;

/**
 * Checks the arms of an experiment on one roll: at least two arms and two distinct conditions (a
 * condition may repeat, e.g. alternating regions A B A B), each region valid within the roll and no
 * two overlapping. Gaps between arms are allowed (material outside every arm).
 */
export function experimentArmProblems(arms: ExperimentArm[], rollLengthMm: number, path = 'arms'): Problem[] {
  const problems: Problem[] = [];
  const add = (p: string, message: string) => problems.push({ path: p, message });
  if (!Array.isArray(arms)) return [{ path, message: `expected an array of experiment arms, got ${describeValue(arms)}` }];
  const rollOk = isFiniteNumber(rollLengthMm) && rollLengthMm > 0;
  if (!rollOk) add('rollLengthMm', `expected a roll length > 0 mm, got ${describeValue(rollLengthMm)}`);
  if (arms.length < 2) add(path, `expected at least 2 arms (an experiment compares conditions), got ${arms.length}`);

  const valid: { i: number; startMm: number; endMm: number }[] = [];
  const conditions = new Set<string>();
  (arms as unknown[]).forEach((a, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(a)) return add(p, `expected an object { condition, mdStartMm, mdEndMm }, got ${describeValue(a)}`);
    if (typeof a.condition !== 'string' || a.condition.trim() === '' || a.condition.length > MAX_CONDITION_LENGTH) {
      add(`${p}.condition`, `expected a non-blank string of at most ${MAX_CONDITION_LENGTH} characters, got ${describeValue(a.condition)}`);
    } else conditions.add(a.condition.trim());
    const { mdStartMm: s, mdEndMm: e } = a;
    if (!isFiniteNumber(s) || s < 0) return add(`${p}.mdStartMm`, `expected a finite number >= 0 mm, got ${describeValue(s)}`);
    if (!isFiniteNumber(e) || e <= s) return add(`${p}.mdEndMm`, `expected a finite number > mdStartMm ${s}, got ${describeValue(e)}`);
    if (rollOk && e > rollLengthMm) return add(`${p}.mdEndMm`, `expected at most the roll length ${rollLengthMm} mm, got ${e}`);
    valid.push({ i, startMm: s, endMm: e });
  });
  if (arms.length >= 2 && conditions.size === 1) {
    add(path, `expected at least 2 distinct conditions, got only ${JSON.stringify([...conditions][0])}`);
  }

  // Sorted by start, an arm overlaps another exactly when it starts before the furthest end so far.
  valid.sort((a, b) => a.startMm - b.startMm || a.i - b.i);
  let reach: (typeof valid)[number] | null = null;
  for (const v of valid) {
    if (reach && v.startMm < reach.endMm) {
      const [first, second] = reach.i < v.i ? [reach, v] : [v, reach];
      add(
        `${path}[${second.i}]`,
        `expected arms not to overlap, got [${second.startMm}, ${second.endMm}) overlapping ${path}[${first.i}] [${first.startMm}, ${first.endMm})`,
      );
    }
    if (!reach || v.endMm > reach.endMm) reach = v;
  }
  return problems;
}

/** The arm whose region contains the whole interval, else null (it spans arms or lies outside every arm). */
export function armAt(arms: ExperimentArm[], interval: { startMm: number; endMm: number }): ExperimentArm | null {
  for (const arm of arms) {
    if (contains({ startMm: arm.mdStartMm, endMm: arm.mdEndMm }, interval)) return arm;
  }
  return null;
}
