/**
 * Stack final test. In a parallel stack the admittances add: Z_stack = 1 / Σ (1 / Z_i). The MES
 * computes that expectation from the layers' stored impedance and bins the measured stack by which
 * hypothesis it matches: all layers (pass), one layer missing (open layer), or far lower than any
 * (a shorted layer drains the stack).
 */

export interface Spectrum {
  frequenciesHz: readonly number[];
  zReOhm: readonly number[];
  zImOhm: readonly number[];
}

/** A spectrum's value at other frequencies, linear in log f on each of Re and Im (clamped at the ends). */
export function interpolateSpectrum(s: Spectrum, at: readonly number[]): { zReOhm: number[]; zImOhm: number[] } {
  const order = s.frequenciesHz.map((f, i) => i).sort((a, b) => s.frequenciesHz[a] - s.frequenciesHz[b]);
  const lf = order.map((i) => Math.log(s.frequenciesHz[i]));
  const re = order.map((i) => s.zReOhm[i]);
  const im = order.map((i) => s.zImOhm[i]);
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (const f of at) {
    const x = Math.log(f);
    if (x <= lf[0]) {
      outRe.push(re[0]);
      outIm.push(im[0]);
      continue;
    }
    if (x >= lf[lf.length - 1]) {
      outRe.push(re[re.length - 1]);
      outIm.push(im[im.length - 1]);
      continue;
    }
    let lo = 0;
    let hi = lf.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (lf[mid] <= x) lo = mid;
      else hi = mid;
    }
    const t = (x - lf[lo]) / (lf[hi] - lf[lo]);
    outRe.push(re[lo] + t * (re[hi] - re[lo]));
    outIm.push(im[lo] + t * (im[hi] - im[lo]));
  }
  return { zReOhm: outRe, zImOhm: outIm };
}

/** 1 / Σ (1 / Z_i) at `at`, each layer interpolated to those frequencies where its list differs. */
export function expectedParallel(layers: readonly Spectrum[], at: readonly number[]): { zReOhm: number[]; zImOhm: number[] } {
  if (layers.length === 0) throw new RangeError('a stack has at least one layer');
  const yRe = new Float64Array(at.length);
  const yIm = new Float64Array(at.length);
  for (const layer of layers) {
    const z = interpolateSpectrum(layer, at);
    for (let k = 0; k < at.length; k++) {
      const d = z.zReOhm[k] ** 2 + z.zImOhm[k] ** 2;
      yRe[k] += z.zReOhm[k] / d;
      yIm[k] -= z.zImOhm[k] / d;
    }
  }
  const zRe: number[] = [];
  const zIm: number[] = [];
  for (let k = 0; k < at.length; k++) {
    const d = yRe[k] ** 2 + yIm[k] ** 2;
    zRe.push(yRe[k] / d);
    zIm.push(-yIm[k] / d);
  }
  return { zReOhm: zRe, zImOhm: zIm };
}

/** Root-mean-square of |Z_measured − Z_expected| / |Z_expected| over the frequencies. */
export function relativeDeviation(
  measured: { zReOhm: readonly number[]; zImOhm: readonly number[] },
  expected: { zReOhm: readonly number[]; zImOhm: readonly number[] },
): number {
  let sum = 0;
  for (let k = 0; k < expected.zReOhm.length; k++) {
    const dr = measured.zReOhm[k] - expected.zReOhm[k];
    const di = measured.zImOhm[k] - expected.zImOhm[k];
    sum += (dr * dr + di * di) / (expected.zReOhm[k] ** 2 + expected.zImOhm[k] ** 2);
  }
  return Math.sqrt(sum / expected.zReOhm.length);
}

export interface StackTestLimits {
  /** OCV below this (V) means a layer drains the stack. */
  ocvMinV: number;
  ocvMaxV: number;
  /** The largest RMS relative deviation from the expectation that still passes (0.15 = 15 %). */
  impedanceTolerance: number;
}

