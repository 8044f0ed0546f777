import { arrheniusFactorTo25C } from '../arrhenius';
import { DEFAULT_MAX_STARTS, EisFitter } from '../fit/eis-fitter';
import type { FitResult } from '../fit/fit-types';
import type { Spectrum } from '../spectrum';
import { assertSpectrumShape } from '../spectrum';
import { KramersKronigSolver } from '../validity/kk-solver';
import {
  kramersKronigSummaryFromSolver,
  kramersKronigTest,
  type KramersKronigOptions,
  type KramersKronigSummary,
} from '../validity/kramers-kronig';

/**
 * Default circuit for cell features, chosen for an as-made anodeless cell (docs/domain.md "Measurements"):
 * R0 (contacts, collectors) - LiPON bulk arc p(R1,CPE1) at ~1e5-1e6 Hz - interface / charge-transfer
 * arc p(R2,CPE2) - blocking electrode CPE3 (steep tail, n ≈ 0.9, ~1 µF/cm²). The blocking CPE makes
 * the low-frequency |Z| huge, as it is on a good as-made cell; a charged cell's diffusion tail is also
 * fitted acceptably by a CPE with n ≈ 0.5. After fitting, the two arcs are ordered by time constant so
 * R1 is always the faster (LiPON) arc and R2 the slower (charge-transfer) one.
 */
export const DEFAULT_FEATURE_CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3';

export type CellSignature = 'NORMAL' | 'SHORT' | 'LEAKY' | 'OPEN' | 'NOISY';

/**
 * Thresholds of the model-free signature. Values named ...OhmCm2 are area-specific and are divided by
 * the active area (the impedance of a healthy cell, and the leakage a cell of a given capacity can
 * tolerate, both scale with area); the others are absolute.
 */
export interface SignatureThresholds {
  /** OPEN when every |Z| is at least this (only stray pF: tens of kΩ even at 1 MHz). Absolute: the stray capacitance belongs to the fixture, not the cell. */
  openMinAbsZOhm: number;
  /** ...and the highest-frequency phase is at most this (capacitive: no real-axis intercept). */
  openMaxHighFreqPhaseDeg: number;
  /** SHORT when the low-frequency |Z| is at most this / area (≈ 10x the whole good-cell ASR band)... */
  shortMaxLowFreqAbsZOhmCm2: number;
  /** ...and the low-frequency phase is at least this (resistive, ≈ 0°). */
  shortMinLowFreqPhaseDeg: number;
  /** OCV at or below this (absolute value) also counts as a short when the low-f end is resistive and |Z| is below the leaky bound. */
  shortMaxOcvV: number;
  /** LEAKY when the low-frequency |Z| is at most this / area (a 0.64 mAh/cm² cell through 1 MΩ·cm² empties in ~1 week)... */
  leakyMaxLowFreqAbsZOhmCm2: number;
  /** ...and the low-frequency phase is at least this (far from the blocking -80..-90°)... */
  leakyMinLowFreqPhaseDeg: number;
  /** ...and the phase has turned back toward 0 by at least this from its most negative value (the tail bends back to the real axis). */
  leakyMinPhaseRiseDeg: number;
  /** NOISY when the Kramers-Kronig rms relative residual exceeds this... */
  noisyMinKkRms: number;
  /** ...or its largest relative residual exceeds this. */
  noisyMinKkMax: number;
}

export const DEFAULT_SIGNATURE_THRESHOLDS: Readonly<SignatureThresholds> = Object.freeze({
  openMinAbsZOhm: 1e4,
  openMaxHighFreqPhaseDeg: -45,
  shortMaxLowFreqAbsZOhmCm2: 2e3,
  shortMinLowFreqPhaseDeg: -20,
  shortMaxOcvV: 0.05,
  leakyMaxLowFreqAbsZOhmCm2: 1e6,
  leakyMinLowFreqPhaseDeg: -70,
  leakyMinPhaseRiseDeg: 15,
  noisyMinKkRms: 0.03,
  noisyMinKkMax: 0.15,
});

