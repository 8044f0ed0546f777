import { binSheet } from './bin-sheet';
import { defaultAsMadeRuleSet } from './default-rule-set';
import { goodCell } from './testing';
import { BinningInput } from './types';

describe('defaultAsMadeRuleSet', () => {
  const rs = defaultAsMadeRuleSet(1);

  it('follows the bin contract: 0 RETEST, 1-3 PASS, 10-17 REJECT', () => {
    const hard = (s: number) => rs.bins.find((b) => b.softBin === s)?.hardBin;
    expect(hard(0)).toBe(0);
    expect([1, 2, 3].map(hard)).toEqual([1, 1, 1]);
    expect([10, 11, 12, 13, 14, 15, 16, 17].map(hard)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(rs.rules.every((r) => typeof r.description === 'string' && r.description.length > 0)).toBe(true);
  });

  it('scales only the open limit with the cell area', () => {
    const small = defaultAsMadeRuleSet(0.25);
    const lim = (set: typeof rs, id: string) => {
      const r = set.rules.find((x) => x.id === id);
      return r && r.kind === 'staticLimit' ? [r.lower, r.upper] : undefined;
    };
    expect(lim(small, 'open-high-z')).toEqual([undefined, 4e8]);
    expect(lim(rs, 'open-high-z')).toEqual([undefined, 1e8]);
    expect(lim(small, 'short-low-z')).toEqual(lim(rs, 'short-low-z'));
    expect(() => defaultAsMadeRuleSet(0)).toThrow(/positive/);
  });

  it('bins the textbook good and bad signatures of an as-made cell', () => {
    const population: BinningInput[] = Array.from({ length: 60 }, (_, i) =>
      goodCell({ asrOhmCm2: 150 + (i % 10), asr25COhmCm2: 150 + (i % 10), lowFreqPhaseDeg: -82 - (i % 5) * 0.3 }),
    );
    const cases: [string, BinningInput, number][] = [
      ['no contact', goodCell({ status: 'NO_CONTACT', ocvV: null, lowFreqAbsZOhm: null }), 0],
      ['noisy', goodCell({ signature: 'NOISY', kkMaxResidual: 0.9 }), 0],
      ['noisy, unclassified', goodCell({ signature: 'OPEN', kkMaxResidual: 0.9 }), 0],
      ['hard short', goodCell({ ocvV: 0.001, lowFreqAbsZOhm: 40, lowFreqPhaseDeg: -1, signature: 'SHORT' }), 10],
      ['short, unclassified', goodCell({ ocvV: 0.002, lowFreqAbsZOhm: 3000, lowFreqPhaseDeg: -8 }), 10],
      ['open', goodCell({ lowFreqAbsZOhm: 8e10, lowFreqPhaseDeg: -89, signature: 'OPEN' }), 12],
      ['open, unclassified', goodCell({ lowFreqAbsZOhm: 8e10, lowFreqPhaseDeg: -89 }), 12],
      ['leaky', goodCell({ lowFreqAbsZOhm: 2e5, lowFreqPhaseDeg: -30, signature: 'LEAKY' }), 11],
      ['leaky, unclassified', goodCell({ lowFreqAbsZOhm: 4e4, lowFreqPhaseDeg: -50 }), 11],
      ['leaky, only the phase', goodCell({ lowFreqAbsZOhm: 5e4, lowFreqPhaseDeg: -68 }), 11],
      ['fit failed', goodCell({ fitConverged: false }), 17],
      ['OCV too high', goodCell({ ocvV: 2.5 }), 14],
      ['high Z', goodCell({ asrOhmCm2: 800, asr25COhmCm2: 800 }), 13],
      ['outlier', goodCell({ asrOhmCm2: 300, asr25COhmCm2: 300 }), 16],
      ['good', goodCell({ asrOhmCm2: 160, asr25COhmCm2: 160 }), 1],
      ['grade B', goodCell({ asrOhmCm2: 185, asr25COhmCm2: 185 }), 2],
    ];
    const r = binSheet(rs, [...population, ...cases.map((c) => c[1])], { activeAreaCm2: 1 });
    const got = cases.map((c, i) => [c[0], r[population.length + i].softBin]);
    expect(got).toEqual(cases.map((c) => [c[0], c[2]]));
    expect(r.slice(0, population.length).every((x) => x.pass)).toBe(true);
  });
});
