/**
 * Stacked maps: the same (row, col) over many sheets. A position that fails again and again on
 * different sheets points at the probe card or the patterning mask, not at the film.
 */
import { binomialSf } from './stats';

export interface StackedSheet {
  rows: number;
  cols: number;
  /** Row-major: 1 failed, 0 passed, anything else not tested. */
  fail: ArrayLike<number>;
  metric?: ArrayLike<number>;
}

export interface StackedPosition {
  row: number;
  col: number;
  tested: number;
  failed: number;
  failRate: number;
  /** Mean of the metric over the sheets where the position passed (NaN when none). */
  metricMean: number;
  metricCount: number;
  /** −log10 of the Bonferroni-corrected chance of this many failures at the stack's overall rate. */
  repeatScore: number;
}

export interface StackedMap {
  rows: number;
  cols: number;
  sheets: number;
  failRate: number;
  positions: StackedPosition[];
  /** Positions whose failures repeat beyond chance (corrected p < alpha), worst first. */
  repeaters: StackedPosition[];
}

export function stackMaps(sheets: readonly StackedSheet[], alpha = 1e-3): StackedMap {
  if (!sheets.length) throw new RangeError('a stacked map needs at least one sheet');
  const { rows, cols } = sheets[0];
  const n = rows * cols;
  const tested = new Int32Array(n);
  const failed = new Int32Array(n);
  const msum = new Float64Array(n);
  const mcount = new Int32Array(n);
  sheets.forEach((s, k) => {
    if (s.rows !== rows || s.cols !== cols)
      throw new RangeError(`sheet ${k} is ${s.rows} x ${s.cols}, the first sheet ${rows} x ${cols}: stack sheets of one grid`);
    if (s.fail.length !== n) throw new RangeError(`sheet ${k}: fail has ${s.fail.length} cells, expected ${n}`);
    if (s.metric && s.metric.length !== n) throw new RangeError(`sheet ${k}: metric has ${s.metric.length} cells, expected ${n}`);
    for (let i = 0; i < n; i++) {
      const v = s.fail[i];
      if (v === 1) {
        failed[i]++;
        tested[i]++;
      } else if (v === 0) {
        tested[i]++;
        const m = s.metric ? s.metric[i] : NaN;
        if (Number.isFinite(m)) {
          msum[i] += m;
          mcount[i]++;
        }
      }
    }
  });
  let tf = 0;
  let tt = 0;
  for (let i = 0; i < n; i++) {
    tf += failed[i];
    tt += tested[i];
  }
  const rate = tt ? tf / tt : 0;
  const positions: StackedPosition[] = [];
  for (let i = 0; i < n; i++) {
    const p = failed[i] > 0 && tested[i] ? Math.min(1, binomialSf(failed[i], tested[i], Math.max(rate, 1e-9)) * n) : 1;
    positions.push({
      row: Math.floor(i / cols),
      col: i % cols,
      tested: tested[i],
      failed: failed[i],
      failRate: tested[i] ? failed[i] / tested[i] : 0,
      metricMean: mcount[i] ? msum[i] / mcount[i] : NaN,
      metricCount: mcount[i],
      repeatScore: Math.min(300, -Math.log10(Math.max(p, 1e-300))),
    });
  }
  const threshold = -Math.log10(alpha);
  const repeaters = positions.filter((p) => p.repeatScore > threshold && p.failed >= 2).sort((a, b) => b.repeatScore - a.repeatScore);
  return { rows, cols, sheets: sheets.length, failRate: rate, positions, repeaters };
}
