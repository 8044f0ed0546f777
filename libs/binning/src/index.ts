export * from './types';
export { validateRuleSet, assertValidRuleSet, RuleSetValidationError } from './validate-rule-set';
export type { RuleSetIssue, RuleSetValidation } from './validate-rule-set';
export { binSheet, binSheetWithStats } from './bin-sheet';
export { mergeRetest, currentResult } from './merge-retest';
export type { MergeRetestOptions } from './merge-retest';
export {
  defaultAsMadeRuleSet,
  DEFAULT_AS_MADE_RULE_SET_NAME,
  DEFAULT_BINS,
  DEFAULT_HARD_BINS,
} from './default-rule-set';
export { toBinningInput, metricValue } from './metrics';
export type { FeaturesLike } from './metrics';
export { median, medianAndMad, MAD_TO_SIGMA } from './robust-stats';
export { DEFAULT_TEST_POLICY, MAX_RETESTS_LIMIT, validateTestPolicy, sheetDisposition, holdReasonPrefix } from './test-policy';
export type { TestPolicy, SheetStanding, SheetDisposition } from './test-policy';
export { ruleSetVersionFor } from './rule-set-version';
export { applyNeighbourhoodRule } from './neighbourhood';
export type { NeighbourhoodRule } from './neighbourhood';
