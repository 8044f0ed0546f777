import { loadExampleData, loadReference } from '../__fixtures__/example-data';
import { logFrequencies } from '../frequencies';
import type { Spectrum } from '../spectrum';
import { synthesizeSpectrum } from '../synthetic';
import { kramersKronigTest, type KkFitType } from './kramers-kronig';

const CELL = 'R0-p(R1,CPE1)-p(R2,CPE2)';
const CELL_PARAMS = [5, 60, 1e-5 ** 0.9 / 60, 0.9, 100, 1e-2 ** 0.8 / 100, 0.8];
const f = logFrequencies(1e5, 0.1, 10);

/** The cell's resistance creeping up by `fraction` of R_total over a high-to-low sweep (3 periods a point). */
function withDrift(s: Spectrum, fraction: number, rTotal: number): Spectrum {
  let acc = 0;
  const t = Array.from(s.freqHz, (fr) => (acc += 3 / fr));
  return { freqHz: s.freqHz, zRe: Array.from(s.zRe, (v, i) => v + (fraction * rTotal * t[i]) / acc), zIm: s.zIm };
}

describe('Kramers-Kronig fit types (real, imaginary, complex)', () => {
  const types: KkFitType[] = ['real', 'imag', 'complex'];

  // About 2 RC elements per decade (6 decades here), as the cell features guard the mu search.
  const minM = 12;

  it.each(types)('%s: a causal spectrum is reproduced in both parts, the part not fitted included', (fitType) => {
    const r = kramersKronigTest(synthesizeSpectrum(CELL, CELL_PARAMS, f), { fitType, minM });
    expect(r.mu).toBeLessThanOrEqual(0.85);
    expect(r.maxAbsResidualRe).toBeLessThan(0.005);
    expect(r.maxAbsResidualIm).toBeLessThan(0.005);
  });

  it.each(types)('%s: a drifting sweep shows residuals several times those of the same clean sweep', (fitType) => {
    for (const seed of [1, 2, 3]) {
      const clean = synthesizeSpectrum(CELL, CELL_PARAMS, f, { relative: 0.002, seed });
      const ok = kramersKronigTest(clean, { fitType, minM });
      const bad = kramersKronigTest(withDrift(clean, 0.1, 165), { fitType, minM });
      expect(bad.rmsResidual).toBeGreaterThan(3 * ok.rmsResidual);
    }
  });

  it('the mu search alone can stop a real fit early: mu dips under 0.85 at M = 5 on this clean spectrum', () => {
    const s = synthesizeSpectrum(CELL, CELL_PARAMS, f);
    const early = kramersKronigTest(s, { fitType: 'real' });
    expect([early.M, early.mu < 0.85]).toEqual([5, true]);
    expect(early.maxAbsResidualIm).toBeGreaterThan(0.1);
    expect(kramersKronigTest(s, { fitType: 'real', minM }).maxAbsResidualIm).toBeLessThan(0.005);
  });

  it('real and imaginary fits fit their own part closest, and predict the other', () => {
    const s = synthesizeSpectrum(CELL, CELL_PARAMS, f, { relative: 0.002, seed: 7 });
    const real = kramersKronigTest(s, { fitType: 'real', M: 20 });
    const imag = kramersKronigTest(s, { fitType: 'imag', M: 20 });
    const rms = (a: Float64Array) => Math.sqrt(a.reduce((t, v) => t + v * v, 0) / a.length);
    expect(rms(real.residualsRe)).toBeLessThan(rms(imag.residualsRe));
    expect(rms(imag.residualsIm)).toBeLessThan(rms(real.residualsIm));
  });

  it('the series capacitance carries a blocking tail the real part cannot see (impedance.py example, f < 1 kHz)', () => {
    const ref = loadReference().linKK;
    const data = loadExampleData((fr, _re, im) => im <= 0 && fr < 1000);
    const withCap = kramersKronigTest(data, { c: ref.linKK_kwargs.c, maxM: ref.linKK_kwargs.max_M, addCapacitance: true, fitType: 'real' });
    const without = kramersKronigTest(data, {
      c: ref.linKK_kwargs.c,
      maxM: ref.linKK_kwargs.max_M,
      addCapacitance: false,
      fitType: 'real',
    });
    // The real part is identical (R0 and R_k come from it alone); only the implied imaginary part differs.
    expect(without.M).toBe(withCap.M);
    expect(Array.from(without.rk)).toEqual(Array.from(withCap.rk));
    expect(withCap.maxAbsResidualIm).toBeLessThan(0.01);
    expect(without.maxAbsResidualIm).toBeGreaterThan(0.1);
    expect(Number.isFinite(withCap.capacitanceF) && withCap.capacitanceF > 0).toBe(true);
  });

  it('the complex fit still reproduces the reference M and mu (the default, as the cell features use it)', () => {
    const ref = loadReference().linKK;
    const data = loadExampleData((fr, _re, im) => im <= 0 && fr < 1000);
    const r = kramersKronigTest(data, { fitType: 'complex', c: ref.linKK_kwargs.c, maxM: ref.linKK_kwargs.max_M, addCapacitance: true });
    expect(ref.linKK_kwargs.fit_type).toBe('complex');
    expect([r.M, Math.abs(r.mu - ref.mu) < 1e-3]).toEqual([ref.M, true]);
  });

  it('refuses an unknown fit type', () => {
    expect(() => kramersKronigTest(synthesizeSpectrum(CELL, CELL_PARAMS, f), { fitType: 'magnitude' as KkFitType })).toThrow(
      'fitType magnitude: expected complex, real or imag',
    );
  });
});
