import { evaluateRunRules, ruleAt, violationsAt, type RunRule } from './run-rules';

/** Whether the rule fires at the last point of the sequence. */
const fires = (rule: RunRule, z: number[]): boolean => ruleAt(rule, z, z.length - 1) !== null;
const rep = (v: number, n: number): number[] => new Array<number>(n).fill(v);

describe('run rules (each boundary from both sides)', () => {
  it.each(['NELSON_1', 'WE_1'] as RunRule[])('%s: beyond 3σ fires, exactly 3σ does not', (rule) => {
    expect(fires(rule, [0, 3.0001])).toBe(true);
    expect(fires(rule, [0, -3.0001])).toBe(true);
    expect(fires(rule, [0, 3])).toBe(false);
    expect(fires(rule, [0, -3])).toBe(false);
    expect(ruleAt(rule, [0, 4], 1)).toEqual([1]);
  });

  it('NELSON_2: nine on one side fires, eight does not, a point on the centre line breaks the run', () => {
    expect(fires('NELSON_2', rep(0.1, 9))).toBe(true);
    expect(fires('NELSON_2', rep(-0.1, 9))).toBe(true);
    expect(fires('NELSON_2', [-1, ...rep(0.1, 8)])).toBe(false);
    expect(fires('NELSON_2', [...rep(0.1, 4), 0, ...rep(0.1, 4)])).toBe(false);
    expect(ruleAt('NELSON_2', [-1, ...rep(0.5, 9)], 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('WE_4: eight on one side fires, seven does not', () => {
    expect(fires('WE_4', rep(0.2, 8))).toBe(true);
    expect(fires('WE_4', [-0.2, ...rep(0.2, 7)])).toBe(false);
  });

  it('NELSON_3: six steadily rising or falling fires, five does not, a tie breaks it', () => {
    expect(fires('NELSON_3', [0, 0.1, 0.2, 0.3, 0.4, 0.5])).toBe(true);
    expect(fires('NELSON_3', [0.5, 0.4, 0.3, 0.2, 0.1, 0])).toBe(true);
    expect(fires('NELSON_3', [1, 0, 0.1, 0.2, 0.3, 0.4])).toBe(false);
    expect(fires('NELSON_3', [0, 0.1, 0.2, 0.2, 0.3, 0.4])).toBe(false);
    expect(fires('NELSON_3', [0, 0.1, 0.2, 0.3, 0.4])).toBe(false);
  });

  it('NELSON_4: fourteen alternating fires, thirteen does not', () => {
    const alt = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 ? 0.5 : -0.5));
    expect(fires('NELSON_4', alt(14))).toBe(true);
    expect(fires('NELSON_4', alt(13))).toBe(false);
    // The first of fourteen breaks the alternation: only thirteen alternate.
    const broken = alt(14);
    broken[0] = 0.7;
    expect(fires('NELSON_4', broken)).toBe(false);
  });

  it.each(['NELSON_5', 'WE_2'] as RunRule[])(
    '%s: two of three beyond 2σ on one side fires; on opposite sides or at exactly 2σ not',
    (rule) => {
      expect(fires(rule, [2.1, 0, 2.1])).toBe(true);
      expect(fires(rule, [-2.1, -2.5])).toBe(false); // only two points so far: a window of three is needed
      expect(fires(rule, [0, -2.1, -2.5])).toBe(true);
      expect(fires(rule, [2.1, 0, -2.1])).toBe(false);
      expect(fires(rule, [2, 0, 2.1])).toBe(false);
      expect(fires(rule, [2.1, 0, 0, 2.1])).toBe(false);
      expect(ruleAt(rule, [2.1, 0, 2.2], 2)).toEqual([0, 2]);
    },
  );

  it.each(['NELSON_6', 'WE_3'] as RunRule[])('%s: four of five beyond 1σ on one side fires, three of five or exactly 1σ not', (rule) => {
    expect(fires(rule, [1.1, 1.1, 0, 1.1, 1.1])).toBe(true);
    expect(fires(rule, [1.1, 0, 0, 1.1, 1.1])).toBe(false);
    expect(fires(rule, [1, 1.1, 0, 1.1, 1.1])).toBe(false);
    expect(fires(rule, [-1.1, -1.1, 1.1, 1.1, -1.1])).toBe(false);
    expect(fires(rule, [-1.1, -1.1, 0, -1.5, -1.2])).toBe(true);
  });

  it('NELSON_7: fifteen within 1σ fires (1σ itself is within), fourteen or one outside not', () => {
    const within = Array.from({ length: 15 }, (_, i) => (i % 2 ? 0.5 : -1));
    expect(fires('NELSON_7', within)).toBe(true);
    expect(fires('NELSON_7', within.slice(1))).toBe(false);
    expect(fires('NELSON_7', [1.01, ...within.slice(1)])).toBe(false);
  });

  it('NELSON_8: eight beyond 1σ on either side fires, seven or one within not', () => {
    const out8 = [1.5, -1.5, 1.2, -2, 1.1, -1.1, 2.5, -1.3];
    expect(fires('NELSON_8', out8)).toBe(true);
    expect(fires('NELSON_8', out8.slice(1))).toBe(false);
    expect(fires('NELSON_8', [1, ...out8.slice(1)])).toBe(false);
  });

  it('evaluates a whole series and names each violation with its points', () => {
    const z = [0, 0.5, 3.5, 0, 0, 0, 0];
    const v = evaluateRunRules(['NELSON_1', 'NELSON_2'], z);
    expect(v).toEqual([{ rule: 'NELSON_1', at: 2, points: [2] }]);
    expect(violationsAt(['WE_1', 'NELSON_1'], z, 2).map((x) => x.rule)).toEqual(['WE_1', 'NELSON_1']);
  });

  it('refuses an unknown rule and a point outside the series', () => {
    expect(() => evaluateRunRules(['NELSON_9' as RunRule], [0])).toThrow(/unknown run rule NELSON_9/);
    expect(() => violationsAt(['NELSON_1'], [0], 3)).toThrow(/point 3 is outside the series of 1/);
  });
});
