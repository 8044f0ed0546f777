import { describeValue } from './problems';

/** SEMI E10 equipment states. */
export type E10State = 'PRODUCTIVE' | 'STANDBY' | 'ENGINEERING' | 'SCHEDULED_DOWN' | 'UNSCHEDULED_DOWN' | 'NON_SCHEDULED';

export const E10_STATES: readonly E10State[] = Object.freeze([
  'PRODUCTIVE',
  'STANDBY',
  'ENGINEERING',
  'SCHEDULED_DOWN',
  'UNSCHEDULED_DOWN',
  'NON_SCHEDULED',
] as const);

const isE10State = (s: unknown): s is E10State => (E10_STATES as readonly unknown[]).includes(s);

/**
 * Any change of state is allowed except staying in the same state (nothing to record) and going
 * straight from UNSCHEDULED_DOWN to PRODUCTIVE: a repaired tool is qualified first, in STANDBY (a
 * qualification run is an ENGINEERING run) or ENGINEERING, before it makes product again.
 */
export function e10TransitionProblem(from: E10State, to: E10State): string | null {
  for (const s of [from, to]) {
    if (!isE10State(s)) return `expected an E10 state (${E10_STATES.join(', ')}), got ${describeValue(s)}`;
  }
  if (from === to) return `the equipment is already ${from}`;
  if (from === 'UNSCHEDULED_DOWN' && to === 'PRODUCTIVE') {
    return 'equipment cannot go from UNSCHEDULED_DOWN straight to PRODUCTIVE; expected STANDBY or ENGINEERING first, so the repaired tool is qualified';
  }
  return null;
}

/** Runs start from STANDBY or PRODUCTIVE; experiment runs also from ENGINEERING. */
export function runStartProblem(state: E10State, opts: { experiment: boolean }): string | null {
  if (state === 'STANDBY' || state === 'PRODUCTIVE') return null;
  if (state === 'ENGINEERING' && opts.experiment) return null;
  if (state === 'ENGINEERING') {
    return 'the equipment is in ENGINEERING; only experiment runs start there (expected STANDBY or PRODUCTIVE for a production run)';
  }
  return `the equipment is in ${isE10State(state) ? state : describeValue(state)}; expected STANDBY or PRODUCTIVE${opts.experiment ? ' (or ENGINEERING for an experiment run)' : ''} to start a run`;
}

/**
 * A sputter target (or other consumable rated in kWh) is spent once the energy put through it
 * reaches its rated life; null life means no limit is tracked.
 */
export function targetLifeProblem(consumedKwh: number, lifeKwh: number | null): string | null {
  if (!(Number.isFinite(consumedKwh) && consumedKwh >= 0)) return `expected consumed energy >= 0 kWh, got ${describeValue(consumedKwh)}`;
  if (lifeKwh === null || lifeKwh === undefined) return null;
  if (!(Number.isFinite(lifeKwh) && lifeKwh > 0)) return `expected a target life > 0 kWh, got ${describeValue(lifeKwh)}`;
  if (consumedKwh >= lifeKwh) {
    return `the target is spent: ${round(consumedKwh)} kWh used of a ${round(lifeKwh)} kWh life; expected less than its life (replace the target)`;
  }
  return null;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
