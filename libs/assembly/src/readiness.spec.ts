import { singulationProblem } from './readiness';

const base = { sheet: 'S-1', cols: 3, maxRetests: 1 };
const done = (id: string) => ({ testId: id, status: 'DONE' });

describe('singulation interlock', () => {
  it('lets a fully binned sheet through, untested cells included', () => {
    expect(singulationProblem({ ...base, tests: [done('t1')], softBins: [1, 2, 12, null, 1, 1] })).toBeNull();
  });

  it('refuses a sheet never tested, or whose test is still binning or failed', () => {
    expect(singulationProblem({ ...base, tests: [], softBins: [null, null] })).toBe(
      'sheet S-1 has never been tested: every sheet is tested at SHEET_TEST before singulation',
    );
    expect(singulationProblem({ ...base, tests: [done('t1'), { testId: 't2', status: 'BINNING' }], softBins: [1] })).toBe(
      'test t2 of sheet S-1 is still BINNING: wait until its cells have their results',
    );
    expect(singulationProblem({ ...base, tests: [{ testId: 't1', status: 'FAILED' }], softBins: [null] })).toMatch(/failed to bin \(t1\)/);
  });

  it('refuses while rig-fault cells wait for a retest, naming them, and not once the retests are used up', () => {
    expect(singulationProblem({ ...base, tests: [done('t1')], softBins: [1, 0, 1, 0, 1, 1] })).toBe(
      '2 cell(s) of sheet S-1 wait for a retest after a rig fault (soft bin 0): (0, 1), (1, 0); 0 of 1 retest(s) done',
    );
    expect(singulationProblem({ ...base, tests: [done('t1'), done('t2')], softBins: [1, 0, 1] })).toBeNull();
  });
});
