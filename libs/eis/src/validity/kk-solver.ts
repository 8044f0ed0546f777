import { solveLeastSquares } from '../util/least-squares';

/**
 * Reusable linear Kramers-Kronig solver for one frequency list (a sheet measures every cell on the
 * same list). The RC basis (time constants log-spaced between the frequency limits) depends only on
 * the frequencies and is computed once per M and kept. A cell then costs, per M tried, the weighted
 * normal matrix in closed form (below), a Cholesky factorisation of the small (M+2..M+3)² system with
 * Jacobi scaling, and, when the scaled system is not well conditioned, one step of iterative refinement
 * on the true residual (corrected semi-normal equations, which restores the accuracy of an orthogonal
 * factorisation while cond(A)² eps << 1). When the scaled system is too ill-conditioned even for that
 * (a pivot below PIVOT_FLOOR), the column-pivoted Householder solve (solveLeastSquares) is used, so
 * rank-deficient bases give the same basic solution as before. The mu search itself (first M with
 * mu <= c) is unchanged. No allocation per cell apart from the result arrays.
 *
 * The normal matrix without products of columns. With b_k = 1 / (1 + jωτ_k) the RC columns,
 *   b_k conj(b_l) = (τ_k b_k + τ_l conj(b_l)) / (τ_k + τ_l)
 * (multiply out: τ_k (1 - jωτ_l) + τ_l (1 + jωτ_k) = τ_k + τ_l), so with weights w = 1/|Z|² and
 * s_k = Σ w Re b_k:
 *   G_kl = Σ w Re(b_k conj b_l) = (τ_k s_k + τ_l s_l) / (τ_k + τ_l),
 * the series R's entries are s_k, the series C's (imaginary part -1/ω) τ_k s_k, and the series L's
 * (imaginary part ω) Σ w ω Im b_k. A cell then costs about 2 (M+1) n multiply-adds for its normal matrix
 * instead of (M+3)² n / 2 from per-point products (kept for a while as a table per M, and before that
 * QR per M), and the entries are weighted means of positive sums, with no cancellation. On the
 * simulator's 50 x 50 sheet (M 12 to 22, the range the mu search visits) a fit went from 10.4 to 5.9
 * µs, about 85 to 50 µs of a cell's features (8 fits a cell); most of what is left is the Cholesky
 * factorisation. `kk-solver.spec.ts` compares every coefficient with a pivoted-QR least squares.
 */
/** Smallest Cholesky pivot (of the unit-diagonal normal matrix) trusted; below: QR fallback. */
const PIVOT_FLOOR = 1e-6;
/**
 * Below this smallest pivot the solution gets one refinement step. Above it cond(scaled normal matrix)
 * is at most ~p / 1e-6 and the plain normal-equation solution is already accurate to ~1e-9 (the
 * sheets of the simulator have smallest pivots of 0.02-0.25 at the M the mu search visits).
 */
const REFINE_BELOW_PIVOT = 1e-3;
/**
 * Bases kept per solver, in doubles (32 MB). A 49-point sheet needs ~2 kB per M; long spectra with
 * large M beyond the budget are rebuilt on each use instead of kept.
 */
const MAX_CACHED_DOUBLES = 4_000_000;

/** The basis of one M: its columns at every point. */
interface Basis {
  m: number;
  p: number;
  tau: Float64Array;
  /** Column j, real part at point i: bRe[j * n + i]; imaginary: bIm[j * n + i]. */
  bRe: Float64Array;
  bIm: Float64Array;
}

/** Time constants of the RC elements: log-spaced from 1/(2π f_max) to 1/(2π f_min). */
export function kkTimeConstants(fMin: number, fMax: number, m: number): Float64Array {
  const tMin = 1 / (2 * Math.PI * fMax);
  const tMax = 1 / (2 * Math.PI * fMin);
  const out = new Float64Array(m);
  if (m === 1) {
    out[0] = Math.sqrt(tMin * tMax);
    return out;
  }
  const l0 = Math.log(tMin);
  const step = (Math.log(tMax) - l0) / (m - 1);
  for (let k = 0; k < m; k++) out[k] = Math.exp(l0 + step * k);
  out[0] = tMin;
  out[m - 1] = tMax;
  return out;
}

/** Result of one linear fit: mu and the coefficients (0 = R0, 1..M = R_k, then 1/C, then L). */
export interface KkLinearFit {
  mu: number;
  coef: Float64Array;
  tau: Float64Array;
}

