import { E10_STATES, e10TransitionProblem, runStartProblem, targetLifeProblem, type E10State } from './index';

describe('e10TransitionProblem', () => {
  it('allows every change except to the same state and UNSCHEDULED_DOWN straight to PRODUCTIVE', () => {
    const refused = E10_STATES.flatMap((from) =>
      E10_STATES.filter((to) => e10TransitionProblem(from, to) !== null).map((to) => `${from}->${to}`),
    );
    expect(new Set(refused)).toEqual(new Set([...E10_STATES.map((s) => `${s}->${s}`), 'UNSCHEDULED_DOWN->PRODUCTIVE']));
    expect(e10TransitionProblem('UNSCHEDULED_DOWN', 'PRODUCTIVE')).toMatch(/expected STANDBY or ENGINEERING first/);
    expect(e10TransitionProblem('UNSCHEDULED_DOWN', 'ENGINEERING')).toBeNull();
    expect(e10TransitionProblem('STANDBY', 'STANDBY')).toBe('the equipment is already STANDBY');
    expect(e10TransitionProblem('IDLE' as E10State, 'STANDBY')).toMatch(/^expected an E10 state \(PRODUCTIVE, .*\), got string "IDLE"$/);
  });
});

describe('runStartProblem', () => {
  it('starts runs from STANDBY or PRODUCTIVE, experiments also from ENGINEERING', () => {
    const startable = (experiment: boolean) => E10_STATES.filter((s) => runStartProblem(s, { experiment }) === null);
    expect(startable(false)).toEqual(['PRODUCTIVE', 'STANDBY']);
    expect(startable(true)).toEqual(['PRODUCTIVE', 'STANDBY', 'ENGINEERING']);
  });

  it('names the state in the refusal', () => {
    expect(runStartProblem('ENGINEERING', { experiment: false })).toBe(
      'the equipment is in ENGINEERING; only experiment runs start there (expected STANDBY or PRODUCTIVE for a production run)',
    );
    expect(runStartProblem('SCHEDULED_DOWN', { experiment: false })).toBe(
      'the equipment is in SCHEDULED_DOWN; expected STANDBY or PRODUCTIVE to start a run',
    );
    expect(runStartProblem('UNSCHEDULED_DOWN', { experiment: true })).toBe(
      'the equipment is in UNSCHEDULED_DOWN; expected STANDBY or PRODUCTIVE (or ENGINEERING for an experiment run) to start a run',
    );
  });
});

describe('targetLifeProblem', () => {
  it('refuses once the consumed energy reaches the life', () => {
    expect(targetLifeProblem(0, 100)).toBeNull();
    expect(targetLifeProblem(99.999, 100)).toBeNull();
    expect(targetLifeProblem(100, 100)).toBe(
      'the target is spent: 100 kWh used of a 100 kWh life; expected less than its life (replace the target)',
    );
    expect(targetLifeProblem(1e6, null)).toBeNull();
  });

  it('refuses nonsense numbers', () => {
    expect(targetLifeProblem(-1, 100)).toBe('expected consumed energy >= 0 kWh, got -1');
    expect(targetLifeProblem(NaN, null)).toBe('expected consumed energy >= 0 kWh, got NaN');
    expect(targetLifeProblem(1, 0)).toBe('expected a target life > 0 kWh, got 0');
  });
});
