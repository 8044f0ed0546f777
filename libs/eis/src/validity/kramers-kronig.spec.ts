import { loadExampleData, loadReference } from '../__fixtures__/example-data';
import { logFrequencies } from '../frequencies';
import type { Spectrum } from '../spectrum';
import { synthesizeSpectrum } from '../synthetic';
import { kramersKronigTest } from './kramers-kronig';

const CELL = 'R0-p(R1,CPE1)-p(R2,CPE2)';
const CELL_PARAMS = [5, 60, 1e-5 ** 0.9 / 60, 0.9, 100, 1e-2 ** 0.8 / 100, 0.8];
const f = logFrequencies(1e5, 0.1, 10);

/**
 * Adds a slow drift during the sweep (high to low frequency, 3 periods per point, so the low-frequency
 * points take most of the time): the cell's resistance grows by `fraction` of R_total over the scan, as
 * when a cell warms up or a contact creeps. A time-varying system violates the KK relations.
 */
function withDrift(s: Spectrum, fraction: number, rTotal: number): Spectrum {
  const n = s.freqHz.length;
  const t = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += 3 / s.freqHz[i];
    t[i] = acc;
  }
  const zRe = Array.from(s.zRe, (v, i) => v + (fraction * rTotal * t[i]) / acc);
  return { freqHz: s.freqHz, zRe, zIm: s.zIm };
}

describe('kramersKronigTest', () => {
  it('matches impedance.py linKK on exampleData.csv with the reference settings (M, mu, residuals)', () => {
    const ref = loadReference().linKK;
    const data = loadExampleData((fr, _re, im) => im <= 0 && fr < 1000);
    expect(data.freqHz.length).toBe(ref.n_points);
    const r = kramersKronigTest(data, {
      fitType: 'complex', // as ref.linKK_kwargs.fit_type
      c: ref.linKK_kwargs.c,
      maxM: ref.linKK_kwargs.max_M,
      addCapacitance: ref.linKK_kwargs.add_cap,
    });
    expect(r.M).toBe(ref.M);
    expect(Math.abs(r.mu - ref.mu)).toBeLessThan(1e-3);
    expect(Math.abs(r.maxAbsResidualRe / ref.max_abs_resid_real - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.maxAbsResidualIm / ref.max_abs_resid_imag - 1)).toBeLessThan(0.01);
    expect(r.residualsRe).toHaveLength(data.freqHz.length);
  });

  it('chooses M by the mu criterion: the first M with mu <= c', () => {
    const s = synthesizeSpectrum(CELL, CELL_PARAMS, f, { relative: 0.002, seed: 1 });
    const r = kramersKronigTest(s, { fitType: 'complex', c: 0.85 });
    expect(r.mu).toBeLessThanOrEqual(0.85);
    if (r.M > 1) expect(kramersKronigTest(s, { fitType: 'complex', M: r.M - 1 }).mu).toBeGreaterThan(0.85);
    expect(r.tau[0]).toBeCloseTo(1 / (2 * Math.PI * 1e5), 15);
    expect(r.tau[r.M - 1]).toBeCloseTo(1 / (2 * Math.PI * 0.1), 10);
  });

  it('passes clean spectra (exact and with 0.2 % noise): residuals at the noise level', () => {
    const exact = kramersKronigTest(synthesizeSpectrum(CELL, CELL_PARAMS, f), { fitType: 'complex' });
    expect(exact.maxAbsResidual).toBeLessThan(0.002);
    for (const seed of [1, 2, 3]) {
      const noisy = kramersKronigTest(synthesizeSpectrum(CELL, CELL_PARAMS, f, { relative: 0.002, seed }), { fitType: 'complex' });
      expect(noisy.maxAbsResidual).toBeLessThan(0.01);
      expect(noisy.rmsResidual).toBeLessThan(0.003);
    }
  });

  it('passes a blocking (capacitive-tail) spectrum when a series capacitance is added', () => {
    const s = synthesizeSpectrum(`${CELL}-CPE3`, [...CELL_PARAMS, 1e-6, 0.9], f, { relative: 0.002, seed: 4 });
    const plain = kramersKronigTest(s, { fitType: 'complex', addCapacitance: true });
    expect(plain.maxAbsResidual).toBeLessThan(0.02);
    expect(Number.isFinite(plain.capacitanceF)).toBe(true);
    // (a CPE tail with n < 1 continues below the sweep, which the RC basis only approximates: ~1 %)
  });

  it('flags a spectrum with a drifting baseline that the same clean spectrum passes', () => {
    for (const seed of [1, 2, 3]) {
      const clean = synthesizeSpectrum(CELL, CELL_PARAMS, f, { relative: 0.002, seed });
      const drift = withDrift(clean, 0.1, 165);
      const ok = kramersKronigTest(clean, { fitType: 'complex' });
      const bad = kramersKronigTest(drift, { fitType: 'complex' });
      expect(ok.maxAbsResidual).toBeLessThan(0.01);
      expect(bad.maxAbsResidual).toBeGreaterThan(0.02);
      expect(bad.rmsResidual).toBeGreaterThan(3 * ok.rmsResidual);
    }
  });

  it('minM keeps noise from stopping the mu search before the spectrum is resolved', () => {
    // a resistive cell (shunted by 300 Ω) with 1 % noise: mu dips below 0.85 at a small M
    const s = synthesizeSpectrum(
      'R0-p(R9,p(R1,CPE1)-p(R2,CPE2)-CPE3)',
      [3, 300, 60, 1.1e-8, 0.94, 60, 1.8e-6, 0.88, 4.8e-6, 0.91],
      logFrequencies(1e6, 1, 8),
      { relative: 0.01, seed: 11 },
    );
    const plain = kramersKronigTest(s, { fitType: 'complex', addCapacitance: true });
    const guarded = kramersKronigTest(s, { fitType: 'complex', addCapacitance: true, minM: 12 });
    expect(guarded.M).toBeGreaterThanOrEqual(12);
    expect(guarded.mu).toBeLessThanOrEqual(0.85);
    expect(guarded.maxAbsResidual).toBeLessThan(0.05);
    expect(guarded.maxAbsResidual).toBeLessThanOrEqual(plain.maxAbsResidual);
  });

  it('rejects spectra with fewer than 3 valid points', () => {
    expect(() => kramersKronigTest({ freqHz: [1, 2], zRe: [1, 1], zIm: [0, 0] })).toThrow(RangeError);
  });
});