/**
 * As made, an anodeless stack has no lithium anode and reads a low OCV (about 0.1-1 V); a shorted
 * layer pulls it to about 0. The impedance tolerance must stay well under 1/(N-1), the rise one open
 * layer of N causes (14 % for 8 layers), or an open layer would pass.
 */
export const DEFAULT_STACK_LIMITS: StackTestLimits = { ocvMinV: 0.1, ocvMaxV: 4.3, impedanceTolerance: 0.05 };

export type StackBin = 'PASS' | 'OPEN_LAYER' | 'SHORTED_LAYER' | 'MISMATCH';

export interface StackVerdict {
  bin: StackBin;
  reason: string;
  /** Deviation from the all-layers expectation. */
  deviation: number;
  /** OPEN_LAYER: the 1-based layer whose absence explains the measurement best (layers alike cannot be told apart). */
  suspectLayer: number | null;
  expected: { zReOhm: number[]; zImOhm: number[] };
}

/**
 * Bin a stack from its measured OCV and spectrum against its layers. Order of the checks: a short
 * first (low OCV, or an impedance well below even the all-layers expectation), then pass, then the
 * best one-layer-missing hypothesis, else mismatch.
 */
export function classifyStack(
  measured: Spectrum & { ocvV: number },
  layers: readonly Spectrum[],
  limits: StackTestLimits = DEFAULT_STACK_LIMITS,
): StackVerdict {
  const at = measured.frequenciesHz;
  const expected = expectedParallel(layers, at);
  const deviation = relativeDeviation(measured, expected);
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const base = { deviation, expected };
  const lowFreq = at.map((f, k) => k).sort((a, b) => at[a] - at[b])[0];
  const mag = (re: number, im: number) => Math.hypot(re, im);
  const lfRatio = mag(measured.zReOhm[lowFreq], measured.zImOhm[lowFreq]) / mag(expected.zReOhm[lowFreq], expected.zImOhm[lowFreq]);
  if (measured.ocvV < limits.ocvMinV) {
    return {
      ...base,
      bin: 'SHORTED_LAYER',
      suspectLayer: null,
      reason: `OCV ${measured.ocvV} V is below ${limits.ocvMinV} V: a shorted layer drains the stack`,
    };
  }
  if (lfRatio < 1 - 3 * limits.impedanceTolerance) {
    return {
      ...base,
      bin: 'SHORTED_LAYER',
      suspectLayer: null,
      reason: `|Z| at ${at[lowFreq]} Hz is ${pct(lfRatio)} of the expected parallel impedance: a shorted layer`,
    };
  }
  if (measured.ocvV > limits.ocvMaxV) {
    return { ...base, bin: 'MISMATCH', suspectLayer: null, reason: `OCV ${measured.ocvV} V is above ${limits.ocvMaxV} V` };
  }
  if (deviation <= limits.impedanceTolerance) {
    return {
      ...base,
      bin: 'PASS',
      suspectLayer: null,
      reason: `impedance within ${pct(deviation)} of 1/Σ(1/Z) of its ${layers.length} layers (allowed ${pct(limits.impedanceTolerance)})`,
    };
  }
  if (layers.length > 1) {
    let best = -1;
    let bestDev = Infinity;
    for (let i = 0; i < layers.length; i++) {
      const d = relativeDeviation(
        measured,
        expectedParallel(
          layers.filter((_, j) => j !== i),
          at,
        ),
      );
      if (d < bestDev) {
        bestDev = d;
        best = i;
      }
    }
    if (bestDev <= limits.impedanceTolerance && bestDev < deviation) {
      return {
        ...base,
        bin: 'OPEN_LAYER',
        suspectLayer: best + 1,
        reason: `impedance is ${pct(deviation)} off the ${layers.length}-layer expectation but within ${pct(bestDev)} of it without layer ${best + 1}: one layer is not connected`,
      };
    }
  }
  return {
    ...base,
    bin: 'MISMATCH',
    suspectLayer: null,
    reason: `impedance is ${pct(deviation)} off 1/Σ(1/Z) of its ${layers.length} layers (allowed ${pct(limits.impedanceTolerance)}) and matches no single open layer`,
  };
}
