/**
 * Linear least squares min ||A x - b|| by Householder QR with column pivoting. A is m x p, column-major
 * (a[j * m + i]); it and b are overwritten. Columns are scaled to unit norm first, so columns of very
 * different magnitude (resistances next to 1/C next to L) do not upset the pivoting. Directions whose
 * pivot falls below rcond * largest pivot are dropped (coefficient 0), giving a basic solution when the
 * basis is numerically rank deficient. Returns the solution (length p) and the numerical rank.
 */
export function solveLeastSquares(
  a: Float64Array,
  m: number,
  p: number,
  b: Float64Array,
  rcond = 1e-13,
): { x: Float64Array; rank: number } {
  const colScale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[j * m + i] * a[j * m + i];
    const nrm = Math.sqrt(s);
    colScale[j] = nrm > 0 ? 1 / nrm : 0;
    for (let i = 0; i < m; i++) a[j * m + i] *= colScale[j];
  }
  const perm = new Int32Array(p);
  for (let j = 0; j < p; j++) perm[j] = j;
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[j * m + i] * a[j * m + i];
    norms[j] = s;
  }
  const diag = new Float64Array(p);
  const steps = Math.min(m, p);
  let rank = 0;
  let maxPivot = 0;
  for (let k = 0; k < steps; k++) {
    // pivot: remaining column with the largest remaining norm (recomputed, the sizes are small)
    let best = k;
    let bestNorm = -1;
    for (let j = k; j < p; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += a[j * m + i] * a[j * m + i];
      norms[j] = s;
      if (s > bestNorm) {
        bestNorm = s;
        best = j;
      }
    }
    if (best !== k) {
      for (let i = 0; i < m; i++) {
        const t = a[k * m + i];
        a[k * m + i] = a[best * m + i];
        a[best * m + i] = t;
      }
      const t = perm[k];
      perm[k] = perm[best];
      perm[best] = t;
    }
    const alphaNorm = Math.sqrt(Math.max(bestNorm, 0));
    if (k === 0) maxPivot = alphaNorm;
    if (!(alphaNorm > rcond * maxPivot) || alphaNorm === 0) break;
    rank++;
    // Householder vector v = x - alpha e1, stored in place of column k (below the diagonal)
    const ck = k * m;
    const x0 = a[ck + k];
    const alpha = x0 > 0 ? -alphaNorm : alphaNorm;
    const v0 = x0 - alpha;
    a[ck + k] = v0;
    let vnorm2 = v0 * v0;
    for (let i = k + 1; i < m; i++) vnorm2 += a[ck + i] * a[ck + i];
    diag[k] = alpha;
    if (vnorm2 === 0) continue;
    const beta = 2 / vnorm2;
    for (let j = k + 1; j < p; j++) {
      const cj = j * m;
      let s = 0;
      for (let i = k; i < m; i++) s += a[ck + i] * a[cj + i];
      s *= beta;
      for (let i = k; i < m; i++) a[cj + i] -= s * a[ck + i];
    }
    let s = 0;
    for (let i = k; i < m; i++) s += a[ck + i] * b[i];
    s *= beta;
    for (let i = k; i < m; i++) b[i] -= s * a[ck + i];
  }
  // back substitution on the leading rank x rank block of R
  const y = new Float64Array(p);
  for (let k = rank - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < rank; j++) s -= a[j * m + k] * y[j];
    y[k] = s / diag[k];
  }
  const x = new Float64Array(p);
  for (let k = 0; k < p; k++) x[perm[k]] = y[k] * colScale[perm[k]];
  return { x, rank };
}
