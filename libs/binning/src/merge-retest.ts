import { CellBin } from './types';

export interface MergeRetestOptions {
  /**
   * Fail bins whose verdict a later passing test may overturn. The line scraps OPEN (12) and FIT
   * (17) only "after retest", so a clean retest of those cells counts; every other fail (a short, a
   * leak, high impedance) is physical and stays. Default [12, 17].
   */
  retestableFailBins?: readonly number[];
}

const DEFAULT_RETESTABLE = [12, 17];

/** What the retest convention looks at: the soft bin (a CellBin, or a stored result carrying one). */
type Binned = Pick<CellBin, 'softBin'>;

const isFault = (b: Binned) => b.softBin === 0;
const isPass = (b: Binned) => b.softBin >= 1 && b.softBin <= 9;

/**
 * Combines a cell's previous result with the result of a later test insertion (semiconductor convention):
 * - soft bin 0 (measurement fault) never overrides a valid result, and is superseded by any valid one;
 * - pass → pass: the grade can only go down (the worse of the two grades is kept);
 * - a later fail replaces a pass (or an earlier fail);
 * - a later pass overturns an earlier fail only for the retestable fail bins (see options).
 * Returns one of the two inputs unchanged.
 */
export function mergeRetest<T extends Binned>(previous: T, latest: T, options: MergeRetestOptions = {}): T {
  if (isFault(latest)) return isFault(previous) ? latest : previous;
  if (isFault(previous)) return latest;
  if (isPass(previous) && isPass(latest)) return latest.softBin >= previous.softBin ? latest : previous;
  if (!isPass(latest)) return latest;
  // previous is a fail, latest a pass
  const retestable = options.retestableFailBins ?? DEFAULT_RETESTABLE;
  return retestable.includes(previous.softBin) ? latest : previous;
}

/**
 * The result that counts for a cell after all its tests, oldest first: {@link mergeRetest} folded
 * over them (so a pass grade only goes down, a rig fault is superseded by any valid result, and so
 * on). Returns one of the given results unchanged; throws for a cell without any test.
 */
export function currentResult<T extends Binned>(testsOldestFirst: readonly T[], options: MergeRetestOptions = {}): T {
  if (!testsOldestFirst.length) throw new RangeError('currentResult needs at least one test result');
  let current = testsOldestFirst[0];
  for (let i = 1; i < testsOldestFirst.length; i++) current = mergeRetest(current, testsOldestFirst[i], options);
  return current;
}
