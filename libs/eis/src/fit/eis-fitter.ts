import type { Circuit } from '../circuit/circuit';
import { CircuitEvaluator } from '../circuit/circuit-evaluator';
import { parseCircuit } from '../circuit/parse-circuit';
import type { Spectrum } from '../spectrum';
import { assertSpectrumShape } from '../spectrum';
import { choleskyInPlace, choleskyInverseDiagonal, choleskySolveInPlace, dot4 } from '../util/dense';
import { mulberry32 } from '../util/random';
import type { FitOptions, FitResult } from './fit-types';
import { createGuessWorkspace, guessParameters, planGuessBlocks, type GuessBlock, type GuessWorkspace } from './initial-guess';

/** Dot product of x[ox..ox+n) and y[oy..oy+n), four accumulators to shorten the dependency chain. */
function dot(x: Float64Array, ox: number, y: Float64Array, oy: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[ox + i] * y[oy + i];
    s1 += x[ox + i + 1] * y[oy + i + 1];
    s2 += x[ox + i + 2] * y[oy + i + 2];
    s3 += x[ox + i + 3] * y[oy + i + 3];
  }
  for (; i < n; i++) s0 += x[ox + i] * y[oy + i];
  return s0 + s1 + s2 + s3;
}

const N_MIN = 1e-6;
const N_MAX = 1 - 1e-9;
const U_LIMIT = 700;
/** Bound-crawl detection and jump (see EisFitter.boundJump). */
const CRAWL_MIN_STEP = 0.25;
const CRAWL_STEPS = 3;
const CRAWL_MAX_REDUCTION = 3e-3;
const CRAWL_JUMP = 20;
const CRAWL_OTHERS_MAX_STEP = 0.01;

/** Levenberg-Marquardt starts a fit may make when FitOptions.maxStarts is not given. */
export const DEFAULT_MAX_STARTS = 8;

/**
 * Reusable Levenberg-Marquardt fitter for one circuit. All work buffers are allocated once (and grown
 * when a longer spectrum arrives), so fitting thousands of cells allocates only the small result objects.
 *
 * Parameters are fitted in a transformed space that makes the problem scale-free and enforces bounds:
 * u = ln(p) for positive parameters (R, C, L, Q, sigma, Z0, tau) and u = logit(n) for CPE exponents,
 * so n stays in (0, 1). A step in u is a relative step in p, whatever the magnitude (mΩ or MΩ).
 *
 * LM: stacked real and imaginary residuals r (optionally divided by |Z|); normal equations
 * (JᵀJ + λ D) δ = -Jᵀr with Marquardt/Moré diagonal scaling D, solved by Cholesky (P x P);
 * λ updated by the gain ratio (Nielsen). The Jacobian is analytic (see CircuitEvaluator) times dp/du.
 */
export class EisFitter {
  readonly circuit: Circuit;
  private readonly P: number;
  private readonly ev: CircuitEvaluator;
  private readonly blocks: GuessBlock[];
  private capacity = 0;
  private n = 0;
  private f = new Float64Array(0);
  private xr = new Float64Array(0);
  private xi = new Float64Array(0);
  private w = new Float64Array(0);
  private r = new Float64Array(0);
  private jac = new Float64Array(0);
  private invMod2 = new Float64Array(0);
  private order = new Int32Array(0);
  private negIm = new Float64Array(0);
  private gws: GuessWorkspace;
  // P-sized buffers
  private readonly u: Float64Array;
  private readonly uTry: Float64Array;
  private readonly p: Float64Array;
  private readonly scale: Float64Array;
  private readonly g: Float64Array;
  private readonly a: Float64Array;
  private readonly m: Float64Array;
  private readonly diag: Float64Array;
  private readonly delta: Float64Array;
  private readonly guess: Float64Array;
  private readonly best: Float64Array;
  private readonly work: Float64Array;
  private readonly varDiag: Float64Array;
  private readonly four = new Float64Array(4);
  private isExponent: Uint8Array;
  /** Per parameter: accepted steps in a row that moved it the same way (bound crawl), and that way. */
  private readonly crawlCount: Int32Array;
  private readonly crawlSign: Int8Array;
  /** Sum of squared relative residuals of the last evaluation. */
  private lastRelSS = 0;
  private unitWeights = true;
  /** Per parameter: 0 = derivative complex, 1 = purely real (series R), 2 = purely imaginary (series C, L). */
  private readonly columnHalf: Uint8Array;
  /** Frequencies the evaluator was last set up with (skip the log/sqrt set-up when a sheet reuses them). */
  private evalFreq = new Float64Array(0);
  private evalFreqN = -1;

