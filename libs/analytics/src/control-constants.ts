/**
 * The control-chart constants of normal subgroups of size n, computed from their definitions rather
 * than read from a table (the tables stop at n = 25; an X̄-S zone subgroup may hold hundreds of cells):
 *  - d2, d3: mean and standard deviation of the range of n observations, in σ (R̄ = d2 σ);
 *  - D3, D4: the range chart's limits as multiples of R̄ (the moving range is a range of n = 2);
 *  - c4: mean of the sample standard deviation, in σ (s̄ = c4 σ);
 *  - B3, B4: the s chart's limits as multiples of s̄.
 */
import { c4, normalCdf } from './stats';

export { c4 };

const { exp, max, pow, sqrt, PI } = Math;

/** Grid step and span (in σ) of the numerical integrals: the range of up to ~100 observations stays within 12σ. */
const H = 0.01;
const X_SPAN = 9;
const R_SPAN = 12;

const rangeMoments = new Map<number, { d2: number; d3: number }>();

function checkN(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`${what} needs a subgroup of at least 2, got ${n}`);
}

/**
 * Mean and standard deviation of the range W of n standard normal observations, from
 * P(W ≤ w) = n ∫ φ(x) [Φ(x + w) − Φ(x)]^(n−1) dx: E[W] = ∫ P(W > w) dw, E[W²] = 2 ∫ w P(W > w) dw
 * (trapezoids on a 0.01σ grid; within 1e-4 of the exact values).
 */
function moments(n: number): { d2: number; d3: number } {
  const cached = rangeMoments.get(n);
  if (cached) return cached;
  const nx = Math.round((2 * X_SPAN) / H) + 1;
  const nr = Math.round(R_SPAN / H) + 1;
  const cdf = new Float64Array(nx + nr);
  for (let i = 0; i < cdf.length; i++) cdf[i] = normalCdf(-X_SPAN + i * H);
  const pdf = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const x = -X_SPAN + i * H;
    pdf[i] = exp(-0.5 * x * x) / sqrt(2 * PI);
  }
  let e1 = 0;
  let e2 = 0;
  for (let j = 0; j < nr; j++) {
    let below = 0;
    for (let i = 0; i < nx; i++) below += pdf[i] * pow(cdf[i + j] - cdf[i], n - 1);
    const above = 1 - n * below * H;
    const w = j === 0 || j === nr - 1 ? 0.5 : 1;
    e1 += w * above * H;
    e2 += w * 2 * j * H * above * H;
  }
  const out = { d2: e1, d3: sqrt(max(0, e2 - e1 * e1)) };
  rangeMoments.set(n, out);
  return out;
}

/** d2(n): E[range of n normal observations] / σ. */
export function d2(n: number): number {
  checkN(n, 'd2');
  return moments(n).d2;
}

/** d3(n): standard deviation of the range of n normal observations / σ. */
export function d3(n: number): number {
  checkN(n, 'd3');
  return moments(n).d3;
}

/** D3(n): lower limit of a range chart as a multiple of R̄ (0 up to n = 6). */
export function D3(n: number): number {
  checkN(n, 'D3');
  return max(0, 1 - (3 * d3(n)) / d2(n));
}

/** D4(n): upper limit of a range chart as a multiple of R̄. */
export function D4(n: number): number {
  checkN(n, 'D4');
  return 1 + (3 * d3(n)) / d2(n);
}

/** B3(n): lower limit of an s chart as a multiple of s̄ (0 up to n = 5). */
export function B3(n: number): number {
  checkN(n, 'B3');
  const k = c4(n);
  return max(0, 1 - (3 * sqrt(1 - k * k)) / k);
}

/** B4(n): upper limit of an s chart as a multiple of s̄. */
export function B4(n: number): number {
  checkN(n, 'B4');
  const k = c4(n);
  return 1 + (3 * sqrt(1 - k * k)) / k;
}
