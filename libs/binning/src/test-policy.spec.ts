import { DEFAULT_TEST_POLICY, sheetDisposition, validateTestPolicy } from './test-policy';

describe('test policy', () => {
  it('accepts whole retest counts and yield fractions, and names every problem', () => {
    expect(validateTestPolicy({ maxRetests: 2, yieldHoldBelow: 0.75 })).toEqual([]);
    expect(validateTestPolicy({ maxRetests: 0, yieldHoldBelow: 0 })).toEqual([]);
    expect(validateTestPolicy({ maxRetests: 1.5, yieldHoldBelow: 80 })).toEqual([
      { path: 'maxRetests', message: 'expected a whole number of retests from 0 to 10, got 1.5' },
      { path: 'yieldHoldBelow', message: 'expected a yield fraction from 0 to 1 (0.8 holds sheets below 80 %), got 80' },
    ]);
    expect(validateTestPolicy({ maxRetests: -1, yieldHoldBelow: Number.NaN }).map((i) => i.path)).toEqual(['maxRetests', 'yieldHoldBelow']);
    expect(validateTestPolicy({ maxRetests: 11, yieldHoldBelow: 0.5 }).map((i) => i.path)).toEqual(['maxRetests']);
  });

  it('keeps a sheet with rig faults at its test while retests are left', () => {
    const standing = { pass: 90, fail: 5, rigFault: 5, testsDone: 1 };
    expect(sheetDisposition(standing, DEFAULT_TEST_POLICY, 'T1')).toEqual({ kind: 'WAITS_FOR_RETEST', rigFault: 5 });
    expect(sheetDisposition({ ...standing, testsDone: 2 }, DEFAULT_TEST_POLICY, 'T2')).toMatchObject({
      kind: 'TRACKED_OUT',
      good: 90,
      reject: 10,
    });
    expect(sheetDisposition(standing, { maxRetests: 0, yieldHoldBelow: 0.8 }, 'T1').kind).toBe('TRACKED_OUT');
    expect(sheetDisposition({ ...standing, testsDone: 2 }, { maxRetests: 2, yieldHoldBelow: 0.8 }, 'T2').kind).toBe('WAITS_FOR_RETEST');
  });

  it('holds a sheet below the threshold with a reason naming the test, its yield and the threshold', () => {
    const low = { pass: 70, fail: 30, rigFault: 0, testsDone: 1 };
    expect(sheetDisposition(low, DEFAULT_TEST_POLICY, 'RIG7-0042')).toEqual({
      kind: 'HELD',
      yieldFraction: 0.7,
      good: 70,
      reject: 30,
      reason: 'Sheet test RIG7-0042: yield 70 % is below the threshold of 80 %',
    });
    expect(sheetDisposition(low, { maxRetests: 1, yieldHoldBelow: 0.65 }, 'x').kind).toBe('TRACKED_OUT');
    expect(sheetDisposition({ pass: 0, fail: 0, rigFault: 3, testsDone: 2 }, DEFAULT_TEST_POLICY, 'x').kind).toBe('HELD');
  });
});
