import { scanStack, STACK_ROUTE, stackRouteProblems, type StackOnRoute } from './stack-route';

const built: StackOnRoute = {
  barcode: 'STK-1',
  step: 'STACKING',
  state: 'AS_MADE',
  status: 'BUILT',
  layers: 8,
  layersPlanned: 8,
  hold: null,
};

describe('the stack route', () => {
  it('goes STACKING → FORMATION → STACK_TEST, FORMED once it leaves formation', () => {
    const formation = scanStack(STACK_ROUTE, built, 'FORMATION');
    expect(formation).toEqual({ ok: true, moved: true, step: 'FORMATION', state: 'AS_MADE' });
    const test = scanStack(STACK_ROUTE, { ...built, step: 'FORMATION' }, 'STACK_TEST');
    expect(test).toEqual({ ok: true, moved: true, step: 'STACK_TEST', state: 'FORMED' });
    // A repeated scan where the stack is changes nothing.
    expect(scanStack(STACK_ROUTE, { ...built, step: 'FORMATION' }, 'FORMATION')).toEqual({
      ok: true,
      moved: false,
      step: 'FORMATION',
      state: 'AS_MADE',
    });
  });

  it('refuses a step out of order, and an operation not on the route', () => {
    expect(scanStack(STACK_ROUTE, built, 'STACK_TEST')).toEqual({
      ok: false,
      reason: 'WRONG_ORDER',
      message: 'Stack STK-1 is at STACKING; its next step is FORMATION, not STACK_TEST (route STACKING → FORMATION → STACK_TEST)',
    });
    expect(scanStack(STACK_ROUTE, { ...built, step: 'STACK_TEST', state: 'FORMED' }, 'FORMATION')).toMatchObject({
      ok: false,
      reason: 'WRONG_ORDER',
    });
    expect(scanStack(STACK_ROUTE, built, 'SHEET_TEST')).toEqual({
      ok: false,
      reason: 'WRONG_ORDER',
      message: 'SHEET_TEST is not a step of the stack route (STACKING → FORMATION → STACK_TEST); scan stack STK-1 at a FORMATION station',
    });
  });

  it('refuses an incomplete stack, a stack on hold and a scrapped one', () => {
    expect(scanStack(STACK_ROUTE, { ...built, status: 'BUILDING', layers: 5 }, 'FORMATION')).toEqual({
      ok: false,
      reason: 'STACK_INCOMPLETE',
      message: 'Stack STK-1 has 5 of its 8 layers: finish building it before it leaves STACKING',
    });
    expect(
      scanStack(STACK_ROUTE, { ...built, hold: { id: '9', reason: 'LCO rate excursion', cellCode: 'S-1-R0C0' } }, 'FORMATION'),
    ).toEqual({
      ok: false,
      reason: 'ON_HOLD',
      message: 'Stack STK-1 is on hold: LCO rate excursion (hold 9 on layer S-1-R0C0); an engineer must release it first',
    });
    expect(scanStack(STACK_ROUTE, { ...built, status: 'SCRAPPED' }, 'FORMATION')).toMatchObject({ ok: false, reason: 'SCRAPPED' });
  });

  it('keeps a FORMED stack out of a step above 180 °C, and lets an AS_MADE one in', () => {
    const withReflow = [
      { operation: 'STACKING', maxTemperatureC: null },
      { operation: 'REFLOW', maxTemperatureC: 235 },
      { operation: 'FORMATION', maxTemperatureC: null },
      { operation: 'ENCAPSULATION', maxTemperatureC: 235 },
      { operation: 'CURE', maxTemperatureC: 180 },
    ];
    expect(scanStack(withReflow, built, 'REFLOW')).toEqual({ ok: true, moved: true, step: 'REFLOW', state: 'AS_MADE' });
    expect(scanStack(withReflow, { ...built, step: 'FORMATION' }, 'ENCAPSULATION')).toEqual({
      ok: false,
      reason: 'THERMAL_BUDGET',
      message:
        'ENCAPSULATION reaches 235 °C and stack STK-1 is FORMED: its plated lithium melts at 180.5 °C (steps above 180 °C take AS_MADE stacks only)',
    });
    // 180 °C is at the guard, not above it.
    const cure = [withReflow[2], withReflow[4]];
    expect(scanStack(cure, { ...built, step: 'FORMATION' }, 'CURE')).toEqual({ ok: true, moved: true, step: 'CURE', state: 'FORMED' });
  });

  it('lets only a stack that passed its final test go on to the steps after it', () => {
    const route = [...STACK_ROUTE, { operation: 'PACKAGING', maxTemperatureC: 150 }];
    const atTest = { ...built, step: 'STACK_TEST', state: 'FORMED' as const };
    expect(scanStack(route, atTest, 'PACKAGING')).toEqual({
      ok: false,
      reason: 'NOT_PASSED',
      message: 'Stack STK-1 has no final test yet: test it at STACK_TEST before it goes on to PACKAGING',
    });
    expect(scanStack(route, { ...atTest, status: 'TESTED', bin: 'OPEN_LAYER' }, 'PACKAGING')).toEqual({
      ok: false,
      reason: 'NOT_PASSED',
      message: 'Stack STK-1 failed its final test (OPEN_LAYER): it does not leave STACK_TEST',
    });
    expect(scanStack(route, { ...atTest, status: 'TESTED', bin: 'PASS' }, 'PACKAGING')).toEqual({
      ok: true,
      moved: true,
      step: 'PACKAGING',
      state: 'FORMED',
    });
  });
});

