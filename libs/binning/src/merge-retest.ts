import { CellBin } from './types';

export interface MergeRetestOptions {
  /**
   * Fail bins whose verdict a later passing test may overturn. DOMAIN.md 4.1 scraps OPEN (12) and FIT
   * (17) only "after retest", so a clean retest of those cells counts; every other fail (a short, a
   * leak, high impedance) is physical and stays. Default [12, 17].
   */
  retestableFailBins?: readonly number[];
}

const DEFAULT_RETESTABLE = [12, 17];

const isFault = (b: CellBin) => b.softBin === 0;
const isPass = (b: CellBin) => b.softBin >= 1 && b.softBin <= 9;

/**
 * Combines a cell's previous result with the result of a later test insertion (semiconductor convention):
 * - soft bin 0 (measurement fault) never overrides a valid result, and is superseded by any valid one;
 * - pass → pass: the grade can only go down (the worse of the two grades is kept);
 * - a later fail replaces a pass (or an earlier fail);
 * - a later pass overturns an earlier fail only for the retestable fail bins (see options).
 * Returns one of the two inputs unchanged.
 */
export function mergeRetest(previous: CellBin, latest: CellBin, options: MergeRetestOptions = {}): CellBin {
  if (isFault(latest)) return isFault(previous) ? latest : previous;
  if (isFault(previous)) return latest;
  if (isPass(previous) && isPass(latest)) return latest.softBin >= previous.softBin ? latest : previous;
  if (!isPass(latest)) return latest;
  // previous is a fail, latest a pass
  const retestable = options.retestableFailBins ?? DEFAULT_RETESTABLE;
  return retestable.includes(previous.softBin) ? latest : previous;
}
