import { binSheet } from './bin-sheet';
import { DEFAULT_VISUAL_RULES, defaultAsMadeRuleSet } from './default-rule-set';
import { goodCell, ruleSetWith } from './testing';
import type { CellDefect, RuleSet } from './types';
import { validateRuleSet } from './validate-rule-set';

const withVisual = (): RuleSet => ({
  ...ruleSetWith([{ id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] }]),
  visual: DEFAULT_VISUAL_RULES.map((r) => ({ ...r, classes: [...r.classes] })),
});

const defect = (ref: string, defectClass: string, sizeUm: number): CellDefect => ({ ref, defectClass, sizeUm });

function issuesOf(input: unknown) {
  const v = validateRuleSet(input);
  if (v.ok) throw new Error('expected the rule set to be invalid');
  return v.issues;
}

describe('visual rules', () => {
  const cells = [
    goodCell({ row: 0, col: 0 }),
    goodCell({ row: 0, col: 1 }),
    goodCell({ row: 0, col: 2, signature: 'SHORT' }),
    goodCell({ row: 0, col: 3 }),
  ];

  it('fails a passing cell with a large particle in its active area and names the defect', () => {
    const bins = binSheet(withVisual(), cells, {
      activeAreaCm2: 1,
      defects: [[defect('AOI-1#0', 'PARTICLE', 20), defect('AOI-1#1', 'PARTICLE', 80), defect('AOI-1#2', 'PINHOLE', 60)], null, null, []],
    });
    expect(bins[0]).toMatchObject({
      softBin: 15,
      binName: 'FAIL_VISUAL',
      pass: false,
      ruleId: 'visual-large-defect',
      ruleKind: 'visualFail',
      value: 80,
      decidingDefect: 'AOI-1#1',
    });
    expect(bins[0].reason).toBe('PARTICLE 80 µm in the active area (AOI-1#1) >= 50 µm');
    expect(bins[1]).toMatchObject({ softBin: 1, pass: true });
    expect(bins[1].decidingDefect).toBeUndefined();
  });

  it('leaves an electrical fail as it is, even with a defect that would fail it visually', () => {
    const bins = binSheet(withVisual(), cells, { activeAreaCm2: 1, defects: [null, null, [defect('A#0', 'PARTICLE', 500)], null] });
    expect(bins[2]).toMatchObject({ softBin: 10, binName: 'FAIL_SHORT', ruleId: 'short' });
  });

  it('downgrades a cell with more small particles than the limit, not one at the limit', () => {
    const small = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, k) => defect(`${prefix}#${k}`, k % 2 ? 'DEBRIS' : 'PARTICLE', 10 + k));
    const bins = binSheet(withVisual(), cells, {
      activeAreaCm2: 1,
      defects: [small(4, 'A'), small(3, 'B'), null, [defect('C#0', 'SCRATCH', 40)]],
    });
    expect(bins[0]).toMatchObject({ softBin: 3, binName: 'PASS_C', pass: true, ruleKind: 'visualCount', value: 4, decidingDefect: 'A#3' });
    expect(bins[1]).toMatchObject({ softBin: 1, ruleKind: 'grading' });
    // a scratch is in no rule's classes
    expect(bins[3]).toMatchObject({ softBin: 1 });
  });

  it('changes nothing without an inspection, or with a rule set without visual rules', () => {
    const plain = binSheet(ruleSetWith([{ id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] }]), cells, {
      activeAreaCm2: 1,
      defects: [[defect('A#0', 'PARTICLE', 500)], null, null, null],
    });
    expect(plain[0].softBin).toBe(1);
    expect(binSheet(withVisual(), cells, { activeAreaCm2: 1 })[0].softBin).toBe(1);
  });

  it('refuses defects given for another number of cells', () => {
    expect(() => binSheet(withVisual(), cells, { activeAreaCm2: 1, defects: [null] })).toThrow(
      'defects are given for 1 cells, the sheet has 4',
    );
  });
});

describe('visual rules in rule set validation', () => {
  it('accepts the default rule set with its visual rules', () => {
    expect(validateRuleSet(defaultAsMadeRuleSet(0.25)).ok).toBe(true);
    expect(defaultAsMadeRuleSet(0.25).visual?.map((r) => r.softBin)).toEqual([15, 3]);
  });

  it('names every bad field of a visual rule', () => {
    const rs = {
      ...ruleSetWith([{ id: 'short', kind: 'signature', softBin: 10, signatures: ['SHORT'] }]),
      visual: [
        { kind: 'visualFail', id: 'big', softBin: 2, classes: ['PARTICLE', 'DUST'], minSizeUm: 0 },
        { kind: 'visualCount', id: 'short', softBin: 44, classes: [], maxCount: -1, maxSizeUm: 'x' },
        { kind: 'visualBlur', id: 'x', softBin: 15, classes: ['PARTICLE'] },
        'nope',
      ],
    };
    expect(issuesOf(rs)).toEqual([
      {
        path: 'visual[0].classes[1]',
        ruleId: 'big',
        message: expect.stringMatching(/^expected one of PARTICLE, PINHOLE, .*, got string "DUST"$/),
      },
      { path: 'visual[0].minSizeUm', ruleId: 'big', message: 'expected a size in µm > 0, got number 0' },
      { path: 'visual[0].softBin', ruleId: 'big', message: 'expected a fail bin ≥ 10 (FAIL_VISUAL), got number 2' },
      { path: 'visual[1].id', ruleId: 'short', message: 'rule id "short" is used more than once' },
      { path: 'visual[1].classes', ruleId: 'short', message: expect.stringContaining('expected a non-empty list of defect classes') },
      { path: 'visual[1].maxCount', ruleId: 'short', message: 'expected a whole number ≥ 0, got number -1' },
      { path: 'visual[1].maxSizeUm', ruleId: 'short', message: 'expected a size in µm > 0 or nothing, got string "x"' },
      { path: 'visual[1].softBin', ruleId: 'short', message: expect.stringContaining('expected a soft bin defined in bins other than 0') },
      { path: 'visual[2].kind', ruleId: 'x', message: 'expected visualFail or visualCount, got string "visualBlur"' },
      { path: 'visual[3]', message: 'expected a visual rule object, got string "nope"' },
    ]);
    expect(issuesOf({ ...rs, visual: {} })).toEqual([
      { path: 'visual', message: 'expected an array of visual rules or nothing, got object {}' },
    ]);
  });
});
