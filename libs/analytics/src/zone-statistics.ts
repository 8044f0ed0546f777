/**
 * Per-sheet statistics that control charts follow: the mean and standard deviation of a metric over
 * the passing cells of each CD zone (columns cut into `zones` bands across the web), and the sheet's
 * defectives for a p chart.
 */
import { FAIL, PASS } from './map-grid';

export interface ZoneStatistic {
  zone: number;
  colFrom: number;
  colTo: number;
  /** Passing cells with a finite metric in the zone. */
  n: number;
  mean: number;
  sd: number;
}

export interface SheetStatistics {
  zones: ZoneStatistic[];
  /** The whole sheet as one zone. */
  sheet: ZoneStatistic;
  tested: number;
  failed: number;
}

/** `fail`: 1 failed, 0 passed, anything else untested; `metric` NaN where unknown. */
export function sheetStatistics(
  rows: number,
  cols: number,
  fail: ArrayLike<number>,
  metric: ArrayLike<number>,
  zones: number,
): SheetStatistics {
  if (!Number.isInteger(zones) || zones < 1 || zones > cols)
    throw new RangeError(`zones must be a whole number from 1 to the ${cols} columns, got ${zones}`);
  if (fail.length !== rows * cols || metric.length !== rows * cols)
    throw new RangeError(`expected ${rows * cols} cells, got ${fail.length} states and ${metric.length} metric values`);
  const bands = Array.from({ length: zones }, (_, z) => ({
    colFrom: Math.floor((z * cols) / zones),
    colTo: Math.floor(((z + 1) * cols) / zones) - 1,
  }));
  const zoneOf = new Int32Array(cols);
  bands.forEach((b, z) => {
    for (let c = b.colFrom; c <= b.colTo; c++) zoneOf[c] = z;
  });
  const n = new Float64Array(zones);
  const s = new Float64Array(zones);
  const ss = new Float64Array(zones);
  let tested = 0;
  let failed = 0;
  for (let i = 0; i < rows * cols; i++) {
    const f = fail[i];
    if (f === FAIL) {
      failed++;
      tested++;
    } else if (f === PASS) {
      tested++;
      const v = metric[i];
      if (Number.isFinite(v)) {
        const z = zoneOf[i % cols];
        n[z]++;
        s[z] += v;
        ss[z] += v * v;
      }
    }
  }
  const stat = (z: number, colFrom: number, colTo: number, N: number, S: number, SS: number): ZoneStatistic => {
    const mean = N ? S / N : NaN;
    const sd = N > 1 ? Math.sqrt(Math.max(0, (SS - N * mean * mean) / (N - 1))) : NaN;
    return { zone: z, colFrom, colTo, n: N, mean, sd };
  };
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  return {
    zones: bands.map((b, z) => stat(z, b.colFrom, b.colTo, n[z], s[z], ss[z])),
    sheet: stat(-1, 0, cols - 1, sum(n), sum(s), sum(ss)),
    tested,
    failed,
  };
}
