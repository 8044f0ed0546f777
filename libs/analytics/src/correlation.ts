/**
 * Cross-stage correlation: a cell metric against process trace channels sampled at each cell's own
 * MD (and CD), ranked by strength. Pearson for linear effects, Spearman for monotone ones; the p-value
 * uses Fisher's z, fine for the hundreds to thousands of cells a roll gives.
 */
import { normalSf } from './stats';

export interface CorrelationResult {
  channel: string;
  n: number;
  pearson: number;
  spearman: number;
  /** Two-sided p of the stronger of the two, by Fisher's z. */
  pValue: number;
  /** Slope of the metric per unit of the channel (least squares). */
  slope: number;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Ranks 1..n with ties given their mean rank. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(x.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = rank;
    i = j + 1;
  }
  return r;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

function fisherP(r: number, n: number): number {
  if (n < 4) return 1;
  const rr = Math.min(0.999999999, Math.abs(r));
  const z = Math.atanh(rr) * Math.sqrt(n - 3);
  return Math.min(1, 2 * normalSf(z));
}

export function correlate(channel: string, x: ArrayLike<number>, y: ArrayLike<number>): CorrelationResult {
  if (x.length !== y.length) throw new RangeError(`channel ${channel}: ${x.length} trace values for ${y.length} cells`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  const n = xs.length;
  if (n < 3) return { channel, n, pearson: 0, spearman: 0, pValue: 1, slope: 0 };
  const r = pearson(xs, ys);
  const rho = spearman(xs, ys);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return {
    channel,
    n,
    pearson: r,
    spearman: rho,
    pValue: fisherP(Math.max(Math.abs(r), Math.abs(rho)), n),
    slope: sxx > 0 ? sxy / sxx : 0,
  };
}

/** Every channel against the metric, strongest (largest |r| of Pearson and Spearman) first. */
export function rankChannels(metric: ArrayLike<number>, channels: Record<string, ArrayLike<number>>): CorrelationResult[] {
  return Object.entries(channels)
    .map(([name, x]) => correlate(name, x, metric))
    .sort(
      (a, b) =>
        Math.max(Math.abs(b.pearson), Math.abs(b.spearman)) - Math.max(Math.abs(a.pearson), Math.abs(a.spearman)) ||
        a.channel.localeCompare(b.channel),
    );
}

export interface GroupDifference {
  channel: string;
  nFailed: number;
  nPassed: number;
  meanFailed: number;
  meanPassed: number;
  /** meanFailed − meanPassed. */
  difference: number;
  /** Two-sided p of the difference (Welch's z; fine for the tens to hundreds of cells per group a roll gives). */
  pValue: number;
}

/** What was different where cells failed: a channel's mean over failed against passing cells. */
export function failedVsPassed(channel: string, x: ArrayLike<number>, failed: ArrayLike<boolean>): GroupDifference {
  if (x.length !== failed.length) throw new RangeError(`channel ${channel}: ${x.length} values for ${failed.length} cells`);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) continue;
    (failed[i] ? a : b).push(x[i]);
  }
  const m = (v: number[]) => v.reduce((s, y) => s + y, 0) / v.length;
  const v = (arr: number[], mu: number) => arr.reduce((s, y) => s + (y - mu) ** 2, 0) / Math.max(1, arr.length - 1);
  const ma = a.length ? m(a) : NaN;
  const mb = b.length ? m(b) : NaN;
  let p = 1;
  if (a.length >= 2 && b.length >= 2) {
    const se = Math.sqrt(v(a, ma) / a.length + v(b, mb) / b.length);
    p = se > 0 ? Math.min(1, 2 * normalSf(Math.abs(ma - mb) / se)) : ma === mb ? 1 : 0;
  }
  return { channel, nFailed: a.length, nPassed: b.length, meanFailed: ma, meanPassed: mb, difference: ma - mb, pValue: p };
}
