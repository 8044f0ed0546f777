/**
 * Log-spaced frequencies from fMaxHz down to fMinHz (both included), pointsPerDecade per decade, the way
 * impedance analysers sweep. The count is round(decades * pointsPerDecade) + 1, so 1e6..1 Hz at 10/decade
 * gives 61 points.
 */
export function logFrequencies(fMaxHz: number, fMinHz: number, pointsPerDecade: number): Float64Array {
  if (!(fMaxHz > 0 && fMinHz > 0 && Number.isFinite(fMaxHz) && Number.isFinite(fMinHz))) {
    throw new RangeError(`frequencies must be finite and positive (got ${fMaxHz}, ${fMinHz})`);
  }
  if (!(pointsPerDecade > 0 && Number.isFinite(pointsPerDecade))) {
    throw new RangeError(`pointsPerDecade must be positive (got ${pointsPerDecade})`);
  }
  const decades = Math.log10(fMaxHz / fMinHz);
  const n = Math.max(1, Math.round(Math.abs(decades) * pointsPerDecade) + 1);
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = fMaxHz;
    return out;
  }
  const lhi = Math.log10(fMaxHz);
  const step = (Math.log10(fMinHz) - lhi) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = Math.pow(10, lhi + step * i);
  out[0] = fMaxHz;
  out[n - 1] = fMinHz;
  return out;
}
