import { defaultAsMadeRuleSet } from './default-rule-set';
import { ruleSetVersionFor } from './rule-set-version';

describe('ruleSetVersionFor', () => {
  it('numbers a valid proposal as the product’s next version', () => {
    const proposal = { ...defaultAsMadeRuleSet(0.25), version: 99 };
    const prepared = ruleSetVersionFor(proposal, 3, 0.25);
    expect(prepared.ok && prepared.ruleSet.version).toBe(3);
  });

  it('names every problem of an invalid proposal with its path', () => {
    const broken = JSON.parse(JSON.stringify(defaultAsMadeRuleSet(0.25))) as { rules: { softBin: number }[] };
    broken.rules[0].softBin = 42;
    const prepared = ruleSetVersionFor(broken, 2, 0.25);
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.issues.some((i) => i.path.startsWith('rules[0]'))).toBe(true);
    expect(ruleSetVersionFor('not a rule set', 2, 0.25)).toEqual({
      ok: false,
      issues: [{ path: '$', message: 'expected an object, got string "not a rule set"' }],
    });
  });

  it('refuses a rule set bound to another cell area', () => {
    expect(ruleSetVersionFor(defaultAsMadeRuleSet(0.5), 2, 0.25)).toEqual({
      ok: false,
      issues: [{ path: 'product.activeAreaCm2', message: "expected the product's cell area 0.25 cm², got 0.5" }],
    });
  });
});