export class KramersKronigSolver {
  /** Angular frequencies of the points (in the order given). */
  readonly w: Float64Array;
  readonly n: number;
  readonly fMin: number;
  readonly fMax: number;
  readonly addCap: boolean;
  readonly addInd: boolean;
  private readonly bases: (Basis | undefined)[] = [];
  private cachedSize = 0;
  /** 1/ω² and ω² of each point (the series C's and L's columns squared). */
  private readonly invW2: Float64Array;
  private readonly w2: Float64Array;
  // per-cell work buffers (sized for the largest M used so far)
  private readonly wt: Float64Array; // 1 / |Z|^2
  /** 1 / |Z| of the loaded cell. */
  readonly inv: Float64Array;
  private readonly wzr: Float64Array; // zr / |Z|^2
  private readonly wzi: Float64Array; // zi / |Z|^2
  private readonly wtw: Float64Array; // ω / |Z|^2
  /** The loaded cell's impedance. */
  readonly zr: Float64Array;
  readonly zi: Float64Array;
  private readonly resRe: Float64Array;
  private readonly resIm: Float64Array;
  private g = new Float64Array(0);
  private rhs = new Float64Array(0);
  private scale = new Float64Array(0);
  private x = new Float64Array(0);
  private dx = new Float64Array(0);
  /** Per RC column k: s_k = Σ w Re b_k and Σ w ω Im b_k (see the class comment). */
  private colRe = new Float64Array(0);
  private colIm = new Float64Array(0);

