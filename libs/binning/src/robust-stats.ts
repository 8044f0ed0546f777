// Bound once at module scope: global lookups are slow inside vm contexts (e.g. Jest workers).
const { abs } = Math;

/** Scale factor turning a MAD into a σ estimate for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Median of the first `n` values of a sorted array. */
function sortedMedian(sorted: Float64Array, n = sorted.length): number {
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/** Median (NaN for an empty input). O(n log n): typed-array sort. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const a = Float64Array.from(values);
  a.sort();
  return sortedMedian(a);
}

/** Median and raw median absolute deviation (not scaled). NaNs for an empty input. */
export function medianAndMad(values: ArrayLike<number>): { median: number; mad: number } {
  const n = values.length;
  if (n === 0) return { median: NaN, mad: NaN };
  const a = Float64Array.from(values);
  a.sort();
  const m = sortedMedian(a);
  for (let i = 0; i < n; i++) a[i] = abs(a[i] - m);
  a.sort();
  return { median: m, mad: sortedMedian(a) };
}
