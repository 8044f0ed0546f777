import type { UnitLevel } from './master-data.entities';

/**
 * Why a list of steps is not a valid route, or null. Rolls come first (ROLL steps), then the sheets
 * cut from them (SHEET steps); the last ROLL step is where the roll is cut into sheets.
 */
export function routeProblem(steps: readonly { operation: string; level: UnitLevel }[]): string | null {
  if (steps.length === 0) return 'a route needs at least one step';
  if (steps[0].level !== 'ROLL') return `steps[0]: a route starts with a ROLL step (rolls are registered), got ${steps[0].level}`;
  const seen = new Set<string>();
  for (let i = 0; i < steps.length; i++) {
    if (seen.has(steps[i].operation)) return `steps[${i}]: operation ${steps[i].operation} appears twice`;
    seen.add(steps[i].operation);
    if (i > 0 && steps[i - 1].level === 'SHEET' && steps[i].level === 'ROLL') {
      return `steps[${i}]: ${steps[i].operation} is a ROLL step after SHEET steps; sheets cannot become a roll again`;
    }
  }
  return null;
}

/** The route step (1-based seq) at which rolls are cut into sheets, or null when the route has no sheet steps. */
export function cutStepSeq(steps: readonly { seq: number; level: UnitLevel }[]): number | null {
  const firstSheet = steps.find((s) => s.level === 'SHEET');
  return firstSheet ? firstSheet.seq - 1 : null;
}

/** A queue-time limit longer than this is a typing error, not an engineering limit. */
export const MAX_QUEUE_MINUTES = 43_200; // 30 days

/**
 * Why the queue-time settings of a route are wrong (with the index of the step at fault), or null.
 * A limit is whole minutes, at least one, and only on a step after a vacuum step: the time in air is
 * counted from the unit's last track-out at a vacuum step, so without one there is nothing to count from.
 */
export function queueTimeProblem(
  steps: readonly { operation: string; vacuum?: boolean | null; maxQueueMinutes?: number | null }[],
): { index: number; message: string } | null {
  let vacuumSeen = false;
  for (let i = 0; i < steps.length; i++) {
    const { operation, maxQueueMinutes: limit } = steps[i];
    if (limit !== undefined && limit !== null) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUEUE_MINUTES) {
        return {
          index: i,
          message: `steps[${i}]: ${operation} has maxQueueMinutes ${limit}; expected whole minutes from 1 to ${MAX_QUEUE_MINUTES}`,
        };
      }
      if (!vacuumSeen) {
        return {
          index: i,
          message: `steps[${i}]: ${operation} has maxQueueMinutes ${limit} but no step before it is a vacuum step to count the time in air from; mark that step vacuum: true or remove the limit`,
        };
      }
    }
    if (steps[i].vacuum) vacuumSeen = true;
  }
  return null;
}

/** Route steps (seq) at vacuum operations before step `seq`: where a queue time before `seq` may start. */
export function vacuumStepsBefore(steps: readonly { seq: number; vacuum: boolean }[], seq: number): number[] {
  return steps.filter((s) => s.vacuum && s.seq < seq).map((s) => s.seq);
}

/** Lithium melts at 180.5 °C (seed 001): a step hotter than this refuses FORMED units (reflow is 235 °C, seed 002). */
export const LITHIUM_MELT_GUARD_C = 180;

/** The operation whose track-out plates the lithium anode: the unit becomes FORMED. */
export const FORMATION = 'FORMATION';

/** Why a unit may not enter a step for its thermal budget, or null. */
export function thermalBudgetProblem(
  step: { operation: string; maxTemperatureC: number | null },
  state: 'AS_MADE' | 'FORMED',
): string | null {
  if (state !== 'FORMED' || step.maxTemperatureC === null || step.maxTemperatureC <= LITHIUM_MELT_GUARD_C) return null;
  return `${step.operation} reaches ${step.maxTemperatureC} °C and the unit is FORMED: its plated lithium melts at 180.5 °C (steps above ${LITHIUM_MELT_GUARD_C} °C take AS_MADE units only)`;
}
