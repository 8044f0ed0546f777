import fc from 'fast-check';
import { anyJson, corrupted, UNIT_FUZZ_RUNS } from '@mes/testing';
import { defaultAsMadeRuleSet } from './default-rule-set';
import { validateTestPolicy } from './test-policy';
import { assertValidRuleSet, RuleSetValidationError, validateRuleSet } from './validate-rule-set';

/**
 * Rule sets (GraphQL JSON an engineer uploads) and test policies fuzzed: a valid rule set is taken as
 * it is, any other input is refused with issues that name the path (and rule) and what was expected.
 */
describe('rule sets (fuzzed)', () => {
  const valid = fc.double({ min: 0.01, max: 10, noNaN: true }).map((area) => defaultAsMadeRuleSet(area));

  it('accepts every default rule set, whatever the cell area, as it is', () => {
    fc.assert(
      fc.property(valid, (rs) => {
        const r = validateRuleSet(structuredClone(rs));
        if (!r.ok) throw new Error(JSON.stringify(r.issues));
        expect(r.ruleSet).toEqual(rs);
      }),
      { numRuns: UNIT_FUZZ_RUNS / 4 },
    );
  });

  it('answers any JSON and corrupted rule sets with a rule set or issues saying where and what was expected', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(4),
          valid.chain((rs) => corrupted(rs, 4)),
        ),
        (v) => {
          const r = validateRuleSet(v);
          if (r.ok) return;
          expect(r.issues.length).toBeGreaterThan(0);
          for (const i of r.issues) {
            expect(typeof i.path).toBe('string');
            expect(i.message.length).toBeGreaterThan(5);
          }
          // the throwing form carries the same issues in its own error class, nothing else
          expect(() => assertValidRuleSet(v)).toThrow(RuleSetValidationError);
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers any test policy with problems naming the field, never a throw', () => {
    fc.assert(
      fc.property(anyJson(1), anyJson(1), (maxRetests, yieldHoldBelow) => {
        for (const p of validateTestPolicy({ maxRetests, yieldHoldBelow })) {
          expect(['maxRetests', 'yieldHoldBelow']).toContain(p.path.replace(/^.*\./, ''));
          expect(p.message).toMatch(/expected|must|between|from/);
        }
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});
