import { validateStackTestBody } from './stack-test-body';

const good = { testId: 'STR1-0001', stack: 'STK-0001', ocvV: 0.4, frequenciesHz: [1000, 100, 10], zReOhm: [5, 6, 9], zImOhm: [-1, -2, -3] };

describe('stack test body', () => {
  it('takes a good body as it is', () => {
    expect(validateStackTestBody(good)).toEqual({ ok: true, value: good });
  });

  it('lists every problem with its path', () => {
    const v = validateStackTestBody({
      ...good,
      testId: 'has space',
      ocvV: 7,
      frequenciesHz: [1000, 1000, -1],
      zReOhm: [1, 2],
      zImOhm: [0, 'x', 0],
      extra: 1,
    });
    expect(v).toEqual({
      ok: false,
      problems: [
        { path: 'extra', message: 'unknown field; the body has only testId, stack, ocvV, frequenciesHz, zReOhm, zImOhm' },
        { path: 'testId', message: 'expected 1-64 characters of [A-Za-z0-9._:-], got the string "has space"' },
        { path: 'ocvV', message: 'expected a number of volts from -1 to 6, got number 7' },
        { path: 'frequenciesHz[1]', message: '1000 Hz is listed twice; expected distinct frequencies' },
        { path: 'frequenciesHz[2]', message: 'expected a positive number of hertz, got number -1' },
        { path: 'zReOhm', message: 'expected 3 values (one per frequency), got 2' },
        { path: 'zImOhm[1]', message: 'expected a finite number of ohms, got the string "x"' },
      ],
    });
  });

  it('refuses what is not an object, and missing fields', () => {
    expect(validateStackTestBody([1])).toEqual({
      ok: false,
      problems: [{ path: '', message: 'expected a JSON object with testId, stack, ocvV, frequenciesHz, zReOhm, zImOhm, got an array' }],
    });
    const v = validateStackTestBody({ testId: 'T1' });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.problems.map((p) => p.path)).toEqual(['stack', 'ocvV', 'frequenciesHz', 'zReOhm', 'zImOhm']);
    expect(validateStackTestBody({ ...good, frequenciesHz: [1, 2] })).toMatchObject({
      ok: false,
      problems: [{ path: 'frequenciesHz', message: 'expected an array of 3 to 200 frequencies, got 2 values' }],
    });
  });
});
