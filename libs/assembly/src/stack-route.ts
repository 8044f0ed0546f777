/**
 * A stack's own route after singulation: built at STACKING, formed at FORMATION, tested at
 * STACK_TEST, each reached by a scan at a station of that operation. The stack is AS_MADE until it
 * leaves FORMATION (the formation cycles plate its lithium anode), then FORMED; a step hotter than
 * the lithium guard refuses a FORMED stack, as tracking's thermal budget does for rolls and sheets.
 */

export type ElectrochemicalState = 'AS_MADE' | 'FORMED';

export interface StackRouteStep {
  operation: string;
  /** The hottest the step gets (°C); null where it stays near room temperature. */
  maxTemperatureC: number | null;
}

export const STACKING = 'STACKING';
export const FORMATION = 'FORMATION';
export const STACK_TEST = 'STACK_TEST';

/** The demo stack route; formation and the final test run at room temperature. */
export const STACK_ROUTE: readonly StackRouteStep[] = [
  { operation: STACKING, maxTemperatureC: null },
  { operation: FORMATION, maxTemperatureC: null },
  { operation: STACK_TEST, maxTemperatureC: null },
];

/** Lithium melts at 180.5 °C: a step hotter than this takes AS_MADE stacks only (reflow is 235 °C). */
export const LITHIUM_MELT_GUARD_C = 180;

export interface StackOnRoute {
  barcode: string;
  step: string;
  state: ElectrochemicalState;
  status: 'BUILDING' | 'BUILT' | 'TESTED' | 'SCRAPPED';
  /** The final-test bin (PASS, OPEN_LAYER, ...); null until tested. */
  bin?: string | null;
  layers: number;
  layersPlanned: number;
  /** The first active hold reaching the stack through a layer, if any. */
  hold: { id: string; reason: string; cellCode: string } | null;
}

export type StackScanRefusalReason = 'SCRAPPED' | 'ON_HOLD' | 'WRONG_ORDER' | 'STACK_INCOMPLETE' | 'NOT_PASSED' | 'THERMAL_BUDGET';

export type StackScanOutcome =
  { ok: true; moved: boolean; step: string; state: ElectrochemicalState } | { ok: false; reason: StackScanRefusalReason; message: string };

/**
 * Where a scan at a station of `operation` takes the stack. A scan at the step the stack is at
 * changes nothing (a repeated press); otherwise only the next step of the route is allowed.
 */
export function scanStack(route: readonly StackRouteStep[], stack: StackOnRoute, operation: string): StackScanOutcome {
  const at = route.findIndex((s) => s.operation === stack.step);
  const to = route.findIndex((s) => s.operation === operation);
  if (stack.status === 'SCRAPPED')
    return { ok: false, reason: 'SCRAPPED', message: `Stack ${stack.barcode} was scrapped: it goes nowhere` };
  if (to === at) return { ok: true, moved: false, step: stack.step, state: stack.state };
  if (stack.hold)
    return {
      ok: false,
      reason: 'ON_HOLD',
      message: `Stack ${stack.barcode} is on hold: ${stack.hold.reason} (hold ${stack.hold.id} on layer ${stack.hold.cellCode}); an engineer must release it first`,
    };
  const order = route.map((s) => s.operation).join(' → ');
  if (to < 0)
    return {
      ok: false,
      reason: 'WRONG_ORDER',
      message: `${operation} is not a step of the stack route (${order}); scan stack ${stack.barcode} at a ${route[at + 1]?.operation ?? route[at].operation} station`,
    };
  if (to !== at + 1)
    return {
      ok: false,
      reason: 'WRONG_ORDER',
      message: `Stack ${stack.barcode} is at ${stack.step}; its next step is ${route[at + 1]?.operation ?? 'none (the route is done)'}, not ${operation} (route ${order})`,
    };
  if (stack.step === STACKING && stack.status === 'BUILDING')
    return {
      ok: false,
      reason: 'STACK_INCOMPLETE',
      message: `Stack ${stack.barcode} has ${stack.layers} of its ${stack.layersPlanned} layers: finish building it before it leaves ${STACKING}`,
    };
  // Only a stack that passed its final test goes on to the steps after it (packaging, reflow, shipping).
  if (stack.step === STACK_TEST && (stack.status !== 'TESTED' || stack.bin !== 'PASS'))
    return {
      ok: false,
      reason: 'NOT_PASSED',
      message:
        stack.status === 'TESTED'
          ? `Stack ${stack.barcode} failed its final test (${stack.bin}): it does not leave ${STACK_TEST}`
          : `Stack ${stack.barcode} has no final test yet: test it at ${STACK_TEST} before it goes on to ${operation}`,
    };
  // Leaving formation: the stack is formed.
  const state: ElectrochemicalState = stack.step === FORMATION ? 'FORMED' : stack.state;
  const step = route[to];
  if (state === 'FORMED' && step.maxTemperatureC !== null && step.maxTemperatureC > LITHIUM_MELT_GUARD_C)
    return {
      ok: false,
      reason: 'THERMAL_BUDGET',
      message: `${step.operation} reaches ${step.maxTemperatureC} °C and stack ${stack.barcode} is FORMED: its plated lithium melts at 180.5 °C (steps above ${LITHIUM_MELT_GUARD_C} °C take AS_MADE stacks only)`,
    };
  return { ok: true, moved: true, step: step.operation, state };
}