/** Test conditions of one cell. */
export interface CellConditions {
  /** Open-circuit voltage (V); optional (NaN or undefined = not measured). */
  ocvV?: number;
  activeAreaCm2: number;
  temperatureC: number;
  /** Activation energy for the 25 °C normalisation. Default 0.55 eV (LiPON, ≈ 7 %/°C). */
  activationEnergyEv?: number;
  /** Thresholds of the signature (defaults: DEFAULT_SIGNATURE_THRESHOLDS). */
  thresholds?: Partial<SignatureThresholds>;
  /**
   * Fitter to use (reuse one across a sheet for speed). Its circuit must contain R0, R1, R2 (and may
   * contain CPE1, CPE2 for the arc ordering); default: a shared fitter for DEFAULT_FEATURE_CIRCUIT.
   */
  fitter?: EisFitter;
  /** Relative rms above which a fit is not trusted for rOhmic (model-free intercept used). Default 0.05. */
  maxTrustedRelRms?: number;
  /**
   * Levenberg-Marquardt starts allowed when the model-free signature is already SHORT or LEAKY (cells
   * the default blocking-cell circuit does not describe, so the fallback restarts, up to 8, rarely
   * find a good fit and cost ~10-30x a normal fit). Default: no limit (the fitter's default, 8). With 1,
   * the fit features of those cells may differ; their signature and bin (decided by the signature
   * rules) do not. An OPEN cell is never fitted (see CellFeatures.fitParams).
   */
  faultFitStarts?: number;
  /**
   * A run of neighbouring cells (a chunk of a sheet, in order) that this cell belongs to: its fit
   * starts from the run's last good fit instead of from the spectrum's own guess (see WarmStart).
   */
  warmStart?: WarmStart;
}

/**
 * The last good fit (converged, relative rms at most 3 %, a NORMAL cell) of a run of neighbouring
 * cells, carried to the next cell's fit as its first start. Cells of one sheet differ by a few
 * percent, so Levenberg-Marquardt started there converges in about 6 iterations instead of about 26
 * from the guess read off the spectrum, to the same minimum (within 0.03 % on the reference
 * population). A start that does not converge to a good fit is followed by all the usual starts, so a
 * cell unlike its neighbours costs one extra run and gets the same chances. One per run, made by its caller: the features
 * of a cell then depend only on the cells before it in the run, never on which thread ran what before.
 */
export class WarmStart {
  /** Parameters of the last good fit, in the fitter's order and natural units; none at the start of a run. */
  params: number[] | undefined;
}

/**
 * Features of one cell for binning and maps. NaN means "not available" (e.g. no spectrum points).
 * Resistances named ...25C are normalised to 25 °C with the Arrhenius factor.
 */
export interface CellFeatures {
  signature: CellSignature;
  /** Why the signature was chosen (human readable, for the engineer's page). */
  signatureReason: string;
  /** High-frequency intercept: fitted R0 when the fit is trusted, else read from the spectrum. */
  rOhmicOhm: number;
  /** Faster arc (LiPON bulk) resistance, R1. */
  rLiponOhm: number;
  /** Slower arc (charge-transfer / interface) resistance, R2. */
  rCtOhm: number;
  /** R0 + R1 + R2. */
  rTotalOhm: number;
  /** (R0 + R1 + R2) x active area. */
  asrOhmCm2: number;
  rOhmic25COhm: number;
  rLipon25COhm: number;
  rCt25COhm: number;
  asr25COhmCm2: number;
  /** Arrhenius factor applied for the 25 °C values. */
  arrheniusFactor: number;
  /** |Z| and phase at the lowest frequency. */
  lowFreqHz: number;
  lowFreqAbsZOhm: number;
  lowFreqPhaseDeg: number;
  /** |Z| and phase at the highest frequency. */
  highFreqHz: number;
  highFreqAbsZOhm: number;
  highFreqPhaseDeg: number;
  /** Smallest |Z| over the sweep. */
  minAbsZOhm: number;
  /** Model-free high-frequency intercept (where -Im crosses 0, or Re at the highest frequency). */
  rOhmicModelFreeOhm: number;
  /** Blocking-tail CPE of the default circuit: Q per cm² (≈ capacitance per cm² when n ≈ 1) and n; NaN for other circuits. */
  tailQPerCm2: number;
  tailN: number;
  fitRelRms: number;
  fitConverged: boolean;
  /**
   * Fitted parameters by name (arcs already ordered). Empty when nothing was fitted: too few points, or
   * an OPEN cell, whose spectrum is only the fixture's stray capacitance: a battery circuit fitted to
   * it means nothing (relative rms ~50 % after 8 starts, at ~9 ms a cell, about a fifth of a sheet's
   * fitting time), so its R1, R2 and fit values are NaN and rOhmicOhm is the model-free intercept.
   */
  fitParams: Record<string, number>;
  /**
   * One standard error of each fitted parameter, by the names of fitParams (from the fit's covariance
   * at the optimum; NaN where it is singular). A parameter the spectrum does not determine shows it
   * here: R0 under an arc not closed at the top frequency often has an error larger than itself.
   */
  fitStdErrors: Record<string, number>;
  kkMaxResidual: number;
  kkRmsResidual: number;
  kkM: number;
  ocvV: number;
  temperatureC: number;
  activeAreaCm2: number;
}

