import { solveLeastSquares } from '../util/least-squares';
import { kkTimeConstants } from './kk-solver';

export type KkFitType = 'complex' | 'real' | 'imag';

/**
 * The linear KK fit of one part of the spectrum, as Schönleber et al. describe it and the Lin-KK tool
 * and impedance.py run it (rows weighted by 1/|Z|):
 * - real: R0 and the R_k from Re(Z); the elements with no real part (series C, L) are then fitted to
 *   what the RC chain leaves of Im(Z). The test is whether the Im(Z) the real part implies matches.
 * - imag: the R_k, C and L from Im(Z); R0, which has no imaginary part, is then the weighted mean of
 *   what the chain leaves of Re(Z).
 * Returns the coefficients in the complex solver's order: R0, R_1..R_M, [1/C], [L].
 */
export function kkPartialFit(
  w: Float64Array,
  zr: Float64Array,
  zi: Float64Array,
  inv: Float64Array,
  m: number,
  fitType: 'real' | 'imag',
  addCap: boolean,
  addInd: boolean,
  fMin: number,
  fMax: number,
): { coef: Float64Array; tau: Float64Array; mu: number } {
  const n = w.length;
  const tau = kkTimeConstants(fMin, fMax, m);
  const p = 1 + m + (addCap ? 1 : 0) + (addInd ? 1 : 0);
  const coef = new Float64Array(p);
  const reK = (i: number, k: number): number => 1 / (1 + (w[i] * tau[k]) ** 2);
  const imK = (i: number, k: number): number => (-w[i] * tau[k]) / (1 + (w[i] * tau[k]) ** 2);
  // Columns of the series C (as 1/C) and L: imaginary parts only.
  const extra: ((i: number) => number)[] = [...(addCap ? [(i: number) => -1 / w[i]] : []), ...(addInd ? [(i: number) => w[i]] : [])];

  if (fitType === 'real') {
    const a = new Float64Array((1 + m) * n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = inv[i];
      for (let k = 0; k < m; k++) a[(1 + k) * n + i] = reK(i, k) * inv[i];
      b[i] = zr[i] * inv[i];
    }
    const x = solveLeastSquares(a, n, 1 + m, b).x;
    coef.set(x, 0);
    if (extra.length) {
      const ae = new Float64Array(extra.length * n);
      const be = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let chain = 0;
        for (let k = 0; k < m; k++) chain += x[1 + k] * imK(i, k);
        be[i] = (zi[i] - chain) * inv[i];
        extra.forEach((col, j) => (ae[j * n + i] = col(i) * inv[i]));
      }
      coef.set(solveLeastSquares(ae, n, extra.length, be).x, 1 + m);
    }
  } else {
    const q = m + extra.length;
    const a = new Float64Array(q * n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) a[k * n + i] = imK(i, k) * inv[i];
      extra.forEach((col, j) => (a[(m + j) * n + i] = col(i) * inv[i]));
      b[i] = zi[i] * inv[i];
    }
    const x = solveLeastSquares(a, n, q, b).x;
    coef.set(x, 1);
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      let chain = 0;
      for (let k = 0; k < m; k++) chain += x[k] * reK(i, k);
      const wt = inv[i] * inv[i];
      num += wt * (zr[i] - chain);
      den += wt;
    }
    coef[0] = num / den;
  }
  let pos = 0;
  let neg = 0;
  for (let k = 1; k <= m; k++) {
    if (coef[k] >= 0) pos += coef[k];
    else neg -= coef[k];
  }
  return { coef, tau, mu: pos > 0 ? 1 - neg / pos : -Infinity };
}