  /** freqHz: the (valid, positive, finite) frequencies of every point, in the order the spectra use. */
  constructor(freqHz: ArrayLike<number>, addCapacitance: boolean, addInductance: boolean) {
    const n = (this.n = freqHz.length);
    this.w = new Float64Array(n);
    let fMin = Infinity;
    let fMax = 0;
    for (let i = 0; i < n; i++) {
      const f = freqHz[i];
      if (!(f > 0) || !Number.isFinite(f)) throw new RangeError(`invalid frequency ${f} at index ${i}`);
      this.w[i] = 2 * Math.PI * f;
      if (f < fMin) fMin = f;
      if (f > fMax) fMax = f;
    }
    this.fMin = fMin;
    this.fMax = fMax;
    this.addCap = addCapacitance;
    this.addInd = addInductance;
    this.wt = new Float64Array(n);
    this.inv = new Float64Array(n);
    this.wzr = new Float64Array(n);
    this.wzi = new Float64Array(n);
    this.wtw = new Float64Array(n);
    this.invW2 = new Float64Array(n);
    this.w2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.w2[i] = this.w[i] * this.w[i];
      this.invW2[i] = 1 / this.w2[i];
    }
    this.zr = new Float64Array(n);
    this.zi = new Float64Array(n);
    this.resRe = new Float64Array(n);
    this.resIm = new Float64Array(n);
  }

  private basis(m: number): Basis {
    const cached = this.bases[m];
    if (cached) return cached;
    const n = this.n;
    const w = this.w;
    const p = 1 + m + (this.addCap ? 1 : 0) + (this.addInd ? 1 : 0);
    const tau = kkTimeConstants(this.fMin, this.fMax, m);
    const bRe = new Float64Array(p * n);
    const bIm = new Float64Array(p * n);
    for (let i = 0; i < n; i++) {
      bRe[i] = 1;
      for (let k = 0; k < m; k++) {
        const x = w[i] * tau[k];
        const d = 1 / (1 + x * x);
        bRe[(1 + k) * n + i] = d;
        bIm[(1 + k) * n + i] = -x * d;
      }
      let col = 1 + m;
      if (this.addCap) {
        bIm[col * n + i] = -1 / w[i];
        col++;
      }
      if (this.addInd) bIm[col * n + i] = w[i];
    }
    const b: Basis = { m, p, tau, bRe, bIm };
    const size = bRe.length + bIm.length;
    if (this.cachedSize + size <= MAX_CACHED_DOUBLES) {
      this.bases[m] = b;
      this.cachedSize += size;
    }
    if (this.g.length < p * p) {
      this.g = new Float64Array(p * p);
      this.rhs = new Float64Array(p);
      this.scale = new Float64Array(p);
      this.x = new Float64Array(p);
      this.dx = new Float64Array(p);
      this.colRe = new Float64Array(p);
      this.colIm = new Float64Array(p);
    }
    return b;
  }

  /** Loads one cell (all points must be finite with |Z| > 0; see canUse). */
  load(zRe: ArrayLike<number>, zIm: ArrayLike<number>): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const r = zRe[i];
      const im = zIm[i];
      const m2 = r * r + im * im;
      const mod = Math.hypot(r, im);
      this.zr[i] = r;
      this.zi[i] = im;
      this.inv[i] = 1 / mod;
      const wt = 1 / m2;
      this.wt[i] = wt;
      this.wzr[i] = r * wt;
      this.wzi[i] = im * wt;
      this.wtw[i] = this.w[i] * wt;
    }
  }

  /** True when every point of the spectrum is usable (finite, |Z| > 0), i.e. the fast path applies. */
  canUse(zRe: ArrayLike<number>, zIm: ArrayLike<number>): boolean {
    if (zRe.length !== this.n || zIm.length !== this.n) return false;
    for (let i = 0; i < this.n; i++) {
      const r = zRe[i];
      const im = zIm[i];
      if (!Number.isFinite(r) || !Number.isFinite(im) || !(r * r + im * im > 0)) return false;
    }
    return true;
  }

  /** Right-hand side A^T b - A^T A x (weighted) for the current x: the refinement step's. */
  private residualRhs(b: Basis, x: Float64Array): void {
    const n = this.n;
    const p = b.p;
    const bRe = b.bRe;
    const bIm = b.bIm;
    const resRe = this.resRe;
    const resIm = this.resIm;
    // weighted residual of the data, (z - B x) / |Z|^2, then A^T r = B^T (that)
    for (let i = 0; i < n; i++) {
      resRe[i] = this.zr[i];
      resIm[i] = this.zi[i];
    }
    for (let j = 0; j < p; j++) {
      const xj = x[j];
      const oj = j * n;
      for (let i = 0; i < n; i++) {
        resRe[i] -= bRe[oj + i] * xj;
        resIm[i] -= bIm[oj + i] * xj;
      }
    }
    for (let i = 0; i < n; i++) {
      resRe[i] *= this.wt[i];
      resIm[i] *= this.wt[i];
    }
    const rhs = this.rhs;
    for (let j = 0; j < p; j++) {
      const oj = j * n;
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < n; i++) {
        s0 += bRe[oj + i] * resRe[i];
        s1 += bIm[oj + i] * resIm[i];
      }
      rhs[j] = s0 + s1;
    }
  }

  /** Solves the scaled, factored system for rhs into out (out = D (L L^T)^-1 D rhs). */
  private solveFactored(p: number, out: Float64Array): void {
    const g = this.g;
    const s = this.scale;
    const y = out;
    for (let i = 0; i < p; i++) {
      let v = this.rhs[i] * s[i];
      for (let k = 0; k < i; k++) v -= g[i * p + k] * y[k];
      y[i] = v / g[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let v = y[i];
      for (let k = i + 1; k < p; k++) v -= g[k * p + i] * y[k];
      y[i] = v / g[i * p + i];
    }
    for (let i = 0; i < p; i++) y[i] *= s[i];
  }

  /**
   * The loaded cell's weighted normal matrix (lower triangle, row-major, in g) and right-hand side (in
   * rhs) for the basis b, in closed form (see the class comment): one pass over the points per RC
   * column, none per pair of columns.
   */
  private normalSystem(b: Basis): void {
    const n = this.n;
    const p = b.p;
    const m = b.m;
    const g = this.g;
    const rhs = this.rhs;
    const tau = b.tau;
    const bRe = b.bRe;
    const bIm = b.bIm;
    const wt = this.wt;
    const wtw = this.wtw;
    const wzr = this.wzr;
    const wzi = this.wzi;
    const colRe = this.colRe;
    const colIm = this.colIm;
    let sumW = 0;
    let sumWzr = 0;
    let sumWOverW2 = 0;
    let sumWW2 = 0;
    let sumWziOverW = 0;
    let sumWziW = 0;
    for (let i = 0; i < n; i++) {
      const wi = wt[i];
      sumW += wi;
      sumWzr += wzr[i];
      sumWOverW2 += wi * this.invW2[i];
      sumWW2 += wi * this.w2[i];
      sumWziOverW += wzi[i] / this.w[i];
      sumWziW += wzi[i] * this.w[i];
    }
    for (let k = 1; k <= m; k++) {
      const o = k * n;
      let sRe = 0;
      let sIm = 0;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const re = bRe[o + i];
        const im = bIm[o + i];
        sRe += re * wt[i];
        sIm += im * wtw[i];
        r += re * wzr[i] + im * wzi[i];
      }
      colRe[k] = sRe;
      colIm[k] = sIm;
      rhs[k] = r;
    }
    g[0] = sumW;
    rhs[0] = sumWzr;
    for (let k = 1; k <= m; k++) {
      const row = k * p;
      const tk = tau[k - 1];
      const ts = tk * colRe[k];
      g[row] = colRe[k];
      for (let l = 1; l < k; l++) {
        const tl = tau[l - 1];
        g[row + l] = (ts + tl * colRe[l]) / (tk + tl);
      }
      g[row + k] = colRe[k];
    }
    let col = 1 + m;
    if (this.addCap) {
      // column -1/ω on the imaginary part
      const row = col * p;
      g[row] = 0;
      for (let k = 1; k <= m; k++) g[row + k] = tau[k - 1] * colRe[k];
      g[row + col] = sumWOverW2;
      rhs[col] = -sumWziOverW;
      col++;
    }
    if (this.addInd) {
      // column ω on the imaginary part
      const row = col * p;
      g[row] = 0;
      for (let k = 1; k <= m; k++) g[row + k] = colIm[k];
      if (this.addCap) g[row + col - 1] = -sumW;
      g[row + col] = sumWW2;
      rhs[col] = sumWziW;
    }
  }

  /** Fits the loaded cell with m RC elements. The returned coef/tau may be reused by the next call: copy to keep. */
  fit(m: number): KkLinearFit {
    const b = this.basis(m);
    const p = b.p;
    const g = this.g;
    this.normalSystem(b);
    const sc = this.scale;
    let ok = true;
    let minPivot = 0;
    for (let k = 0; k < p; k++) {
      const d = g[k * p + k];
      if (!(d > 0)) ok = false;
      sc[k] = d > 0 ? 1 / Math.sqrt(d) : 0;
    }
    if (ok) {
      for (let k = 0; k < p; k++) for (let l = 0; l <= k; l++) g[k * p + l] *= sc[k] * sc[l];
      // Cholesky in the lower triangle
      minPivot = Infinity;
      for (let j = 0; j < p && ok; j++) {
        let d = g[j * p + j];
        for (let k = 0; k < j; k++) d -= g[j * p + k] * g[j * p + k];
        if (!(d > PIVOT_FLOOR * PIVOT_FLOOR)) {
          ok = false;
          break;
        }
        const ljj = Math.sqrt(d);
        if (ljj < minPivot) minPivot = ljj;
        g[j * p + j] = ljj;
        const inv = 1 / ljj;
        for (let i = j + 1; i < p; i++) {
          let s = g[i * p + j];
          for (let k = 0; k < j; k++) s -= g[i * p + k] * g[j * p + k];
          g[i * p + j] = s * inv;
        }
      }
    }
    const x = this.x;
    if (ok) {
      this.solveFactored(p, x);
      if (minPivot < REFINE_BELOW_PIVOT) {
        // one step of refinement on the true residual
        this.residualRhs(b, x);
        const dx = this.dx;
        this.solveFactored(p, dx);
        for (let k = 0; k < p; k++) x[k] += dx[k];
      }
    } else {
      this.solveByQr(b, x);
    }
    let pos = 0;
    let neg = 0;
    for (let k = 1; k <= m; k++) {
      if (x[k] >= 0) pos += x[k];
      else neg -= x[k];
    }
    const mu = pos > 0 ? 1 - neg / pos : -Infinity;
    return { mu, coef: x.subarray(0, p), tau: b.tau };
  }

  /**
   * Largest and root-mean-square relative residual, (Z - Z_KK) / |Z| over both parts of every point,
   * of the loaded cell under the model coef of m RC elements (as fit(m) returns it), from the cached
   * basis: no division and no array per cell.
   */
  residuals(m: number, coef: ArrayLike<number>): { maxAbs: number; rms: number } {
    const b = this.basis(m);
    const n = this.n;
    const p = b.p;
    const fitRe = this.resRe;
    const fitIm = this.resIm;
    fitRe.fill(0);
    fitIm.fill(0);
    for (let j = 0; j < p; j++) {
      const x = coef[j];
      const o = j * n;
      for (let i = 0; i < n; i++) {
        fitRe[i] += b.bRe[o + i] * x;
        fitIm[i] += b.bIm[o + i] * x;
      }
    }
    let max = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const rr = (this.zr[i] - fitRe[i]) * this.inv[i];
      const ri = (this.zi[i] - fitIm[i]) * this.inv[i];
      const a = Math.max(Math.abs(rr), Math.abs(ri));
      if (a > max) max = a;
      ss += rr * rr + ri * ri;
    }
    return { maxAbs: max, rms: Math.sqrt(ss / (2 * n)) };
  }

  /** The column-pivoted Householder solve of the plain implementation (ill-conditioned bases). */
  private solveByQr(b: Basis, out: Float64Array): void {
    const n = this.n;
    const rows = 2 * n;
    const p = b.p;
    const a = new Float64Array(rows * p);
    const rhs = new Float64Array(rows);
    for (let i = 0; i < n; i++) {
      const inv = this.inv[i];
      rhs[i] = this.zr[i] * inv;
      rhs[n + i] = this.zi[i] * inv;
      for (let j = 0; j < p; j++) {
        a[j * rows + i] = b.bRe[j * n + i] * inv;
        a[j * rows + n + i] = b.bIm[j * n + i] * inv;
      }
    }
    const { x } = solveLeastSquares(a, rows, p, rhs);
    out.set(x);
  }
}
