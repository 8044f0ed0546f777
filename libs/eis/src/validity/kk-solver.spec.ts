import { loadExampleData, loadReference } from '../__fixtures__/example-data';
import { logFrequencies } from '../frequencies';
import { synthesizeSpectrum } from '../synthetic';
import { solveLeastSquares } from '../util/least-squares';
import { kkTimeConstants, KramersKronigSolver } from './kk-solver';
import { kramersKronigFromSolver, kramersKronigSummaryFromSolver, kramersKronigTest } from './kramers-kronig';

const BLOCKING = 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3';
const PARAMS = [5, 60, 1e-5 ** 0.9 / 60, 0.9, 100, 1e-2 ** 0.8 / 100, 0.8, 1e-6, 0.9];
const f = logFrequencies(1e6, 1, 8);

/** The plain weighted least-squares fit by pivoted Householder QR (the reference of the solver). */
function qrCoefficients(freq: ArrayLike<number>, zr: ArrayLike<number>, zi: ArrayLike<number>, m: number): Float64Array {
  const n = freq.length;
  const rows = 2 * n;
  const p = m + 3;
  const fMin = Math.min(...Array.from(freq));
  const fMax = Math.max(...Array.from(freq));
  const tau = kkTimeConstants(fMin, fMax, m);
  const a = new Float64Array(rows * p);
  const b = new Float64Array(rows);
  for (let i = 0; i < n; i++) {
    const w = 2 * Math.PI * freq[i];
    const inv = 1 / Math.hypot(zr[i], zi[i]);
    b[i] = zr[i] * inv;
    b[n + i] = zi[i] * inv;
    a[i] = inv;
    for (let k = 0; k < m; k++) {
      const x = w * tau[k];
      const d = 1 / (1 + x * x);
      a[(1 + k) * rows + i] = d * inv;
      a[(1 + k) * rows + n + i] = -x * d * inv;
    }
    a[(1 + m) * rows + n + i] = (-1 / w) * inv;
    a[(2 + m) * rows + n + i] = w * inv;
  }
  return solveLeastSquares(a, rows, p, b).x;
}

describe('KramersKronigSolver', () => {
  it('gives the coefficients of the pivoted-QR least squares for every M of the search', () => {
    const s = synthesizeSpectrum(BLOCKING, PARAMS, f, { relative: 0.01, seed: 3 });
    const solver = new KramersKronigSolver(f, true, true);
    solver.load(s.zRe, s.zIm);
    for (const m of [1, 5, 12, 20, 30, 45]) {
      const got = solver.fit(m).coef;
      const ref = qrCoefficients(f, s.zRe, s.zIm, m);
      const scale = Math.max(...Array.from(ref.subarray(0, m + 1), Math.abs));
      for (let k = 0; k <= m; k++) expect(Math.abs(got[k] - ref[k])).toBeLessThan(1e-7 * scale);
      // the series C (as 1/C) and L, whose normal-matrix entries come from their own closed forms
      for (const k of [m + 1, m + 2]) expect(Math.abs(got[k] - ref[k])).toBeLessThan(1e-6 * Math.abs(ref[k]));
    }
  });

  it('gives the features the same M, mu and residuals without the per-point arrays', () => {
    const solver = new KramersKronigSolver(f, true, true);
    const options = { addCapacitance: true, maxM: 45, minM: 12 };
    for (const seed of [1, 2, 3, 4]) {
      const s = synthesizeSpectrum(BLOCKING, PARAMS, f, { relative: seed === 4 ? 0.1 : 0.01, seed });
      solver.load(s.zRe, s.zIm);
      const full = kramersKronigFromSolver(solver, options);
      const summary = kramersKronigSummaryFromSolver(solver, options);
      expect(summary.M).toBe(full.M);
      expect(summary.mu).toBe(full.mu);
      expect(summary.maxAbsResidual).toBeCloseTo(full.maxAbsResidual, 12);
      expect(summary.rmsResidual).toBeCloseTo(full.rmsResidual, 12);
    }
  });

  it('reused across cells: the same result as a fresh kramersKronigTest for each cell', () => {
    const solver = new KramersKronigSolver(f, true, true);
    const options = { addCapacitance: true, maxM: 45, minM: 12 };
    for (const seed of [1, 2, 3, 4]) {
      const s = synthesizeSpectrum(BLOCKING, PARAMS, f, { relative: seed === 4 ? 0.1 : 0.01, seed });
      solver.load(s.zRe, s.zIm);
      const a = kramersKronigFromSolver(solver, options);
      const b = kramersKronigTest(s, { ...options, fitType: 'complex' });
      expect(a.M).toBe(b.M);
      expect(a.mu).toBeCloseTo(b.mu, 12);
      expect(a.rmsResidual).toBeCloseTo(b.rmsResidual, 12);
      expect(a.residualsIm).toEqual(b.residualsIm);
    }
  });

  it('falls back to QR for a rank-deficient basis (more unknowns than equations) without failing', () => {
    const ref = loadReference().linKK;
    const data = loadExampleData((fr, _re, im) => im <= 0 && fr < 1000);
    const r = kramersKronigTest(data, { fitType: 'complex', c: ref.linKK_kwargs.c, M: 2 * data.freqHz.length, addCapacitance: true });
    expect(Number.isFinite(r.rmsResidual)).toBe(true);
    expect(r.maxAbsResidual).toBeLessThan(0.05);
  });

  it('refuses a real or imaginary fit, which it does not do (kramersKronigTest does)', () => {
    const solver = new KramersKronigSolver(f, true, true);
    solver.load(synthesizeSpectrum(BLOCKING, PARAMS, f).zRe, synthesizeSpectrum(BLOCKING, PARAMS, f).zIm);
    expect(() => kramersKronigFromSolver(solver, { fitType: 'real' })).toThrow('fitType real: the cached solver fits the complex spectrum');
    expect(kramersKronigFromSolver(solver, { fitType: 'complex' }).M).toBeGreaterThan(0);
  });

  it('rejects invalid frequencies and reports whether a spectrum can use the cached basis', () => {
    expect(() => new KramersKronigSolver([1e3, 0, 10], true, true)).toThrow(RangeError);
    const solver = new KramersKronigSolver([1e3, 100, 10], true, true);
    expect(solver.canUse([1, 2, 3], [-1, -2, -3])).toBe(true);
    expect(solver.canUse([1, NaN, 3], [-1, -2, -3])).toBe(false);
    expect(solver.canUse([1, 0, 3], [-1, 0, -3])).toBe(false);
    expect(solver.canUse([1, 2], [-1, -2])).toBe(false);
  });
});
