import { validateRuleSet, type RuleSetIssue } from './validate-rule-set';
import type { RuleSet } from './types';

/**
 * A proposed rule set as version `version` of a product whose cells have `activeAreaCm2`: the
 * version number is the product's next one whatever the proposal says, the rule set must be valid
 * (validateRuleSet), and a product binding, when it names an area, must name the product's.
 */
export function ruleSetVersionFor(
  proposal: unknown,
  version: number,
  activeAreaCm2: number,
): { ok: true; ruleSet: RuleSet } | { ok: false; issues: RuleSetIssue[] } {
  const candidate =
    typeof proposal === 'object' && proposal !== null && !Array.isArray(proposal) ? { ...(proposal as object), version } : proposal;
  const checked = validateRuleSet(candidate);
  if (!checked.ok) return checked;
  const declared = checked.ruleSet.product?.activeAreaCm2;
  if (declared !== undefined && declared !== activeAreaCm2) {
    return {
      ok: false,
      issues: [{ path: 'product.activeAreaCm2', message: `expected the product's cell area ${activeAreaCm2} cm², got ${declared}` }],
    };
  }
  return checked;
}
