import { armAt, experimentArmProblems, type ExperimentArm } from './index';

const arm = (condition: string, mdStartMm: number, mdEndMm: number): ExperimentArm => ({ condition, mdStartMm, mdEndMm });

describe('experimentArmProblems', () => {
  it('accepts arms with repeated conditions, adjacent regions and gaps', () => {
    const arms = [arm('A', 0, 1000), arm('B', 1000, 2000), arm('A', 2500, 3000), arm('B', 3000, 5000)];
    expect(experimentArmProblems(arms, 5000)).toEqual([]);
  });

  it('requires at least two arms and two distinct conditions', () => {
    expect(experimentArmProblems([arm('A', 0, 10)], 100)).toEqual([
      { path: 'arms', message: 'expected at least 2 arms (an experiment compares conditions), got 1' },
    ]);
    expect(experimentArmProblems([arm('A', 0, 10), arm(' A', 10, 20)], 100, 'experiment.arms')).toEqual([
      { path: 'experiment.arms', message: 'expected at least 2 distinct conditions, got only "A"' },
    ]);
  });

  it('checks each region against the roll', () => {
    const arms = [arm('', 0, 10), arm('B', -1, 10), arm('C', 20, 20), arm('D', 30, 101), arm('E', 0, NaN)];
    expect(experimentArmProblems(arms, 100)).toEqual([
      { path: 'arms[0].condition', message: 'expected a non-blank string of at most 100 characters, got string ""' },
      { path: 'arms[1].mdStartMm', message: 'expected a finite number >= 0 mm, got -1' },
      { path: 'arms[2].mdEndMm', message: 'expected a finite number > mdStartMm 20, got 20' },
      { path: 'arms[3].mdEndMm', message: 'expected at most the roll length 100 mm, got 101' },
      { path: 'arms[4].mdEndMm', message: 'expected a finite number > mdStartMm 0, got NaN' },
    ]);
    expect(experimentArmProblems([arm('A', 0, 10), arm('B', 10, 20)], 0)).toEqual([
      { path: 'rollLengthMm', message: 'expected a roll length > 0 mm, got 0' },
    ]);
  });

  it('names both overlapping arms, also when one is nested in an earlier long one', () => {
    const arms = [arm('B', 500, 900), arm('A', 0, 1000), arm('C', 950, 1200), arm('D', 1200, 1300)];
    expect(experimentArmProblems(arms, 2000)).toEqual([
      { path: 'arms[1]', message: 'expected arms not to overlap, got [0, 1000) overlapping arms[0] [500, 900)' },
      { path: 'arms[2]', message: 'expected arms not to overlap, got [950, 1200) overlapping arms[1] [0, 1000)' },
    ]);
  });

  it('reports wrong shapes instead of throwing', () => {
    expect(experimentArmProblems(null as unknown as ExperimentArm[], 10)).toEqual([
      { path: 'arms', message: 'expected an array of experiment arms, got null' },
    ]);
    expect(experimentArmProblems([3, arm('A', 0, 1)] as unknown as ExperimentArm[], 10)[0]).toEqual({
      path: 'arms[0]',
      message: 'expected an object { condition, mdStartMm, mdEndMm }, got 3',
    });
  });
});

describe('armAt', () => {
  const arms = [arm('A', 0, 1000), arm('B', 1000, 2000)];
  it('returns the arm containing the whole interval', () => {
    expect(armAt(arms, { startMm: 0, endMm: 1000 })).toBe(arms[0]);
    expect(armAt(arms, { startMm: 1500, endMm: 1600 })).toBe(arms[1]);
  });
  it('returns null for an interval spanning two arms or outside every arm', () => {
    expect(armAt(arms, { startMm: 990, endMm: 1010 })).toBeNull();
    expect(armAt(arms, { startMm: 1990, endMm: 2010 })).toBeNull();
    expect(armAt([], { startMm: 0, endMm: 1 })).toBeNull();
  });
});