describe('a stack product route', () => {
  const stations = new Set(['STACKING', 'REFLOW', 'FORMATION', 'STACK_TEST', 'PACKAGING']);
  const step = (operation: string, maxTemperatureC: number | null = null) => ({ operation, maxTemperatureC });

  it('takes the demo route and a reflow before formation', () => {
    expect(stackRouteProblems(STACK_ROUTE, stations)).toEqual([]);
    expect(stackRouteProblems([step('STACKING'), step('REFLOW', 235), step('FORMATION'), step('STACK_TEST')], stations)).toEqual([]);
  });

  it('refuses a hot step after formation, saying where and why', () => {
    expect(stackRouteProblems([step('STACKING'), step('FORMATION'), step('STACK_TEST'), step('REFLOW', 235)], stations)).toEqual([
      {
        path: 'route[3].maxTemperatureC',
        message:
          'REFLOW at 235 °C comes after FORMATION: every stack is FORMED by then and would be refused (lithium melts at 180.5 °C); put it before FORMATION or keep it at 180 °C or below',
      },
    ]);
    // At the guard is allowed.
    expect(stackRouteProblems([step('STACKING'), step('FORMATION'), step('STACK_TEST'), step('PACKAGING', 180)], stations)).toEqual([]);
  });

  it('refuses a route that does not start at stacking, lacks the final test, repeats a step, names an unknown operation or an absurd temperature', () => {
    expect(stackRouteProblems([], stations)).toEqual([{ path: 'route', message: 'expected at least STACKING and STACK_TEST' }]);
    expect(stackRouteProblems([step('FORMATION'), step('STACKING')], stations).map((p) => p.path)).toEqual(['route[0].operation', 'route']);
    expect(stackRouteProblems([step('STACKING'), step('STACK_TEST'), step('STACK_TEST')], stations)).toEqual([
      { path: 'route[2].operation', message: 'STACK_TEST is on the route twice' },
    ]);
    expect(stackRouteProblems([step('STACKING'), step('LASER_MARK'), step('STACK_TEST')], stations)).toEqual([
      { path: 'route[1].operation', message: 'no station performs LASER_MARK: expected an operation of a station of the line' },
    ]);
    expect(stackRouteProblems([step('STACKING', 2350), step('STACK_TEST', NaN)], stations)).toEqual([
      { path: 'route[0].maxTemperatureC', message: 'expected -80 to 400 °C or null, got 2350' },
      { path: 'route[1].maxTemperatureC', message: 'expected -80 to 400 °C or null, got NaN' },
    ]);
  });
});
