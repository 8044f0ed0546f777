import { binSheet } from './bin-sheet';
import { defaultAsMadeRuleSet } from './default-rule-set';
import { goodCell } from './testing';
import type { BinningInput, RuleSet } from './types';
import { validateRuleSet } from './validate-rule-set';

/** A 5 x 5 sheet of good cells with shorts at the given positions. */
function sheet(shorts: Array<[number, number]>): BinningInput[] {
  const cells: BinningInput[] = [];
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 5; col++) {
      const short = shorts.some(([r, c]) => r === row && c === col);
      cells.push(goodCell({ row, col, ...(short ? { signature: 'SHORT', lowFreqAbsZOhm: 5, lowFreqPhaseDeg: 0 } : {}) }));
    }
  }
  return cells;
}

describe('good die in bad neighbourhood', () => {
  const base = defaultAsMadeRuleSet(1);
  const withRule: RuleSet = { ...base, neighbourhood: { id: 'gdbn', radius: 1, badSoftBins: [10], minBadNeighbours: 2, softBin: 3 } };

  it('is off by default: results without the rule are exactly as before', () => {
    const cells = sheet([
      [2, 1],
      [2, 3],
    ]);
    const plain = binSheet(base, cells, { activeAreaCm2: 1 });
    expect(plain.find((r) => r.row === 2 && r.col === 2)).toMatchObject({ softBin: 1, ruleKind: 'grading' });
    expect(plain.every((r) => r.ruleKind !== 'neighbourhood')).toBe(true);
  });

  it('downgrades a passing cell with enough bad neighbours and names them; one bad neighbour is not enough', () => {
    const cells = sheet([
      [2, 1],
      [2, 3],
    ]);
    const out = binSheet(withRule, cells, { activeAreaCm2: 1 });
    const centre = out.find((r) => r.row === 2 && r.col === 2)!;
    expect(centre).toMatchObject({
      softBin: 3,
      hardBin: 1,
      binName: 'PASS_C',
      pass: true,
      ruleId: 'gdbn',
      ruleKind: 'neighbourhood',
      value: '(2,1) bin 10; (2,3) bin 10',
    });
    expect(centre.reason).toMatch(/^2 bad neighbours within 1: \(2,1\) bin 10, \(2,3\) bin 10 \(was bin 1: /);
    // (1,0) touches only (2,1): stays as graded.
    expect(out.find((r) => r.row === 1 && r.col === 0)).toMatchObject({ softBin: 1, ruleKind: 'grading' });
    // The shorts themselves are unchanged, and a downgrade does not cascade.
    expect(out.find((r) => r.row === 2 && r.col === 1)).toMatchObject({ softBin: 10 });
    expect(out.filter((r) => r.ruleKind === 'neighbourhood').map((r) => [r.row, r.col])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
  });

  it('can send the cell to a fail bin', () => {
    const out = binSheet(
      { ...withRule, neighbourhood: { ...withRule.neighbourhood!, softBin: 16 } },
      sheet([
        [2, 1],
        [2, 3],
      ]),
      { activeAreaCm2: 1 },
    );
    expect(out.find((r) => r.row === 2 && r.col === 2)).toMatchObject({ softBin: 16, pass: false, hardBin: 2 });
  });

  it('refuses a bad neighbourhood rule with what was expected', () => {
    const v = validateRuleSet({ ...base, neighbourhood: { id: 'x', radius: 0, badSoftBins: [1], minBadNeighbours: 99, softBin: 42 } });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.issues.map((i) => [i.path, i.message])).toEqual([
      ['neighbourhood.radius', 'expected a whole number of cells from 1 to 5, got number 0'],
      ['neighbourhood.badSoftBins[0]', 'expected a fail bin ≥ 10 or 0 (measurement fault), got 1'],
      ['neighbourhood.minBadNeighbours', 'expected a whole number from 1 to 8 (the neighbours within radius 1), got number 99'],
      ['neighbourhood.softBin', 'expected a soft bin defined in bins other than 0 (a lower grade or a fail bin), got number 42'],
    ]);
  });
});