  constructor(circuit: Circuit | string, nPoints = 64) {
    this.circuit = typeof circuit === 'string' ? parseCircuit(circuit) : circuit;
    const P = (this.P = this.circuit.paramCount);
    this.ev = new CircuitEvaluator(this.circuit, nPoints);
    this.blocks = planGuessBlocks(this.circuit);
    this.gws = createGuessWorkspace(nPoints, this.blocks.length);
    const mk = (k: number) => new Float64Array(k);
    this.u = mk(P);
    this.uTry = mk(P);
    this.p = mk(P);
    this.scale = mk(P);
    this.g = mk(P);
    this.a = mk(P * P);
    this.m = mk(P * P);
    this.diag = mk(P);
    this.delta = mk(P);
    this.guess = mk(P);
    this.best = mk(P);
    this.work = mk(P);
    this.varDiag = mk(P);
    this.crawlCount = new Int32Array(P);
    this.crawlSign = new Int8Array(P);
    this.isExponent = Uint8Array.from(this.circuit.paramKinds.map((k) => (k === 'exponent' ? 1 : 0)));
    this.columnHalf = new Uint8Array(P);
    const top = this.circuit.root.kind === 'series' ? this.circuit.root.children : [this.circuit.root];
    for (const node of top) {
      if (node.kind !== 'element') continue;
      const t = node.element.type;
      if (t === 'R') this.columnHalf[node.element.paramOffset] = 1;
      if (t === 'C' || t === 'L') this.columnHalf[node.element.paramOffset] = 2;
    }
    this.ensureCapacity(nPoints);
  }