let sharedFitter: EisFitter | undefined;
function defaultFitter(): EisFitter {
  sharedFitter ??= new EisFitter(DEFAULT_FEATURE_CIRCUIT, 64);
  return sharedFitter;
}

const DEG = 180 / Math.PI;

interface Shape {
  order: number[];
  lowIdx: number;
  highIdx: number;
  minAbsZ: number;
  minPhaseDeg: number;
  interceptOhm: number;
}

/** Points sorted by frequency (descending) and the model-free quantities the signature needs. */
function shapeOf(s: Spectrum): Shape {
  const n = s.freqHz.length;
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    if (s.freqHz[i] > 0 && Number.isFinite(s.freqHz[i]) && Number.isFinite(s.zRe[i]) && Number.isFinite(s.zIm[i])) {
      order.push(i);
    }
  }
  order.sort((a, b) => s.freqHz[b] - s.freqHz[a]);
  let minAbsZ = Infinity;
  let minPhase = Infinity;
  for (const i of order) {
    minAbsZ = Math.min(minAbsZ, Math.hypot(s.zRe[i], s.zIm[i]));
    minPhase = Math.min(minPhase, Math.atan2(s.zIm[i], s.zRe[i]) * DEG);
  }
  // intercept: first crossing of -Im from <= 0 to > 0 from the high-frequency end, else Re at f_max
  let intercept = order.length ? s.zRe[order[0]] : NaN;
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1];
    const b = order[k];
    if (-s.zIm[a] <= 0 && -s.zIm[b] > 0) {
      const t = s.zIm[a] / (s.zIm[a] - s.zIm[b]);
      intercept = s.zRe[a] + t * (s.zRe[b] - s.zRe[a]);
      break;
    }
    if (-s.zIm[a] > 0) break;
  }
  return {
    order,
    highIdx: order[0] ?? -1,
    lowIdx: order[order.length - 1] ?? -1,
    minAbsZ,
    minPhaseDeg: minPhase,
    interceptOhm: intercept,
  };
}

/**
 * The fit's parameters and their standard errors by name, the two arcs ordered so that block 1 has
 * the shorter time constant.
 */
function orderedArcParams(fit: FitResult): { params: Record<string, number>; stdErrors: Record<string, number> } {
  const out: Record<string, number> = {};
  const err: Record<string, number> = {};
  fit.paramNames.forEach((nm, k) => {
    out[nm] = fit.params[k];
    err[nm] = fit.stdErrors[k];
  });
  const tauOf = (i: number): number => {
    const r = out[`R${i}`];
    const q = out[`CPE${i}_0`];
    const n = out[`CPE${i}_1`];
    return Math.pow(r * q, 1 / n);
  };
  if (['R1', 'R2', 'CPE1_0', 'CPE1_1', 'CPE2_0', 'CPE2_1'].every((k) => k in out) && tauOf(1) > tauOf(2)) {
    for (const [a, b] of [
      ['R1', 'R2'],
      ['CPE1_0', 'CPE2_0'],
      ['CPE1_1', 'CPE2_1'],
    ]) {
      for (const m of [out, err]) {
        const t = m[a];
        m[a] = m[b];
        m[b] = t;
      }
    }
  }
  return { params: out, stdErrors: err };
}

/** The model-free signature from the spectrum shape, OCV and the KK residuals. */
export function classifySignature(
  spectrum: Spectrum,
  conditions: Pick<CellConditions, 'ocvV' | 'activeAreaCm2' | 'thresholds'>,
  kk?: KramersKronigSummary,
): { signature: CellSignature; reason: string } {
  return classifyWithShape(spectrum, conditions, kk, shapeOf(spectrum));
}

