import { currentResult, mergeRetest } from './merge-retest';
import { CellBin } from './types';

function bin(softBin: number, tag = ''): CellBin {
  return {
    softBin,
    hardBin: softBin === 0 ? 0 : softBin < 10 ? 1 : 2,
    binName: `B${softBin}${tag}`,
    pass: softBin >= 1 && softBin <= 9,
    ruleSetName: 'rs',
    ruleSetVersion: 1,
    ruleId: 'r',
    ruleKind: softBin < 10 && softBin > 0 ? 'grading' : 'staticLimit',
    metric: null,
    value: null,
    limit: null,
    reason: tag,
  };
}

describe('mergeRetest', () => {
  it('a soft-bin-0 result is superseded by the latest valid one', () => {
    const fault = bin(0);
    expect(mergeRetest(fault, bin(2))).toEqual(bin(2));
    expect(mergeRetest(fault, bin(12))).toEqual(bin(12));
    expect(mergeRetest(fault, bin(0, 'again'))).toEqual(bin(0, 'again'));
  });

  it('a later rig fault never erases a valid result', () => {
    expect(mergeRetest(bin(1), bin(0))).toEqual(bin(1));
    expect(mergeRetest(bin(10), bin(0))).toEqual(bin(10));
  });

  it('a pass grade can only go down', () => {
    expect(mergeRetest(bin(2, 'first'), bin(1, 'retest'))).toEqual(bin(2, 'first'));
    expect(mergeRetest(bin(1, 'first'), bin(3, 'retest'))).toEqual(bin(3, 'retest'));
    expect(mergeRetest(bin(2, 'first'), bin(2, 'retest'))).toEqual(bin(2, 'retest'));
  });

  it('a later fail replaces a pass or an earlier fail', () => {
    expect(mergeRetest(bin(1), bin(11))).toEqual(bin(11));
    expect(mergeRetest(bin(12), bin(10))).toEqual(bin(10));
  });

  it('a later pass overturns only retestable fails (OPEN, FIT by default)', () => {
    expect(mergeRetest(bin(12), bin(1))).toEqual(bin(1));
    expect(mergeRetest(bin(17), bin(2))).toEqual(bin(2));
    expect(mergeRetest(bin(10), bin(1))).toEqual(bin(10)); // a short does not heal
    expect(mergeRetest(bin(10), bin(1), { retestableFailBins: [10] })).toEqual(bin(1));
    expect(mergeRetest(bin(12), bin(1), { retestableFailBins: [] })).toEqual(bin(12));
  });
});

describe('currentResult', () => {
  it('folds every test of a cell, oldest first: grades only go down, rig faults are superseded', () => {
    expect(currentResult([bin(0, 'first'), bin(2, 'retest')])).toEqual(bin(2, 'retest'));
    expect(currentResult([bin(2, 'first'), bin(1, 'second')])).toEqual(bin(2, 'first'));
    expect(currentResult([bin(1, 'first'), bin(0, 'fault'), bin(3, 'third')])).toEqual(bin(3, 'third'));
    expect(currentResult([bin(12, 'open'), bin(1, 'clean')])).toEqual(bin(1, 'clean'));
    expect(currentResult([bin(14, 'short'), bin(1, 'clean')])).toEqual(bin(14, 'short'));
    expect(currentResult([bin(5)])).toEqual(bin(5));
  });

  it('works on stored results that only carry a soft bin, and returns one of them unchanged', () => {
    const tests = [
      { softBin: 1, id: 'a' },
      { softBin: 0, id: 'b' },
      { softBin: 4, id: 'c' },
    ];
    expect(currentResult(tests)).toBe(tests[2]);
  });

  it('refuses a cell without tests', () => {
    expect(() => currentResult([])).toThrow('currentResult needs at least one test result');
  });
});
