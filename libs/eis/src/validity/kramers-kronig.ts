import type { Spectrum } from '../spectrum';
import { assertSpectrumShape } from '../spectrum';
import { kkPartialFit, type KkFitType } from './kk-partial';
import { KramersKronigSolver, type KkLinearFit } from './kk-solver';

export type { KkFitType } from './kk-partial';

/** Options of the linear Kramers-Kronig test. */
export interface KramersKronigOptions {
  /** mu cutoff: M grows until mu <= c. Default 0.85 (Schönleber et al. 2014). */
  c?: number;
  /** Largest number of RC elements tried. Default 50. */
  maxM?: number;
  /**
   * Smallest M of the mu search (default 1, as Schönleber and impedance.py). Noise can push mu below
   * c at a small M long before the RC chain resolves the spectrum; about 2 RC elements per decade of
   * frequency is the least that describes any arc, so extractCellFeatures uses ceil(2 x decades).
   */
  minM?: number;
  /** Use exactly this many RC elements (no mu search). */
  M?: number;
  /** Add a series capacitance to the model (needed for blocking, capacitive tails). Default false. */
  addCapacitance?: boolean;
  /** Add a series inductance (stray inductance of the leads). Default true, as impedance.py. */
  addInductance?: boolean;
  /**
   * What the linear model is fitted to: only the real part ('real', the default, as the Lin-KK tool and
   * impedance.py run it: the imaginary part the fit implies is then the test), only the imaginary part
   * ('imag') or both parts at once ('complex', what the cell features use: see the README).
   */
  fitType?: KkFitType;
}

/** Result of the linear Kramers-Kronig test. Residuals are in the spectrum's point order. */
export interface KramersKronigResult {
  /** Number of RC elements chosen. */
  M: number;
  /** mu = 1 - sum|R_k < 0| / sum(R_k >= 0) at the chosen M. */
  mu: number;
  /** (Z - Z_KK).re / |Z| for each point. */
  residualsRe: Float64Array;
  /** (Z - Z_KK).im / |Z| for each point. */
  residualsIm: Float64Array;
  maxAbsResidualRe: number;
  maxAbsResidualIm: number;
  /** Largest of the two above. */
  maxAbsResidual: number;
  /** Root mean square of all 2N relative residuals. */
  rmsResidual: number;
  /** Time constants of the RC elements (s), log-spaced from 1/(2π f_max) to 1/(2π f_min). */
  tau: Float64Array;
  /** Resistances of the RC elements (Ω; may be negative: over-fitting shows as negative R). */
  rk: Float64Array;
  /** Series resistance (Ω). */
  r0: number;
  /** Series capacitance (F); Infinity when not added or fitted as no capacitance. */
  capacitanceF: number;
  /** Series inductance (H); 0 when not added. */
  inductanceH: number;
  /** The KK model, Z_KK = zFitRe + j zFitIm. */
  zFitRe: Float64Array;
  zFitIm: Float64Array;
}

/**
 * Linear Kramers-Kronig test (Boukamp's RC-series idea with Schönleber et al. 2014's automatic choice
 * of M): a Voigt series of M RC elements with fixed, log-spaced time constants plus R0 (and optionally
 * a series C and L) is fitted to the spectrum by linear least squares (the real part by default, as the
 * reference tools; see fitType). M starts at 1 and grows
 * until mu <= c (mu falls as the RC chain starts to over-fit with negative resistances). Data that obey
 * the KK relations (linear, causal, stable, time-invariant) are then reproduced to within the noise;
 * drift, non-linearity or bad contacts show up as large or structured residuals.
 */
export function kramersKronigTest(spectrum: Spectrum, options: KramersKronigOptions = {}): KramersKronigResult {
  const total = assertSpectrumShape(spectrum);
  const addCap = options.addCapacitance ?? false;
  const addInd = options.addInductance ?? true;
  const keep: number[] = [];
  for (let i = 0; i < total; i++) {
    const f = spectrum.freqHz[i];
    const zr = spectrum.zRe[i];
    const zi = spectrum.zIm[i];
    if (f > 0 && Number.isFinite(f) && Number.isFinite(zr) && Number.isFinite(zi) && zr * zr + zi * zi > 0) {
      keep.push(i);
    }
  }
  const n = keep.length;
  if (n < 3) throw new RangeError(`Kramers-Kronig test needs at least 3 valid points, got ${n}`);
  const fk = new Float64Array(n);
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    fk[i] = spectrum.freqHz[keep[i]];
    zr[i] = spectrum.zRe[keep[i]];
    zi[i] = spectrum.zIm[keep[i]];
  }
  const fitType = options.fitType ?? 'real';
  if (fitType === 'complex') {
    const solver = new KramersKronigSolver(fk, addCap, addInd);
    solver.load(zr, zi);
    return kramersKronigFromSolver(solver, options, total, keep);
  }
  if (fitType !== 'real' && fitType !== 'imag') throw new RangeError(`fitType ${String(fitType)}: expected complex, real or imag`);
  const w = new Float64Array(n);
  const inv = new Float64Array(n);
  let fMin = Infinity;
  let fMax = 0;
  for (let i = 0; i < n; i++) {
    w[i] = 2 * Math.PI * fk[i];
    inv[i] = 1 / Math.hypot(zr[i], zi[i]);
    fMin = Math.min(fMin, fk[i]);
    fMax = Math.max(fMax, fk[i]);
  }
  const c = options.c ?? 0.85;
  const maxM = Math.max(1, Math.floor(options.maxM ?? 50));
  const fitAt = (m: number) => kkPartialFit(w, zr, zi, inv, m, fitType, addCap, addInd, fMin, fMax);
  let M = options.M !== undefined ? Math.max(1, Math.floor(options.M)) : Math.min(maxM, Math.max(1, Math.floor(options.minM ?? 1)));
  let fit = fitAt(M);
  if (options.M === undefined) {
    while (fit.mu > c && M < maxM) fit = fitAt(++M);
  }
  return kkResult({ w, zr, zi, inv, n, M, coef: fit.coef, tau: fit.tau, mu: fit.mu, addCap, addInd, total, keep });
}