function classifyWithShape(
  spectrum: Spectrum,
  conditions: Pick<CellConditions, 'ocvV' | 'activeAreaCm2' | 'thresholds'>,
  kk: KramersKronigSummary | undefined,
  sh: Shape,
): { signature: CellSignature; reason: string } {
  const t = { ...DEFAULT_SIGNATURE_THRESHOLDS, ...conditions.thresholds };
  const area = conditions.activeAreaCm2;
  if (sh.order.length < 3) return { signature: 'NOISY', reason: 'fewer than 3 valid points' };
  const phase = (i: number) => Math.atan2(spectrum.zIm[i], spectrum.zRe[i]) * DEG;
  const absZ = (i: number) => Math.hypot(spectrum.zRe[i], spectrum.zIm[i]);
  // robust ends: median of the three highest / lowest frequencies
  const med3 = (idx: number[], fn: (i: number) => number) => {
    const v = idx.map(fn).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  };
  const hi = sh.order.slice(0, 3);
  const lo = sh.order.slice(-3);
  const hfPhase = med3(hi, phase);
  const lfPhase = med3(lo, phase);
  const lfAbsZ = med3(lo, absZ);
  const f = (x: number) => x.toPrecision(3);

  if (sh.minAbsZ >= t.openMinAbsZOhm && hfPhase <= t.openMaxHighFreqPhaseDeg) {
    return {
      signature: 'OPEN',
      reason: `|Z| >= ${f(sh.minAbsZ)} Ω everywhere and capacitive at f_max (phase ${f(hfPhase)}°): no cell, stray capacitance only`,
    };
  }
  const shortMax = t.shortMaxLowFreqAbsZOhmCm2 / area;
  const leakyMax = t.leakyMaxLowFreqAbsZOhmCm2 / area;
  const ocv = conditions.ocvV;
  const ocvZero = ocv !== undefined && Number.isFinite(ocv) && Math.abs(ocv) <= t.shortMaxOcvV;
  if (lfPhase >= t.shortMinLowFreqPhaseDeg && (lfAbsZ <= shortMax || (ocvZero && lfAbsZ <= leakyMax))) {
    return {
      signature: 'SHORT',
      reason: `resistive at low f (phase ${f(lfPhase)}°, |Z| ${f(lfAbsZ)} Ω <= ${f(ocvZero ? leakyMax : shortMax)} Ω${ocvZero ? `, OCV ${ocv} V ≈ 0` : ''})`,
    };
  }
  const rise = lfPhase - sh.minPhaseDeg;
  if (lfPhase >= t.leakyMinLowFreqPhaseDeg && rise >= t.leakyMinPhaseRiseDeg && lfAbsZ <= leakyMax) {
    return {
      signature: 'LEAKY',
      reason: `tail bends back to the real axis: low-f phase ${f(lfPhase)}° (rose ${f(rise)}° from ${f(sh.minPhaseDeg)}°), |Z| ${f(lfAbsZ)} Ω`,
    };
  }
  if (kk && (kk.rmsResidual > t.noisyMinKkRms || kk.maxAbsResidual > t.noisyMinKkMax)) {
    return {
      signature: 'NOISY',
      reason: `Kramers-Kronig residuals rms ${f(kk.rmsResidual)}, max ${f(kk.maxAbsResidual)} exceed ${t.noisyMinKkRms} / ${t.noisyMinKkMax}`,
    };
  }
  return { signature: 'NORMAL', reason: 'no fault signature' };
}

/**
 * Features of one cell from its spectrum and test conditions: model-free quantities, the equivalent
 * circuit fit (default DEFAULT_FEATURE_CIRCUIT, modulus weighting so that the milliohm-to-megaohm span
 * of a blocking cell is weighted evenly), the KK residuals (with a series capacitance, for the
 * blocking tail, and at least 2 RC elements per decade, see KramersKronigOptions.minM) and the signature. Never throws on bad data: unusable parts come out as NaN.
 */
export function extractCellFeatures(spectrum: Spectrum, conditions: CellConditions): CellFeatures {
  assertSpectrumShape(spectrum);
  return computeFeatures(spectrum, conditions, sharedSolver(spectrum.freqHz));
}

/** KK options of the feature extraction for n valid points spanning `decades`. */
function kkOptionsFor(n: number, decades: number): KramersKronigOptions {
  const maxM = Math.max(2, Math.min(50, n - 4));
  // The complex fit, as the solver's (kramersKronigSummaryFromSolver) and the binning's kkMaxResidual: README.
  return { fitType: 'complex', addCapacitance: true, maxM, minM: Math.min(maxM, Math.ceil(2 * decades)) };
}

