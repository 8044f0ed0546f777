import { intersect, type MdInterval } from './md-interval';

/**
 * One genealogy edge: the stretch [childMdStartMm, childMdEndMm) of a child roll is the stretch of
 * the parent that starts at parentMdStartMm. A splice gives the joined roll one link per part
 * (each with its own offset); a slit gives each child one link covering its whole length with a
 * CD offset (the child's operator-side edge sits at parentCdStartMm on the parent).
 */
export interface RollLink {
  childRollId: string;
  parentRollId: string;
  childMdStartMm: number;
  childMdEndMm: number;
  parentMdStartMm: number;
  parentCdStartMm: number;
}

export interface RollRegion extends MdInterval {
  rollId: string;
}

/** The part of `interval` (on the link's child) that came from the parent, in parent coordinates. */
export function mapToParent(link: RollLink, interval: MdInterval): MdInterval | null {
  const part = intersect(interval, { startMm: link.childMdStartMm, endMm: link.childMdEndMm });
  if (!part) return null;
  const shift = link.parentMdStartMm - link.childMdStartMm;
  return { startMm: part.startMm + shift, endMm: part.endMm + shift };
}

/**
 * Every roll region a region came from: itself, then its parents' regions through splices and
 * slits, up to the substrate rolls. Holds and process data on any of them apply to the region.
 */
export function ancestorRegions(region: RollRegion, links: readonly RollLink[]): RollRegion[] {
  const byChild = new Map<string, RollLink[]>();
  for (const link of links) {
    const list = byChild.get(link.childRollId) ?? [];
    list.push(link);
    byChild.set(link.childRollId, list);
  }
  const out: RollRegion[] = [];
  const queue: RollRegion[] = [region];
  while (queue.length) {
    const current = queue.shift() as RollRegion;
    out.push(current);
    if (out.length > 10000) throw new Error(`roll genealogy of ${region.rollId} does not end: is there a cycle?`);
    for (const link of byChild.get(current.rollId) ?? []) {
      const mapped = mapToParent(link, current);
      if (mapped) queue.push({ rollId: link.parentRollId, ...mapped });
    }
  }
  return out;
}

export interface SplicePart {
  rollId: string;
  lengthMm: number;
  /** Where this part begins on the joined roll. */
  mdOffsetMm: number;
}

/** Links for a splice, after checking that the parts follow each other without overlapping. */
export function spliceLinks(newRollId: string, parts: readonly SplicePart[]): { links: RollLink[]; lengthMm: number } {
  if (parts.length < 2) throw new RangeError(`a splice joins at least two rolls, got ${parts.length}`);
  const sorted = [...parts].sort((a, b) => a.mdOffsetMm - b.mdOffsetMm);
  if (sorted[0].mdOffsetMm !== 0) throw new RangeError(`the first part must begin at MD 0 mm, got ${sorted[0].mdOffsetMm}`);
  for (let i = 1; i < sorted.length; i++) {
    const prevEnd = sorted[i - 1].mdOffsetMm + sorted[i - 1].lengthMm;
    if (sorted[i].mdOffsetMm < prevEnd) {
      throw new RangeError(
        `part ${sorted[i].rollId} begins at ${sorted[i].mdOffsetMm} mm, inside the previous part (which ends at ${prevEnd} mm)`,
      );
    }
  }
  const links = sorted.map((p) => ({
    childRollId: newRollId,
    parentRollId: p.rollId,
    childMdStartMm: p.mdOffsetMm,
    childMdEndMm: p.mdOffsetMm + p.lengthMm,
    parentMdStartMm: 0,
    parentCdStartMm: 0,
  }));
  const last = sorted[sorted.length - 1];
  return { links, lengthMm: last.mdOffsetMm + last.lengthMm };
}

export interface SlitLane {
  rollId: string;
  cdStartMm: number;
  cdEndMm: number;
}

/** Links for a slit, after checking that the lanes lie inside the web and do not overlap. */
export function slitLinks(parentRollId: string, parentWidthMm: number, parentLengthMm: number, lanes: readonly SlitLane[]): RollLink[] {
  if (lanes.length < 1) throw new RangeError('a slit makes at least one child roll');
  const sorted = [...lanes].sort((a, b) => a.cdStartMm - b.cdStartMm);
  for (let i = 0; i < sorted.length; i++) {
    const lane = sorted[i];
    if (!(lane.cdStartMm >= 0 && lane.cdEndMm > lane.cdStartMm && lane.cdEndMm <= parentWidthMm)) {
      throw new RangeError(
        `lane ${lane.rollId} [${lane.cdStartMm}, ${lane.cdEndMm}) mm must lie inside the web width 0 to ${parentWidthMm} mm`,
      );
    }
    if (i > 0 && lane.cdStartMm < sorted[i - 1].cdEndMm) {
      throw new RangeError(`lane ${lane.rollId} overlaps lane ${sorted[i - 1].rollId} across the web`);
    }
  }
  return sorted.map((lane) => ({
    childRollId: lane.rollId,
    parentRollId,
    childMdStartMm: 0,
    childMdEndMm: parentLengthMm,
    parentMdStartMm: 0,
    parentCdStartMm: lane.cdStartMm,
  }));
}
