import { logFrequencies } from '../frequencies';
import { synthesizeSpectrum } from '../synthetic';
import { createFitter } from './eis-fitter';

// An as-made cell (0.25 cm²) whose series resistance (0.5 Ω) is far below what 1 % noise on a
// ~100 Ω-1 MΩ spectrum resolves: for most noise draws the optimum of R0 is at 0.
const C = 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3';
const TRUTH = [0.5, 240, 3e-9, 0.92, 400, 4e-7, 0.8, 2.5e-7, 0.9];
const f = logFrequencies(1e6, 1, 8);

describe('EisFitter: series R with its optimum at 0 (bound jump)', () => {
  it.each([1, 9])('seed %p: R0 goes to ~0 in few iterations, the fit at least as good as a long run from the truth', (seed) => {
    const s = synthesizeSpectrum(C, TRUTH, f, { relative: 0.01, seed });
    const fitter = createFitter(C);
    const r = fitter.fit(s, { weighting: 'modulus' });
    expect(r.converged).toBe(true);
    expect(r.starts).toBe(1);
    expect(r.params[0]).toBeLessThan(1e-6);
    expect(r.iterations).toBeLessThan(60); // a crawl of R0 in ln R0 took 60-115
    const fromTruth = fitter.fit(s, { weighting: 'modulus', initialGuess: TRUTH, maxStarts: 1, maxIterations: 1000 });
    expect(r.relRms).toBeLessThanOrEqual(fromTruth.relRms * (1 + 1e-9));
    for (const k of [1, 4, 7]) expect(Math.abs(r.params[k] / fromTruth.params[k] - 1)).toBeLessThan(1e-4);
  });

  it('leaves a resolvable R0 alone', () => {
    const s = synthesizeSpectrum(C, [20, ...TRUTH.slice(1)], f, { relative: 0.01, seed: 2 });
    const r = createFitter(C).fit(s, { weighting: 'modulus' });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.params[0] / 20 - 1)).toBeLessThan(0.3); // 24.4: the noise, not the fitter
  });
});