/** True when every frequency is positive and finite (the precomputed KK basis needs them all). */
function allFrequenciesValid(freqHz: ArrayLike<number>): boolean {
  for (let i = 0; i < freqHz.length; i++) if (!(freqHz[i] > 0) || !Number.isFinite(freqHz[i])) return false;
  return freqHz.length > 0;
}

// A few solvers for the frequency lists seen last (a sheet, and its retest, share one list).
const SOLVER_CACHE_SIZE = 4;
const solverCache: { freq: Float64Array; solver: KramersKronigSolver }[] = [];
function sharedSolver(freqHz: ArrayLike<number>): KramersKronigSolver | undefined {
  for (let k = 0; k < solverCache.length; k++) {
    const e = solverCache[k];
    if (e.freq.length !== freqHz.length) continue;
    let same = true;
    for (let i = 0; same && i < freqHz.length; i++) same = e.freq[i] === freqHz[i];
    if (same) {
      if (k > 0) {
        solverCache.splice(k, 1);
        solverCache.unshift(e);
      }
      return e.solver;
    }
  }
  if (!allFrequenciesValid(freqHz) || freqHz.length < 5) return undefined;
  const solver = new KramersKronigSolver(freqHz, true, true);
  solverCache.unshift({ freq: Float64Array.from(freqHz), solver });
  if (solverCache.length > SOLVER_CACHE_SIZE) solverCache.pop();
  return solver;
}

/** Options of a FeatureExtractor (defaults for every cell; CellConditions can override them). */
export interface FeatureExtractorOptions {
  /** Fitter of the default circuit (or another with R0, R1, R2); default: one owned by the extractor. */
  fitter?: EisFitter;
  /** See CellConditions.faultFitStarts. Default: no limit (same features as extractCellFeatures). */
  faultFitStarts?: number;
}

/**
 * Feature extraction for many cells measured on one frequency list (a sheet): the KK basis, the
 * frequency set-up of the fitter and all work buffers are built once and reused for every cell.
 * extract(zRe, zIm, conditions) gives the same features as extractCellFeatures on the same spectrum.
 */
export class FeatureExtractor {
  readonly freqHz: Float64Array;
  private readonly solver: KramersKronigSolver | undefined;
  private readonly fitter: EisFitter;
  private readonly faultFitStarts: number | undefined;

  constructor(freqHz: ArrayLike<number>, options: FeatureExtractorOptions = {}) {
    this.faultFitStarts = options.faultFitStarts;
    this.freqHz = Float64Array.from(freqHz);
    this.solver =
      allFrequenciesValid(this.freqHz) && this.freqHz.length >= 5 ? new KramersKronigSolver(this.freqHz, true, true) : undefined;
    this.fitter = options.fitter ?? new EisFitter(DEFAULT_FEATURE_CIRCUIT, Math.max(1, this.freqHz.length));
  }

  /** Features of one cell; zRe and zIm are in the order of freqHz. */
  extract(zRe: ArrayLike<number>, zIm: ArrayLike<number>, conditions: CellConditions): CellFeatures {
    const spectrum: Spectrum = { freqHz: this.freqHz, zRe, zIm };
    assertSpectrumShape(spectrum);
    return computeFeatures(
      spectrum,
      {
        ...conditions,
        fitter: conditions.fitter ?? this.fitter,
        faultFitStarts: conditions.faultFitStarts ?? this.faultFitStarts,
      },
      this.solver,
    );
  }
}

/** A reusable feature extractor for one frequency list (see FeatureExtractor). */
export function createFeatureExtractor(freqHz: ArrayLike<number>, options: FeatureExtractorOptions = {}): FeatureExtractor {
  return new FeatureExtractor(freqHz, options);
}

/** The fitter's default restartRelRms: a fit this good ends the starts, so it may start the next cell. */
const WARM_START_MAX_REL_RMS = 0.03;

