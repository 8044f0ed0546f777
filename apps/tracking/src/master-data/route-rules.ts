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
