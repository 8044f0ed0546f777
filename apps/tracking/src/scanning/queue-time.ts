import type { RollLink } from '@mes/geometry';
import type { UnitLevel } from '../master-data/master-data.entities';

/**
 * Queue time (docs/domain.md "Operations"): the time a unit spends in air between vacuum steps. A route
 * step may set `maxQueueMinutes`; at the unit's TRACK_IN there (the moment it goes back under
 * vacuum, ending the exposure) the time since its last TRACK_OUT at an earlier vacuum step is
 * measured in whole minutes (rounded down) against that limit.
 */

/** A unit whose scan history may hold the vacuum track-out; `generation` 0 is the unit itself. */
export interface QueueSource {
  kind: UnitLevel;
  id: string;
  generation: number;
}

/** The vacuum track-out a queue time counts from, as the database measured it at this scan. */
export interface VacuumExit {
  eventId: string;
  /** True when the track-out is the scanned unit's own (not its roll's or a parent roll's). */
  own: boolean;
  unitKind: UnitLevel;
  /** The barcode of the roll, when the track-out was a roll's. */
  rollBarcode: string | null;
  operation: string;
  stepSeq: number;
  at: Date;
  /** Whole minutes between that track-out and now (the scan's transaction time). */
  minutes: number;
  /** A queue-time hold for this unit, step and track-out was released with RELEASE: the exposure was accepted. */
  accepted: boolean;
}

/**
 * Where to look for a unit's vacuum track-outs, nearest first: the unit itself; for a sheet, the
 * roll it was cut from (coating before the cut happened on the roll); then the rolls that roll was
 * spliced or slit from (a spliced or slit roll carries on mid-route from its parents' step).
 */
export function queueSources(kind: UnitLevel, unitId: string, rollId: string, links: readonly RollLink[]): QueueSource[] {
  const sources: QueueSource[] = [{ kind, id: unitId, generation: 0 }];
  let generation = 0;
  let rolls = [rollId];
  if (kind === 'SHEET') sources.push({ kind: 'ROLL', id: rollId, generation: ++generation });
  const seen = new Set(rolls);
  while (rolls.length) {
    const parents = [...new Set(links.filter((l) => rolls.includes(l.childRollId)).map((l) => l.parentRollId))].filter((p) => !seen.has(p));
    if (!parents.length) break;
    generation++;
    for (const p of parents) {
      seen.add(p);
      sources.push({ kind: 'ROLL', id: p, generation });
    }
    rolls = parents;
  }
  return sources;
}

/**
 * The hold reason when the queue time before `step` is exceeded, or null when the unit may go on:
 * no limit, nothing to count from (no vacuum track-out in its history), within the limit, or this
 * very exposure was already held and released with RELEASE (an engineer accepted it).
 */
export function queueTimeHoldReason(
  step: { seq: number; operation: string; maxQueueMinutes: number | null },
  exit: VacuumExit | null,
): string | null {
  if (step.maxQueueMinutes === null || exit === null) return null;
  if (exit.minutes <= step.maxQueueMinutes || exit.accepted) return null;
  const who = exit.own ? 'it' : `its source roll ${exit.rollBarcode}`;
  return (
    `Queue time exceeded before ${step.operation} (route step ${step.seq}): ${exit.minutes} min in air since ${who} left vacuum step ` +
    `${exit.operation} (route step ${exit.stepSeq}) at ${exit.at.toISOString()}; limit ${step.maxQueueMinutes} min`
  );
}