function computeFeatures(spectrum: Spectrum, conditions: CellConditions, solver: KramersKronigSolver | undefined): CellFeatures {
  const area = conditions.activeAreaCm2;
  if (!(area > 0)) throw new RangeError(`activeAreaCm2 must be positive (got ${area})`);
  const ea = conditions.activationEnergyEv ?? 0.55;
  const factor = arrheniusFactorTo25C(conditions.temperatureC, ea);
  const sh = shapeOf(spectrum);
  const n = sh.order.length;

  let kk: KramersKronigSummary | undefined;
  if (n >= 5) {
    try {
      const decades = Math.log10(spectrum.freqHz[sh.highIdx] / spectrum.freqHz[sh.lowIdx]);
      const options = kkOptionsFor(n, decades);
      if (solver && solver.canUse(spectrum.zRe, spectrum.zIm)) {
        solver.load(spectrum.zRe, spectrum.zIm);
        kk = kramersKronigSummaryFromSolver(solver, options);
      } else {
        kk = kramersKronigTest(spectrum, options);
      }
    } catch {
      kk = undefined;
    }
  }
  const { signature, reason } = classifyWithShape(spectrum, conditions, kk, sh);
  let fit: FitResult | undefined;
  if (n >= 10 && signature !== 'OPEN') {
    try {
      const fault = signature === 'SHORT' || signature === 'LEAKY';
      const maxStarts = fault && conditions.faultFitStarts !== undefined ? conditions.faultFitStarts : undefined;
      const warm = conditions.warmStart;
      // Faulty cells are unlike the good ones around them: their fit starts from their own spectrum.
      const initialGuess = signature === 'NORMAL' ? warm?.params : undefined;
      // The warm start comes on top of the fitter's own starts, all of which stay for a cell unlike its neighbours.
      const starts = initialGuess ? (maxStarts ?? DEFAULT_MAX_STARTS) + 1 : maxStarts;
      fit = (conditions.fitter ?? defaultFitter()).fit(spectrum, { weighting: 'modulus', maxStarts: starts, initialGuess });
      if (warm && signature === 'NORMAL' && fit.converged && fit.relRms <= WARM_START_MAX_REL_RMS) warm.params = fit.params;
    } catch {
      fit = undefined;
    }
  }
  const { params: fitParams, stdErrors: fitStdErrors } = fit ? orderedArcParams(fit) : { params: {}, stdErrors: {} };
  const get = (k: string) => (k in fitParams ? fitParams[k] : NaN);
  const maxTrusted = conditions.maxTrustedRelRms ?? 0.05;
  const trusted = !!fit && fit.converged && fit.relRms <= maxTrusted;
  const r0 = trusted ? get('R0') : sh.interceptOhm;
  const r1 = fit ? get('R1') : NaN;
  const r2 = fit ? get('R2') : NaN;
  const rTotal = r0 + r1 + r2;
  const at = (i: number) =>
    i >= 0
      ? {
          f: spectrum.freqHz[i],
          abs: Math.hypot(spectrum.zRe[i], spectrum.zIm[i]),
          ph: Math.atan2(spectrum.zIm[i], spectrum.zRe[i]) * DEG,
        }
      : { f: NaN, abs: NaN, ph: NaN };
  const lo = at(sh.lowIdx);
  const hi = at(sh.highIdx);
  return {
    signature,
    signatureReason: reason,
    rOhmicOhm: r0,
    rLiponOhm: r1,
    rCtOhm: r2,
    rTotalOhm: rTotal,
    asrOhmCm2: rTotal * area,
    rOhmic25COhm: r0 * factor,
    rLipon25COhm: r1 * factor,
    rCt25COhm: r2 * factor,
    asr25COhmCm2: rTotal * area * factor,
    arrheniusFactor: factor,
    lowFreqHz: lo.f,
    lowFreqAbsZOhm: lo.abs,
    lowFreqPhaseDeg: lo.ph,
    highFreqHz: hi.f,
    highFreqAbsZOhm: hi.abs,
    highFreqPhaseDeg: hi.ph,
    minAbsZOhm: n ? sh.minAbsZ : NaN,
    rOhmicModelFreeOhm: sh.interceptOhm,
    tailQPerCm2: get('CPE3_0') / area,
    tailN: get('CPE3_1'),
    fitRelRms: fit ? fit.relRms : NaN,
    fitConverged: !!fit && fit.converged,
    fitParams,
    fitStdErrors,
    kkMaxResidual: kk ? kk.maxAbsResidual : NaN,
    kkRmsResidual: kk ? kk.rmsResidual : NaN,
    kkM: kk ? kk.M : NaN,
    ocvV: conditions.ocvV ?? NaN,
    temperatureC: conditions.temperatureC,
    activeAreaCm2: area,
  };
}
