/**
 * Small dense linear algebra on row-major Float64Array matrices (n x n), no allocation.
 */

/**
 * In-place Cholesky factorisation of a symmetric positive definite matrix: on return the lower triangle
 * (including the diagonal) holds L with A = L L^T. Returns false when the matrix is not positive
 * definite (a pivot <= tiny * original diagonal).
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const jj = j * n + j;
    let d = a[jj];
    for (let k = 0; k < j; k++) {
      const l = a[j * n + k];
      d -= l * l;
    }
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    a[jj] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s * inv;
    }
  }
  return true;
}

/** Solves L L^T x = b with the factor from choleskyInPlace; b is overwritten with x. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k];
    b[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/**
 * Diagonal of the inverse of an SPD matrix from its Cholesky factor (column by column solve).
 * work must have length >= n. Writes into out (length n).
 */
export function choleskyInverseDiagonal(l: Float64Array, n: number, out: Float64Array, work: Float64Array): void {
  for (let c = 0; c < n; c++) {
    for (let i = 0; i < n; i++) work[i] = i === c ? 1 : 0;
    choleskySolveInPlace(l, n, work);
    out[c] = work[c];
  }
}

/**
 * Four dot products of x[ox + i] with y[o0 + i], y[o1 + i], y[o2 + i], y[o3 + i] for i in [lo, hi),
 * into out[0..3]: each x is read once for four products (the normal equations of the fitter and of
 * the Kramers-Kronig solver are built this way, four entries per pass).
 */
export function dot4(
  x: Float64Array,
  ox: number,
  y: Float64Array,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  lo: number,
  hi: number,
  out: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = lo; i < hi; i++) {
    const v = x[ox + i];
    s0 += v * y[o0 + i];
    s1 += v * y[o1 + i];
    s2 += v * y[o2 + i];
    s3 += v * y[o3 + i];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}
