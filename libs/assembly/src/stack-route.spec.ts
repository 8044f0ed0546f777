import { scanStack, STACK_ROUTE, type StackOnRoute } from './stack-route';

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
});
