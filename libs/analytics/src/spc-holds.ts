/**
 * Which holds the SPC events of one landed sheet need: one hold per roll region per landing, and none
 * where an active SPC hold of the product already covers the region.
 *
 * "Same region" is decided by cover, not by an exact MD range: a region is held already when a hold on
 * the same roll spans its whole MD range (mdFrom ≤ its from and mdTo ≥ its to). The rules of one chart
 * look back over different windows (Nelson 1 one sheet, WE 2 three, Nelson 2 nine), so the events of
 * one sheet cover nested ranges that all end at the sheet: exact ranges would still give one hold per
 * rule. A region that only overlaps a hold gets a hold of its own over its whole range (tracking's
 * holds are plain MD ranges; holding the uncovered rest only would split one violation over holds).
 * A region of sheets without an MD position is a sheet, covered only by a hold on that sheet.
 */

/** A stretch of material an event must have held: an MD range of a roll, or one sheet whose MD is unknown. */
export interface HoldRegion {
  roll: string;
  /** Null for a sheet hold. */
  mdFromMm: number | null;
  mdToMm: number | null;
  /** Set for a sheet hold (its MD position is unknown), null for an MD region. */
  sheet: string | null;
}

/** A hold placed in tracking, with the material it holds. */
export interface PlacedHold extends HoldRegion {
  holdId: string;
}

/** A point of a violation, as an event records it. */
export interface ViolationPoint {
  sheet: string;
  roll: string;
  mdFromMm: number | null;
  mdToMm: number | null;
}

/**
 * The regions a violation covers: per roll, from the first to the last of its points' sheets; the
 * sheets themselves on a roll where any of its points has no MD position.
 */
export function violationRegions(points: ViolationPoint[]): HoldRegion[] {
  const byRoll = new Map<string, ViolationPoint[]>();
  for (const p of points) byRoll.set(p.roll, [...(byRoll.get(p.roll) ?? []), p]);
  const out: HoldRegion[] = [];
  for (const [roll, ps] of byRoll) {
    if (ps.every((p) => p.mdFromMm !== null && p.mdToMm !== null)) {
      out.push({
        roll,
        mdFromMm: Math.min(...ps.map((p) => p.mdFromMm as number)),
        mdToMm: Math.max(...ps.map((p) => p.mdToMm as number)),
        sheet: null,
      });
    } else {
      for (const sheet of new Set(ps.map((p) => p.sheet))) out.push({ roll, mdFromMm: null, mdToMm: null, sheet });
    }
  }
  return out;
}

/**
 * What an event's hold is recorded under: one per (event, roll) for an MD region, one per (event,
 * sheet) for sheets without an MD position. A retried job places exactly the keys an event lacks.
 */
export function regionKey(r: Pick<HoldRegion, 'roll' | 'sheet'>): string {
  return r.sheet === null || r.sheet === undefined ? `roll:${r.roll}` : `sheet:${r.roll}/${r.sheet}`;
}

/** Whether the hold holds all of the region. */
export function holdCovers(hold: HoldRegion, region: HoldRegion): boolean {
  if (hold.roll !== region.roll) return false;
  if (region.sheet !== null) return hold.sheet === region.sheet;
  if (hold.sheet !== null || hold.mdFromMm === null || hold.mdToMm === null) return false;
  return hold.mdFromMm <= (region.mdFromMm as number) && hold.mdToMm >= (region.mdToMm as number);
}

export interface HoldPlan<E> {
  /** Regions an active hold already covers: the event joins that hold. */
  joins: Array<{ event: E; region: HoldRegion; hold: PlacedHold }>;
  /** New holds, each with the events' regions it covers (its own region is the widest of them). */
  place: Array<{ region: HoldRegion; members: Array<{ event: E; region: HoldRegion }> }>;
}

/**
 * One landing's holds: each wanted (event, region) joins an active hold covering it, else a new hold
 * of this landing covering it, else becomes a new hold. Widest regions first, so a narrower one of the
 * same landing (Nelson 1 at the sheet inside WE 2's three sheets) joins the wider hold.
 */
export function planHolds<E>(wanted: Array<{ event: E; region: HoldRegion }>, active: PlacedHold[]): HoldPlan<E> {
  const width = (r: HoldRegion) => (r.sheet === null ? (r.mdToMm as number) - (r.mdFromMm as number) : 0);
  const ordered = [...wanted].sort(
    (a, b) =>
      (a.region.roll < b.region.roll ? -1 : a.region.roll > b.region.roll ? 1 : 0) ||
      width(b.region) - width(a.region) ||
      (a.region.mdFromMm ?? 0) - (b.region.mdFromMm ?? 0) ||
      (a.region.sheet ?? '').localeCompare(b.region.sheet ?? ''),
  );
  const plan: HoldPlan<E> = { joins: [], place: [] };
  for (const w of ordered) {
    const held = active.find((h) => holdCovers(h, w.region));
    if (held) {
      plan.joins.push({ event: w.event, region: w.region, hold: held });
      continue;
    }
    const mine = plan.place.find((p) => holdCovers(p.region, w.region));
    if (mine) mine.members.push(w);
    else plan.place.push({ region: w.region, members: [w] });
  }
  return plan;
}

/** A shared hold's reason: every event's own reason (chart, rule and points), once each, in the order given. */
export function sharedHoldReason(reasons: string[]): string {
  return [...new Set(reasons)].join('; ');
}