  private ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    this.f = new Float64Array(n);
    this.xr = new Float64Array(n);
    this.xi = new Float64Array(n);
    this.w = new Float64Array(n);
    this.r = new Float64Array(2 * n);
    this.jac = new Float64Array(2 * n * this.P);
    this.invMod2 = new Float64Array(n);
    this.order = new Int32Array(n);
    this.evalFreq = new Float64Array(n);
    this.evalFreqN = -1;
    this.negIm = new Float64Array(n);
    this.gws = createGuessWorkspace(n, this.blocks.length);
    this.ev.ensureCapacity(n);
  }

  /** Copies finite points sorted by frequency, descending. Returns the number kept. */
  private load(spectrum: Spectrum, modulus: boolean): number {
    const total = assertSpectrumShape(spectrum);
    this.ensureCapacity(total);
    const fr = spectrum.freqHz;
    const re = spectrum.zRe;
    const im = spectrum.zIm;
    const order = this.order;
    let n = 0;
    for (let i = 0; i < total; i++) {
      const fi = fr[i];
      if (fi > 0 && Number.isFinite(fi) && Number.isFinite(re[i]) && Number.isFinite(im[i])) {
        // insertion sort by descending frequency (O(n) for sweeps that are already ordered)
        let j = n++;
        while (j > 0 && fr[order[j - 1]] < fi) {
          order[j] = order[j - 1];
          j--;
        }
        order[j] = i;
      }
    }
    for (let k = 0; k < n; k++) {
      const i = order[k];
      this.f[k] = fr[i];
      this.xr[k] = re[i];
      this.xi[k] = im[i];
      this.negIm[k] = -im[i];
      const mod2 = re[i] * re[i] + im[i] * im[i];
      this.invMod2[k] = mod2 > 0 ? 1 / mod2 : 0;
      this.w[k] = modulus ? Math.sqrt(this.invMod2[k]) : 1;
    }
    this.n = n;
    let same = n === this.evalFreqN;
    for (let k = 0; same && k < n; k++) same = this.f[k] === this.evalFreq[k];
    if (!same) {
      this.ev.setFrequencies(this.f.subarray(0, n));
      this.evalFreq.set(this.f.subarray(0, n));
      this.evalFreqN = n;
    }
    return n;
  }

  /** p from u, and dp/du into scale. */
  private toNatural(u: Float64Array): void {
    for (let k = 0; k < this.P; k++) {
      const v = u[k] > U_LIMIT ? U_LIMIT : u[k] < -U_LIMIT ? -U_LIMIT : u[k];
      if (this.isExponent[k]) {
        const s = 1 / (1 + Math.exp(-v));
        this.p[k] = s;
        this.scale[k] = s * (1 - s);
      } else {
        const e = Math.exp(v);
        this.p[k] = e;
        this.scale[k] = e;
      }
    }
  }

  private toTransformed(p: ArrayLike<number>, u: Float64Array): void {
    for (let k = 0; k < this.P; k++) {
      const v = p[k];
      if (this.isExponent[k]) {
        const c = v < N_MIN ? N_MIN : v > N_MAX ? N_MAX : v;
        u[k] = Math.log(c / (1 - c));
      } else {
        u[k] = Math.log(v > 0 ? v : 1e-300);
      }
    }
  }

  /**
   * Evaluates the model at u; returns the cost 0.5 * sum(w^2 r^2). With normal = true also fills
   * a = JᵀJ and g = Jᵀr (Jacobian w.r.t. u); with normal = 'later' only the model's derivatives are
   * computed, and normalEquations() fills a and g from them if the caller keeps this point (a trial
   * step of LM that is rejected, about one in five, then costs no normal equations).
   */
  private evaluate(u: Float64Array, normal: boolean | 'later'): number {
    this.toNatural(u);
    const ev = this.ev;
    ev.evaluate(this.p, normal !== false);
    const n = this.n;
    const re = ev.re;
    const im = ev.im;
    const xr = this.xr;
    const xi = this.xi;
    const w = this.w;
    const r = this.r;
    const invMod2 = this.invMod2;
    let ss = 0;
    let rel = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      const er = re[i] - xr[i];
      const ei = im[i] - xi[i];
      const dr = er * wi;
      const di = ei * wi;
      r[i] = dr;
      r[n + i] = di;
      ss += dr * dr + di * di;
      rel += (er * er + ei * ei) * invMod2[i];
    }
    this.lastRelSS = rel;
    const cost = 0.5 * ss;
    if (normal === true && Number.isFinite(cost)) this.normalEquations();
    return cost;
  }

  /** a = JᵀJ and g = Jᵀr at the point evaluate() last computed with derivatives. */
  private normalEquations(): void {
    const ev = this.ev;
    const n = this.n;
    const n2 = 2 * n;
    const w = this.w;
    const r = this.r;
    const P = this.P;
    const cap = ev.capacity;
    const cap2 = 2 * cap;
    const dRe = ev.dRe;
    const dIm = ev.dIm;
    const jac = this.jac;
    const a = this.a;
    const g = this.g;
    const half = this.columnHalf;
    if (this.unitWeights) {
      // unit weights: A and g straight from the evaluator's derivative arrays, scaled afterwards
      // (A_kl = s_k s_l (dRe_k·dRe_l + dIm_k·dIm_l)); columns of series R (purely real) or series
      // C/L (purely imaginary) need only half the products
      for (let k = 0; k < P; k++) {
        const ok = k * cap;
        const hk = half[k];
        const sk = this.scale[k];
        const gr = hk === 2 ? 0 : dot(dRe, ok, r, 0, n);
        const gi = hk === 1 ? 0 : dot(dIm, ok, r, n, n);
        g[k] = (gr + gi) * sk;
        for (let l = 0; l <= k; l++) {
          const h = hk | half[l];
          const ol = l * cap;
          const sr = h === 0 || h === 1 ? dot(dRe, ok, dRe, ol, n) : 0;
          const si = h === 0 || h === 2 ? dot(dIm, ok, dIm, ol, n) : 0;
          const sum = (sr + si) * sk * this.scale[l];
          a[k * P + l] = sum;
          a[l * P + k] = sum;
        }
      }
      return;
    }
    // weighted: column k = w * scale_k * [dRe_k; dIm_k] in jac[k * cap2 ..], then unrolled dots
    for (let k = 0; k < P; k++) {
      const ok = k * cap;
      const oj = k * cap2;
      const sk = this.scale[k];
      for (let i = 0; i < n; i++) {
        const f = w[i] * sk;
        jac[oj + i] = dRe[ok + i] * f;
        jac[oj + n + i] = dIm[ok + i] * f;
      }
    }
    // Row k of a over the rows where column k can be non-zero (a series R is real, a series C or L
    // imaginary: the other half of its column is exactly 0), four entries per pass so that column k
    // is read once for four products: 1.3x faster than one dot product per entry on the feature circuit.
    for (let k = 0; k < P; k++) {
      const ok = k * cap2;
      const hk = half[k];
      const lo = hk === 2 ? n : 0;
      const hi = hk === 1 ? n : n2;
      g[k] = dot(jac, ok + lo, r, lo, hi - lo);
      let l = 0;
      const four = this.four;
      for (; l + 3 <= k; l += 4) {
        const o0 = l * cap2;
        dot4(jac, ok, jac, o0, o0 + cap2, o0 + 2 * cap2, o0 + 3 * cap2, lo, hi, four);
        for (let m = 0; m < 4; m++) a[k * P + l + m] = a[(l + m) * P + k] = four[m];
      }
      for (; l <= k; l++) {
        const sum = dot(jac, ok + lo, jac, l * cap2 + lo, hi - lo);
        a[k * P + l] = sum;
        a[l * P + k] = sum;
      }
    }
  }

  /**
   * Largest cosine between the residual vector and a Jacobian column (MINPACK's gtol measure) from the
   * current a and g: 0 at a stationary point. Small steps or reductions with a large cosine mean a
   * crawl along a degenerate valley (parameters drifting toward a bound), not convergence.
   */
  private gradientCosine(cost: number): number {
    const P = this.P;
    const rnorm = Math.sqrt(2 * cost);
    let gmax = 0;
    for (let k = 0; k < P; k++) {
      const akk = this.a[k * P + k];
      if (akk > 0) {
        const c = Math.abs(this.g[k]) / (Math.sqrt(akk) * rnorm);
        if (c > gmax) gmax = c;
      }
    }
    return gmax;
  }

  /**
   * Bound crawl: when the optimum of a series resistance of the top-level chain (R0) is at 0 (a cell
   * whose ohmic resistance is below what the noise can resolve), LM in u = ln p only moves u by a roughly constant amount per iteration
   * while the cost stays flat, and needs tens of iterations to get p down to where its effect is below
   * rounding (where it then stops). Called after each accepted step (this.delta = that step): when a
   * log parameter has moved the same way by more than CRAWL_MIN_STEP in CRAWL_STEPS accepted steps in a
   * row, each reducing the cost by less than CRAWL_MAX_REDUCTION (relative), and no other parameter moved
   * by more than CRAWL_OTHERS_MAX_STEP in the last step, its u is moved CRAWL_JUMP
   * further that way at once. (Only series R: for parameters inside arcs or tails the valley is curved
   * and jumping out of it lost better optima on leaky cells.) The jump is kept only when the cost does not increase and the gradient
   * at the new point still pushes p toward the bound (the bound is a minimum along p, KKT); a and g
   * then describe the new point. Otherwise a and g are restored. Returns the cost at this.u afterwards.
   */
  private boundJump(actualReduction: number, cost: number): number {
    const P = this.P;
    const count = this.crawlCount;
    if (!(actualReduction < CRAWL_MAX_REDUCTION)) {
      count.fill(0);
      return cost;
    }
    let jumpK = -1;
    for (let k = 0; k < P; k++) {
      if (this.columnHalf[k] !== 1) continue; // series resistors of the top-level chain only
      const d = this.delta[k];
      const sign = d > CRAWL_MIN_STEP ? 1 : d < -CRAWL_MIN_STEP ? -1 : 0;
      if (sign === 0) count[k] = 0;
      else if (sign === this.crawlSign[k]) count[k]++;
      else count[k] = 1;
      this.crawlSign[k] = sign;
      if (count[k] >= CRAWL_STEPS && jumpK < 0) jumpK = k;
    }
    if (jumpK < 0) return cost;
    // a pure crawl: nothing else is still moving (else the valley is curved: let LM follow it)
    for (let k = 0; k < P; k++) {
      if (k !== jumpK && Math.abs(this.delta[k]) > CRAWL_OTHERS_MAX_STEP) return cost;
    }
    count[jumpK] = 0;
    const u = this.u;
    const uTry = this.uTry;
    const a = this.a;
    const g = this.g;
    const aSaved = this.m;
    const gSaved = this.work;
    for (let k = 0; k < P; k++) {
      uTry[k] = u[k];
      gSaved[k] = g[k];
    }
    for (let k = 0; k < P * P; k++) aSaved[k] = a[k];
    const target = u[jumpK] + this.crawlSign[jumpK] * CRAWL_JUMP;
    uTry[jumpK] = target > U_LIMIT ? U_LIMIT : target < -U_LIMIT ? -U_LIMIT : target;
    const relSaved = this.lastRelSS;
    const costJump = this.evaluate(uTry, true);
    // keep it only when the cost did not rise and the bound is a minimum along p there: the gradient in
    // u (p dcost/dp) still points the way of the jump, i.e. moving p back would not lower the cost
    if (Number.isFinite(costJump) && costJump <= cost && this.crawlSign[jumpK] * g[jumpK] <= 0) {
      for (let k = 0; k < P; k++) u[k] = uTry[k];
      return costJump;
    }
    for (let k = 0; k < P; k++) g[k] = gSaved[k];
    for (let k = 0; k < P * P; k++) a[k] = aSaved[k];
    this.lastRelSS = relSaved;
    return cost;
  }

  /**
   * One Levenberg-Marquardt run from this.u; leaves the optimum in this.u, and a (JᵀJ) and g (Jᵀr) at it.
   */
  private runLm(maxIter: number, ftol: number, xtol: number): { cost: number; relSS: number; iterations: number; converged: boolean } {
    const P = this.P;
    const u = this.u;
    const uTry = this.uTry;
    const a = this.a;
    const m = this.m;
    const g = this.g;
    const diag = this.diag;
    const delta = this.delta;
    let cost = this.evaluate(u, true);
    let relSS = this.lastRelSS;
    if (!Number.isFinite(cost)) return { cost, relSS, iterations: 0, converged: false };
    if (cost === 0) return { cost, relSS, iterations: 0, converged: true };
    let maxDiag = 0;
    for (let k = 0; k < P; k++) {
      diag[k] = a[k * P + k];
      if (diag[k] > maxDiag) maxDiag = diag[k];
    }
    const floor = maxDiag > 0 ? maxDiag * 1e-14 : 1e-300;
    let lambda = 1e-3;
    let nu = 2;
    let iter = 0;
    let converged = false;
    this.crawlCount.fill(0);
    while (iter < maxIter) {
      iter++;
      for (let k = 0; k < P; k++) {
        const akk = a[k * P + k];
        if (akk > diag[k]) diag[k] = akk;
        if (diag[k] < floor) diag[k] = floor;
      }
      // gradient test (cosine between the residual and each Jacobian column, MINPACK gtol)
      let gmax = 0;
      const rnorm = Math.sqrt(2 * cost);
      for (let k = 0; k < P; k++) {
        const akk = a[k * P + k];
        if (akk > 0) {
          const c = Math.abs(g[k]) / (Math.sqrt(akk) * rnorm);
          if (c > gmax) gmax = c;
        }
      }
      if (gmax <= 1e-12) {
        converged = true;
        break;
      }
      // solve (A + lambda D) delta = -g
      for (let k = 0; k < P * P; k++) m[k] = a[k];
      for (let k = 0; k < P; k++) m[k * P + k] += lambda * diag[k];
      if (!choleskyInPlace(m, P)) {
        lambda *= nu;
        nu *= 2;
        if (lambda > 1e30) break;
        continue;
      }
      for (let k = 0; k < P; k++) delta[k] = -g[k];
      choleskySolveInPlace(m, P, delta);
      let stepMax = 0;
      let pred = 0;
      for (let k = 0; k < P; k++) {
        const d = delta[k];
        uTry[k] = u[k] + d;
        if (Math.abs(d) > stepMax) stepMax = Math.abs(d);
        // predicted reduction 0.5 * d^T (lambda D d - g)
        pred += d * (lambda * diag[k] * d - g[k]);
      }
      pred *= 0.5;
      // a and g (of u) stay as they are unless the step is accepted: only then are they rebuilt
      const costTry = this.evaluate(uTry, 'later');
      const rho = pred > 0 ? (cost - costTry) / pred : -1;
      if (Number.isFinite(costTry) && costTry < cost && rho > 0) {
        this.normalEquations();
        const actual = (cost - costTry) / cost;
        const predicted = pred / cost;
        for (let k = 0; k < P; k++) u[k] = uTry[k];
        cost = costTry;
        relSS = this.lastRelSS;
        const t = 2 * rho - 1;
        lambda *= Math.max(1 / 3, 1 - t * t * t);
        if (lambda < 1e-15) lambda = 1e-15;
        nu = 2;
        // small steps or reductions mean convergence only when the damping is light: under heavy
        // damping LM crawls with tiny steps far from the optimum
        if (cost === 0 || (lambda < 1 && ((actual <= ftol && predicted <= ftol) || stepMax <= xtol) && this.gradientCosine(cost) <= 1e-2)) {
          converged = true;
          break;
        }
        cost = this.boundJump(actual, cost);
        relSS = this.lastRelSS;
      } else {
        // rejected: a and g still describe u
        if (stepMax <= xtol * 1e-2 || pred <= cost * 1e-16) {
          // the model cannot improve further from here
          converged = true;
          break;
        }
        lambda *= nu;
        nu *= 2;
        if (lambda > 1e30) break;
      }
    }
    return { cost, relSS, iterations: iter, converged };
  }

  /** Fits the circuit to the spectrum. See FitOptions for the knobs. */
  fit(spectrum: Spectrum, options: FitOptions = {}): FitResult {
    const P = this.P;
    const modulus = options.weighting === 'modulus';
    const n = this.load(spectrum, modulus);
    this.unitWeights = !modulus;
    if (n === 0) throw new RangeError('spectrum has no finite points with a positive frequency');
    const maxIter = options.maxIterations ?? 200;
    const maxStarts = Math.max(1, options.maxStarts ?? DEFAULT_MAX_STARTS);
    const restartRelRms = options.restartRelRms ?? 0.03;
    const ftol = options.ftol ?? 1e-8;
    const xtol = options.xtol ?? 1e-7;
    const rand = mulberry32(options.seed ?? 12345);

    let bestCost = Infinity;
    let bestIter = 0;
    let bestConverged = false;
    let bestRelRms = Infinity;
    let starts = 0;
    let bestStart = -1;
    let autoVariant = 0;
    for (let s = 0; s < maxStarts; s++) {
      if (s === 0 && options.initialGuess) {
        if (options.initialGuess.length !== P) {
          throw new RangeError(`initialGuess has ${options.initialGuess.length} values, circuit takes ${P}`);
        }
        for (let k = 0; k < P; k++) this.guess[k] = options.initialGuess[k];
      } else {
        guessParameters(this.circuit, this.blocks, this.f, this.xr, this.negIm, n, this.guess, this.gws, autoVariant, rand);
        autoVariant++;
      }
      this.toTransformed(this.guess, this.u);
      const run = this.runLm(maxIter, ftol, xtol);
      starts++;
      if (Number.isFinite(run.cost) && run.cost < bestCost) {
        bestCost = run.cost;
        bestIter = run.iterations;
        bestConverged = run.converged;
        bestRelRms = Math.sqrt(run.relSS / (2 * n));
        bestStart = s;
        for (let k = 0; k < P; k++) this.best[k] = this.u[k];
      }
      if (bestConverged && bestRelRms <= restartRelRms) break;
    }
    if (!Number.isFinite(bestCost)) {
      return {
        circuit: this.circuit.source,
        paramNames: this.circuit.paramNames.slice(),
        params: Array.from(this.guess),
        stdErrors: new Array<number>(P).fill(NaN),
        chiSquare: NaN,
        relRms: NaN,
        iterations: 0,
        converged: false,
        starts,
        nPoints: n,
      };
    }
    // a and g hold the normal equations at the end of the last run; recompute them if the best start
    // was an earlier one
    for (let k = 0; k < P; k++) this.u[k] = this.best[k];
    const cost = bestStart === starts - 1 ? bestCost : this.evaluate(this.u, true);
    this.toNatural(this.u);
    const params = Array.from(this.p);
    const stdErrors = this.standardErrors(cost, n);
    let finite = true;
    for (let k = 0; k < P; k++) if (!Number.isFinite(params[k])) finite = false;
    return {
      circuit: this.circuit.source,
      paramNames: this.circuit.paramNames.slice(),
      params,
      stdErrors,
      chiSquare: 2 * cost,
      relRms: bestRelRms,
      iterations: bestIter,
      converged: bestConverged && finite,
      starts,
      nPoints: n,
    };
  }

  /** Standard errors in natural units from a = JᵀJ (in u) at the optimum (evaluate(u, true) just ran). */
  private standardErrors(cost: number, n: number): number[] {
    const P = this.P;
    const dof = 2 * n - P;
    const out = new Array<number>(P).fill(NaN);
    if (dof <= 0) return out;
    const s2 = (2 * cost) / dof;
    // Jp = Ju / scale  =>  (Jpᵀ Jp)_kl = a_kl / (scale_k scale_l); scale rows/cols to unit diagonal first
    const m = this.m;
    const d = this.work;
    for (let k = 0; k < P; k++) {
      const akk = this.a[k * P + k];
      d[k] = akk > 0 ? 1 / Math.sqrt(akk) : 0;
    }
    for (let k = 0; k < P; k++) for (let l = 0; l < P; l++) m[k * P + l] = this.a[k * P + l] * d[k] * d[l];
    if (!choleskyInPlace(m, P)) return out;
    const tmp = new Float64Array(P);
    choleskyInverseDiagonal(m, P, this.varDiag, tmp);
    for (let k = 0; k < P; k++) {
      // var(u_k) = inv(a)_kk = inv(scaled)_kk * d_k^2 ; var(p_k) = scale_k^2 var(u_k)
      const varU = this.varDiag[k] * d[k] * d[k];
      const se = Math.sqrt(varU * s2) * this.scale[k];
      out[k] = Number.isFinite(se) ? se : NaN;
    }
    return out;
  }
}

/** A reusable fitter for one circuit (buffers sized for nPoints, grown on demand). */
export function createFitter(circuit: Circuit | string, nPoints = 64): EisFitter {
  return new EisFitter(circuit, nPoints);
}

/** One-off fit; for many spectra with the same circuit, use createFitter and reuse it. */
export function fitCircuit(circuit: Circuit | string, spectrum: Spectrum, options?: FitOptions): FitResult {
  return new EisFitter(circuit, Math.max(1, spectrum.freqHz.length)).fit(spectrum, options);
}
