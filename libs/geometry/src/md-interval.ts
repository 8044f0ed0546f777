/** A half-open interval [startMm, endMm) along the machine direction of one roll. */
export interface MdInterval {
  startMm: number;
  endMm: number;
}

export function overlaps(a: MdInterval, b: MdInterval): boolean {
  return a.startMm < b.endMm && b.startMm < a.endMm;
}

export function intersect(a: MdInterval, b: MdInterval): MdInterval | null {
  const startMm = Math.max(a.startMm, b.startMm);
  const endMm = Math.min(a.endMm, b.endMm);
  return startMm < endMm ? { startMm, endMm } : null;
}

export function contains(outer: MdInterval, inner: MdInterval): boolean {
  return outer.startMm <= inner.startMm && inner.endMm <= outer.endMm;
}

/** Why an interval is unusable on a roll of the given length, or null when it is fine. */
export function intervalProblem(interval: MdInterval, rollLengthMm: number): string | null {
  const { startMm, endMm } = interval;
  if (!Number.isFinite(startMm) || !Number.isFinite(endMm)) return 'expected finite millimetre values';
  if (startMm < 0) return `expected mdFromMm >= 0, got ${startMm}`;
  if (endMm <= startMm) return `expected mdToMm > mdFromMm, got [${startMm}, ${endMm})`;
  if (endMm > rollLengthMm) return `expected mdToMm <= roll length ${rollLengthMm} mm, got ${endMm}`;
  return null;
}
