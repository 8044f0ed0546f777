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

/** One hypothesis about the stack and how far the measurement is from what it predicts. */
export interface StackHypothesis {
  /** ALL_LAYERS: every layer connected; LAYER_MISSING: all but `layer` (1-based) connected. */
  hypothesis: 'ALL_LAYERS' | 'LAYER_MISSING';
  layer: number | null;
  /** RMS relative deviation of the measurement from this hypothesis's 1/Σ(1/Z). */
  deviation: number;
}

/** What the verdict was drawn from, kept with the test so an engineer can see it again. */
export interface StackComparison {
  /** The measured frequencies inside every layer's measured range: where the comparison was made. */
  frequenciesHz: number[];
  expectedZReOhm: number[];
  expectedZImOhm: number[];
  measuredZReOhm: number[];
  measuredZImOhm: number[];
  /** Measured frequencies left out because some layer was not measured that high or low. */
  frequenciesLeftOut: number[];
  /** |Z measured| / |Z expected| at the lowest compared frequency: far below 1 is a shorted layer. */
  lowFrequencyRatio: number;
  hypotheses: StackHypothesis[];
}

export interface StackVerdict {
  bin: StackBin;
  reason: string;
  /** Deviation from the all-layers expectation. */
  deviation: number;
  /** OPEN_LAYER: the 1-based layer whose absence explains the measurement best (layers alike cannot be told apart). */
  suspectLayer: number | null;
  comparison: StackComparison;
}

/** Fewer compared frequencies than this and a spectrum says too little to judge a stack. */
export const MIN_COMPARED_FREQUENCIES = 3;

/**
 * The measured frequencies every layer's spectrum covers (no layer is extrapolated past its own
 * measured range, where the interpolation would only repeat its end value).
 */
export function comparableFrequencies(
  measuredHz: readonly number[],
  layers: readonly Spectrum[],
): { inside: number[]; leftOut: number[]; loHz: number; hiHz: number } {
  let loHz = 0;
  let hiHz = Infinity;
  for (const l of layers) {
    loHz = Math.max(loHz, Math.min(...l.frequenciesHz));
    hiHz = Math.min(hiHz, Math.max(...l.frequenciesHz));
  }
  // Float32 storage of the layers' lists: a measured frequency equal to a layer's end within 1e-6 is inside.
  const tol = 1e-6;
  const inside: number[] = [];
  const leftOut: number[] = [];
  for (const f of measuredHz) (f >= loHz * (1 - tol) && f <= hiHz * (1 + tol) ? inside : leftOut).push(f);
  return { inside, leftOut, loHz, hiHz };
}

/**
 * Bin a stack from its measured OCV and spectrum against its layers' stored spectra, compared at the
 * measured frequencies inside every layer's range (each layer interpolated in log f where its list
 * differs). Order of the checks: a short first (low OCV, or an impedance well below even the
 * all-layers expectation), then pass, then the best one-layer-missing hypothesis, else mismatch.
 * Throws a RangeError when fewer than MIN_COMPARED_FREQUENCIES can be compared (a caller refuses
 * such a test before it asks for a verdict).
 */
export function classifyStack(
  measured: Spectrum & { ocvV: number },
  layers: readonly Spectrum[],
  limits: StackTestLimits = DEFAULT_STACK_LIMITS,
): StackVerdict {
  if (layers.length === 0) throw new RangeError('a stack has at least one layer');
  const { inside: at, leftOut } = comparableFrequencies(measured.frequenciesHz, layers);
  if (at.length < MIN_COMPARED_FREQUENCIES)
    throw new RangeError(
      `only ${at.length} measured frequencies lie inside every layer's range; at least ${MIN_COMPARED_FREQUENCIES} are needed`,
    );
  const atIndex = new Set(at);
  const picked = measured.frequenciesHz.flatMap((f, k) => (atIndex.has(f) ? [k] : []));
  const m = { zReOhm: picked.map((k) => measured.zReOhm[k]), zImOhm: picked.map((k) => measured.zImOhm[k]) };
  const expected = expectedParallel(layers, at);
  const deviation = relativeDeviation(m, expected);
  const hypotheses: StackHypothesis[] = [{ hypothesis: 'ALL_LAYERS', layer: null, deviation }];
  if (layers.length > 1) {
    for (let i = 0; i < layers.length; i++) {
      const without = layers.filter((_, j) => j !== i);
      hypotheses.push({ hypothesis: 'LAYER_MISSING', layer: i + 1, deviation: relativeDeviation(m, expectedParallel(without, at)) });
    }
  }
  const lowFreq = at.map((_, k) => k).sort((a, b) => at[a] - at[b])[0];
  const lowFrequencyRatio =
    Math.hypot(m.zReOhm[lowFreq], m.zImOhm[lowFreq]) / Math.hypot(expected.zReOhm[lowFreq], expected.zImOhm[lowFreq]);
  const comparison: StackComparison = {
    frequenciesHz: at,
    expectedZReOhm: expected.zReOhm,
    expectedZImOhm: expected.zImOhm,
    measuredZReOhm: m.zReOhm,
    measuredZImOhm: m.zImOhm,
    frequenciesLeftOut: leftOut,
    lowFrequencyRatio,
    hypotheses,
  };
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const base = { deviation, comparison, suspectLayer: null };
  const compared = `at ${at.length} frequencies`;
  if (measured.ocvV < limits.ocvMinV) {
    return {
      ...base,
      bin: 'SHORTED_LAYER',
      reason: `OCV ${measured.ocvV} V is below ${limits.ocvMinV} V: a shorted layer drains the stack`,
    };
  }
  if (lowFrequencyRatio < 1 - 3 * limits.impedanceTolerance) {
    return {
      ...base,
      bin: 'SHORTED_LAYER',
      reason: `|Z| at ${at[lowFreq]} Hz is ${pct(lowFrequencyRatio)} of the expected parallel impedance of its ${layers.length} layers: a shorted layer`,
    };
  }
  if (measured.ocvV > limits.ocvMaxV) {
    return { ...base, bin: 'MISMATCH', reason: `OCV ${measured.ocvV} V is above ${limits.ocvMaxV} V` };
  }
  if (deviation <= limits.impedanceTolerance) {
    return {
      ...base,
      bin: 'PASS',
      reason: `spectrum within ${pct(deviation)} (RMS ${compared}) of 1/Σ(1/Z) of its ${layers.length} layers' spectra (allowed ${pct(limits.impedanceTolerance)})`,
    };
  }
  const best = hypotheses.slice(1).reduce<StackHypothesis | null>((b, h) => (!b || h.deviation < b.deviation ? h : b), null);
  if (best && best.deviation <= limits.impedanceTolerance && best.deviation < deviation) {
    return {
      ...base,
      bin: 'OPEN_LAYER',
      suspectLayer: best.layer,
      reason: `spectrum is ${pct(deviation)} off the ${layers.length}-layer expectation but within ${pct(best.deviation)} of it without layer ${best.layer} (RMS ${compared}): one layer is not connected`,
    };
  }
  return {
    ...base,
    bin: 'MISMATCH',
    reason: `spectrum is ${pct(deviation)} off 1/Σ(1/Z) of its ${layers.length} layers (RMS ${compared}, allowed ${pct(limits.impedanceTolerance)}) and ${best ? `${pct(best.deviation)} off the closest one-open-layer expectation (without layer ${best.layer})` : 'there is no other hypothesis for one layer'}`,
  };
}
