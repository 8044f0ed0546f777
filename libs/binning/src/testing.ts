import { BinningInput, RuleSet } from './types';
import { DEFAULT_BINS, DEFAULT_HARD_BINS } from './default-rule-set';

/** A healthy as-made 1 cm² cell; override what a test needs. Used by this library's specs. */
export function goodCell(over: Partial<BinningInput> = {}): BinningInput {
  return {
    status: 'OK',
    ocvV: 0.4,
    rOhmicOhm: 3,
    rLiponOhm: 60,
    rCtOhm: 90,
    asrOhmCm2: 153,
    rOhmic25COhm: 3,
    rLipon25COhm: 60,
    rCt25COhm: 90,
    asr25COhmCm2: 153,
    lowFreqAbsZOhm: 6e4,
    lowFreqPhaseDeg: -82,
    fitRelRms: 0.01,
    fitConverged: true,
    kkMaxResidual: 0.02,
    signature: 'NORMAL',
    ...over,
  };
}

/** A small rule set with the default bins and only the given rules. */
export function ruleSetWith(rules: RuleSet['rules'], grading?: Partial<RuleSet['grading']>): RuleSet {
  return {
    name: 'test',
    version: 3,
    bins: DEFAULT_BINS.map((b) => ({ ...b })),
    hardBins: DEFAULT_HARD_BINS.map((h) => ({ ...h })),
    rules,
    grading: {
      id: 'grade',
      metric: 'asrOhmCm2',
      bands: [
        { maxRelDeviation: 0.15, softBin: 1 },
        { maxRelDeviation: 0.3, softBin: 2 },
      ],
      otherwiseSoftBin: 3,
      ...grading,
    },
  };
}
