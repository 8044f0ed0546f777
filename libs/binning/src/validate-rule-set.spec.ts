import { defaultAsMadeRuleSet } from './default-rule-set';
import { ruleSetWith } from './testing';
import { assertValidRuleSet, RuleSetValidationError, validateRuleSet } from './validate-rule-set';

/** A deep copy through JSON, as a stored rule set would come back from the database. */
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function issuesOf(input: unknown) {
  const v = validateRuleSet(input);
  if (v.ok) throw new Error('expected the rule set to be invalid');
  return v.issues;
}

describe('validateRuleSet', () => {
  it('accepts the default rule set, also after a JSON round trip', () => {
    const rs = defaultAsMadeRuleSet(1);
    expect(validateRuleSet(rs)).toEqual({ ok: true, ruleSet: rs });
    expect(validateRuleSet(roundTrip(rs)).ok).toBe(true);
    expect(roundTrip(rs)).toEqual(rs); // plain data: nothing lost in JSON
  });

  it('names the rule, the field and what was expected', () => {
    const rs = roundTrip(defaultAsMadeRuleSet(1)) as unknown as { rules: Record<string, unknown>[] };
    const i = rs.rules.findIndex((r) => r.id === 'asr-pat');
    rs.rules[i].k = -2;
    rs.rules[i].metric = 'asr';
    expect(issuesOf(rs)).toEqual([
      {
        path: `rules[${i}].metric`,
        ruleId: 'asr-pat',
        message: expect.stringMatching(/^expected one of ocvV, .*asrOhmCm2.*, got string "asr"$/),
      },
      { path: `rules[${i}].k`, ruleId: 'asr-pat', message: 'expected a positive number, got number -2' },
    ]);
  });

  it('checks the bin contract and bin references', () => {
    const rs = ruleSetWith([
      { id: 'short', kind: 'signature', softBin: 2, signatures: ['SHORT'] },
      { id: 'oops', kind: 'signature', softBin: 44, signatures: ['OPEN'] },
    ]);
    rs.bins.push({ softBin: 5, hardBin: 2, name: 'BAD', pass: false });
    rs.bins.push({ softBin: 10, hardBin: 2, name: 'DUP', pass: false });
    const issues = issuesOf(rs);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'bins[12].pass', message: expect.stringContaining('soft bin 5 must have pass=true') },
        { path: 'bins[13].softBin', message: 'soft bin 10 is defined more than once' },
        { path: 'rules[0].softBin', ruleId: 'short', message: 'expected a fail bin ≥ 10 or 0 (measurement fault), got 2' },
        { path: 'rules[1].softBin', ruleId: 'oops', message: 'soft bin 44 is not defined in bins' },
      ]),
    );
  });

  it('checks limits, kinds, duplicate ids and grading bands', () => {
    const bad = {
      ...ruleSetWith([
        { id: 'z', kind: 'staticLimit', softBin: 13, metric: 'asrOhmCm2', lower: 500, upper: 100 },
        { id: 'z', kind: 'staticLimit', softBin: 13, metric: 'asrOhmCm2' },
        { id: 'w', kind: 'bogus', softBin: 13 },
        { id: 'v', kind: 'ocvWindow', softBin: 14, lower: 0 },
        { id: 'u', kind: 'staticLimit', softBin: 13, metric: 'ocvV', upper: Infinity },
      ] as never),
      version: 0,
    };
    bad.grading.bands = [
      { maxRelDeviation: 0.3, softBin: 2 },
      { maxRelDeviation: 0.15, softBin: 1 },
    ];
    const issues = issuesOf(bad);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'version', message: 'expected an integer ≥ 1, got number 0' },
        { path: 'rules[0].upper', ruleId: 'z', message: 'expected upper > lower (500), got 100' },
        { path: 'rules[1].id', ruleId: 'z', message: 'rule id "z" is used more than once' },
        { path: 'rules[1]', ruleId: 'z', message: 'expected at least one of lower, upper' },
        {
          path: 'rules[2].kind',
          ruleId: 'w',
          message: expect.stringContaining('expected one of measurement, signature, staticLimit'),
        },
        { path: 'rules[3].upper', ruleId: 'v', message: 'expected a number' },
        { path: 'rules[4].upper', ruleId: 'u', message: 'expected a finite number, got number Infinity' },
        {
          path: 'grading.bands[1].maxRelDeviation',
          ruleId: 'grade',
          message: 'bands must be in ascending order: 0.15 ≤ 0.3',
        },
        {
          path: 'grading.bands[1].softBin',
          ruleId: 'grade',
          message: 'a wider band must not give a better grade: 1 after 2',
        },
      ]),
    );
  });

  it('rejects non-objects and missing sections with a readable message', () => {
    expect(issuesOf(null)).toEqual([{ path: '$', message: 'expected an object, got null' }]);
    expect(issuesOf({ name: 'x', version: 1 })).toEqual([
      { path: 'bins', message: 'expected a non-empty array of bin definitions, got nothing' },
      { path: 'rules', message: 'expected an array of rules, got nothing' },
      { path: 'grading', message: 'expected a grading rule object, got nothing' },
    ]);
  });

  it('assertValidRuleSet throws an error carrying every issue', () => {
    const rs = ruleSetWith([{ id: 'k', kind: 'dynamicLimit', softBin: 16, metric: 'asrOhmCm2', k: 0 } as never]);
    try {
      assertValidRuleSet(rs);
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(RuleSetValidationError);
      const err = e as RuleSetValidationError;
      expect(err.code).toBe('RULE_SET_INVALID');
      expect(err.issues.map((i) => i.path)).toEqual(['rules[0].k', 'rules[0].side', 'rules[0].scale', 'rules[0].minPopulation']);
      expect(err.message).toContain('rules[0].k (rule "k"): expected a positive number, got number 0');
    }
  });
});
