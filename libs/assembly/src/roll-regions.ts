/**
 * Where-used follows material down its genealogy: a stretch of a roll that was spliced into or slit
 * into other rolls lives on in them, at positions mapped through each link.
 */

/** A stretch [fromMm, toMm) of a roll, in that roll's MD coordinates. */
export interface RollRegion {
  rollBarcode: string;
  fromMm: number;
  toMm: number;
}

/** A roll made from this one: its stretch [mdStartMm, mdEndMm) came from this roll starting at parentMdStartMm. */
export interface RollChildLink {
  childBarcode: string;
  mdStartMm: number;
  mdEndMm: number;
  parentMdStartMm: number;
}

/** The part of `region` that went into the child, in the child's coordinates; null when none did. */
export function childRegion(region: RollRegion, link: RollChildLink): RollRegion | null {
  const length = link.mdEndMm - link.mdStartMm;
  const from = Math.max(region.fromMm, link.parentMdStartMm);
  const to = Math.min(region.toMm, link.parentMdStartMm + length);
  if (!(from < to)) return null;
  const shift = link.mdStartMm - link.parentMdStartMm;
  return { rollBarcode: link.childBarcode, fromMm: from + shift, toMm: to + shift };
}

/** At most this many regions: a genealogy deeper than this is a loop in the data, not a line. */
export const MAX_DESCENDANT_REGIONS = 1000;

/**
 * The region and every stretch of every roll made from it (splices and slits, any depth), breadth
 * first. `childrenOf` answers a roll's child links (tracking's Roll.children).
 */
export async function descendantRegions(
  start: RollRegion,
  childrenOf: (rollBarcode: string) => Promise<readonly RollChildLink[]>,
): Promise<RollRegion[]> {
  const out: RollRegion[] = [start];
  const seen = new Set([`${start.rollBarcode}\u0000${start.fromMm}\u0000${start.toMm}`]);
  for (let i = 0; i < out.length; i++) {
    for (const link of await childrenOf(out[i].rollBarcode)) {
      const child = childRegion(out[i], link);
      if (!child) continue;
      const key = `${child.rollBarcode}\u0000${child.fromMm}\u0000${child.toMm}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(child);
      if (out.length > MAX_DESCENDANT_REGIONS)
        throw new RangeError(`the genealogy below roll ${start.rollBarcode} has more than ${MAX_DESCENDANT_REGIONS} regions`);
    }
  }
  return out;
}

/** Overlapping or touching regions of one roll merged, so that no cell lies in two of them; by roll, then MD. */
export function mergeRegions(regions: readonly RollRegion[]): RollRegion[] {
  const sorted = [...regions].sort((a, b) =>
    a.rollBarcode < b.rollBarcode ? -1 : a.rollBarcode > b.rollBarcode ? 1 : a.fromMm - b.fromMm,
  );
  const out: RollRegion[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.rollBarcode === r.rollBarcode && r.fromMm <= last.toMm) last.toMm = Math.max(last.toMm, r.toMm);
    else out.push({ ...r });
  }
  return out;
}
