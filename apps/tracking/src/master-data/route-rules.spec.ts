import { queueTimeProblem, vacuumStepsBefore } from './route-rules';

describe('queue-time route rules', () => {
  const steps = [
    { operation: 'LCO_DEPOSITION', vacuum: true },
    { operation: 'LCO_ANNEAL' },
    { operation: 'LIPON_DEPOSITION', vacuum: true },
    { operation: 'INTERLAYER', vacuum: true, maxQueueMinutes: 120 },
    { operation: 'NEG_COLLECTOR', vacuum: true, maxQueueMinutes: 60 },
  ];

  it('accepts limits after a vacuum step, and routes without any', () => {
    expect(queueTimeProblem(steps)).toBeNull();
    expect(queueTimeProblem([{ operation: 'A_OP' }, { operation: 'B_OP', maxQueueMinutes: null }])).toBeNull();
  });

  it('refuses a limit with no vacuum step before it, naming the step (its own vacuum flag does not count)', () => {
    expect(queueTimeProblem([{ operation: 'A_OP' }, { operation: 'B_OP', vacuum: true, maxQueueMinutes: 30 }])).toEqual({
      index: 1,
      message:
        'steps[1]: B_OP has maxQueueMinutes 30 but no step before it is a vacuum step to count the time in air from; mark that step vacuum: true or remove the limit',
    });
  });

  it('refuses limits that are not whole positive minutes up to 30 days', () => {
    for (const bad of [0, -5, 1.5, 43_201]) {
      expect(
        queueTimeProblem([
          { operation: 'A_OP', vacuum: true },
          { operation: 'B_OP', maxQueueMinutes: bad },
        ]),
      ).toEqual({
        index: 1,
        message: `steps[1]: B_OP has maxQueueMinutes ${bad}; expected whole minutes from 1 to 43200`,
      });
    }
  });

  it('lists the vacuum steps before a step', () => {
    const seq = steps.map((s, i) => ({ seq: i + 1, vacuum: s.vacuum ?? false }));
    expect(vacuumStepsBefore(seq, 4)).toEqual([1, 3]);
    expect(vacuumStepsBefore(seq, 1)).toEqual([]);
  });
});