/**
 * The KK test of the cell loaded into solver (see KramersKronigSolver.load). keep maps the solver's
 * points to the spectrum's indices (identity when omitted); total is the spectrum's length.
 */
export function kramersKronigFromSolver(
  solver: KramersKronigSolver,
  options: KramersKronigOptions,
  total = solver.n,
  keep?: ArrayLike<number>,
): KramersKronigResult {
  const { M, fit } = searchM(solver, options);
  const addCap = solver.addCap;
  const addInd = solver.addInd;
  const n = solver.n;
  const w = solver.w;
  return kkResult({
    w,
    zr: solver.zr,
    zi: solver.zi,
    inv: solver.inv,
    n,
    M,
    coef: fit.coef,
    tau: fit.tau,
    mu: fit.mu,
    addCap,
    addInd,
    total,
    keep,
  });
}

/** The figures of the KK test that the cell features use. */
export interface KramersKronigSummary {
  M: number;
  mu: number;
  maxAbsResidual: number;
  rmsResidual: number;
}

/**
 * The KK test of the cell loaded into solver, as kramersKronigFromSolver, but only its figures: the
 * model comes from the solver's cached basis and no per-point array is made (the features of a sheet
 * test need no more, and the arrays and their divisions cost about a twentieth of a cell's features).
 */
export function kramersKronigSummaryFromSolver(solver: KramersKronigSolver, options: KramersKronigOptions): KramersKronigSummary {
  const { M, fit } = searchM(solver, options);
  const r = solver.residuals(M, fit.coef);
  return { M, mu: fit.mu, maxAbsResidual: r.maxAbs, rmsResidual: r.rms };
}

/** The mu search of the solver path: the first M from minM with mu <= c (or exactly options.M). */
function searchM(solver: KramersKronigSolver, options: KramersKronigOptions): { M: number; fit: KkLinearFit } {
  if (options.fitType !== undefined && options.fitType !== 'complex')
    throw new RangeError(
      `fitType ${options.fitType}: the cached solver fits the complex spectrum; use kramersKronigTest for a ${options.fitType} fit`,
    );
  const c = options.c ?? 0.85;
  const maxM = Math.max(1, Math.floor(options.maxM ?? 50));
  if (options.M !== undefined) {
    const M = Math.max(1, Math.floor(options.M));
    return { M, fit: solver.fit(M) };
  }
  let M = Math.min(maxM, Math.max(1, Math.floor(options.minM ?? 1)));
  let fit = solver.fit(M);
  while (fit.mu > c && M < maxM) {
    M++;
    fit = solver.fit(M);
  }
  return { M, fit };
}

/** A fitted KK model as the test's result: the model at every point and the residuals relative to |Z|. */
export function kkResult(a: {
  w: Float64Array;
  zr: Float64Array;
  zi: Float64Array;
  inv: Float64Array;
  n: number;
  M: number;
  coef: Float64Array;
  tau: Float64Array;
  mu: number;
  addCap: boolean;
  addInd: boolean;
  total: number;
  keep?: ArrayLike<number>;
}): KramersKronigResult {
  const { w, n, M, coef, addCap, addInd, total, keep } = a;
  const r0 = coef[0];
  const rk = coef.slice(1, 1 + M);
  const invC = addCap ? coef[1 + M] : 0;
  const ind = addInd ? coef[1 + M + (addCap ? 1 : 0)] : 0;
  const zFitRe = new Float64Array(total).fill(NaN);
  const zFitIm = new Float64Array(total).fill(NaN);
  const residualsRe = new Float64Array(total).fill(NaN);
  const residualsIm = new Float64Array(total).fill(NaN);
  let maxRe = 0;
  let maxIm = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    let fr = r0;
    let fi = 0;
    for (let k = 0; k < M; k++) {
      const wt = w[i] * a.tau[k];
      const d = 1 / (1 + wt * wt);
      fr += rk[k] * d;
      fi -= rk[k] * wt * d;
    }
    fi += -invC / w[i] + ind * w[i];
    const src = keep ? keep[i] : i;
    const zri = a.zr[i];
    const zii = a.zi[i];
    const invMod = a.inv[i];
    zFitRe[src] = fr;
    zFitIm[src] = fi;
    const rr = (zri - fr) * invMod;
    const ri = (zii - fi) * invMod;
    residualsRe[src] = rr;
    residualsIm[src] = ri;
    maxRe = Math.max(maxRe, Math.abs(rr));
    maxIm = Math.max(maxIm, Math.abs(ri));
    ss += rr * rr + ri * ri;
  }
  return {
    M,
    mu: a.mu,
    residualsRe,
    residualsIm,
    maxAbsResidualRe: maxRe,
    maxAbsResidualIm: maxIm,
    maxAbsResidual: Math.max(maxRe, maxIm),
    rmsResidual: Math.sqrt(ss / (2 * n)),
    tau: a.tau.slice(),
    rk,
    r0,
    capacitanceF: invC !== 0 ? 1 / invC : Infinity,
    inductanceH: ind,
    zFitRe,
    zFitIm,
  };
}