/** Hottest a step may be declared (°C): above any process a stack sees; a typo like 2350 is refused. */
export const MAX_STEP_TEMPERATURE_C = 400;

/**
 * What is wrong with a stack product's route, each problem with its path (empty when none): it
 * starts at STACKING and holds STACK_TEST, no operation twice, every operation has a station
 * (`stationOperations`: the operations the line's stations perform), temperatures are plausible,
 * and no step hotter than the lithium guard comes after FORMATION (every stack would stop there).
 */
export function stackRouteProblems(
  route: readonly StackRouteStep[],
  stationOperations: ReadonlySet<string>,
  path = 'route',
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (route.length === 0) return [{ path, message: `expected at least ${STACKING} and ${STACK_TEST}` }];
  if (route[0].operation !== STACKING)
    problems.push({
      path: `${path}[0].operation`,
      message: `expected ${STACKING} first (a stack is started and built there), got ${route[0].operation}`,
    });
  if (!route.some((s) => s.operation === STACK_TEST))
    problems.push({ path, message: `expected a ${STACK_TEST} step: every stack gets its final test` });
  const seen = new Set<string>();
  let formedFrom = -1;
  route.forEach((s, i) => {
    if (seen.has(s.operation)) problems.push({ path: `${path}[${i}].operation`, message: `${s.operation} is on the route twice` });
    seen.add(s.operation);
    if (!stationOperations.has(s.operation))
      problems.push({
        path: `${path}[${i}].operation`,
        message: `no station performs ${s.operation}: expected an operation of a station of the line`,
      });
    const t = s.maxTemperatureC;
    if (t !== null && !(Number.isFinite(t) && t >= -80 && t <= MAX_STEP_TEMPERATURE_C))
      problems.push({ path: `${path}[${i}].maxTemperatureC`, message: `expected -80 to ${MAX_STEP_TEMPERATURE_C} °C or null, got ${t}` });
    else if (formedFrom >= 0 && t !== null && t > LITHIUM_MELT_GUARD_C)
      problems.push({
        path: `${path}[${i}].maxTemperatureC`,
        message: `${s.operation} at ${t} °C comes after ${FORMATION}: every stack is FORMED by then and would be refused (lithium melts at 180.5 °C); put it before ${FORMATION} or keep it at ${LITHIUM_MELT_GUARD_C} °C or below`,
      });
    if (s.operation === FORMATION) formedFrom = i;
  });
  return problems;
}
