import { logFrequencies } from '../frequencies';
import { synthesizeSpectrum } from '../synthetic';
import { createFeatureExtractor, DEFAULT_FEATURE_CIRCUIT, extractCellFeatures } from './cell-features';

const f = logFrequencies(1e6, 1, 8);
const cell = [20, 240, 3e-9, 0.92, 400, 4e-7, 0.8, 2.5e-7, 0.9];
const conditions = { activeAreaCm2: 0.25, temperatureC: 25, ocvV: 0.4 };
const spectra = [
  synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, cell, f, { relative: 0.01, seed: 1 }),
  synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, cell, f, { relative: 0.1, seed: 2 }), // NOISY
  synthesizeSpectrum('R0-p(R9,R1-p(R2,CPE1)-p(R3,CPE2)-CPE3)', [20, 80, 1e-6, ...cell.slice(1)], f, {
    relative: 0.01,
    seed: 3,
  }), // SHORT
  synthesizeSpectrum('p(R1,C1)', [1e10, 5e-12], f, { relative: 0.03, seed: 4 }), // OPEN
];

describe('createFeatureExtractor', () => {
  it('gives exactly the features of extractCellFeatures, cell after cell', () => {
    const ex = createFeatureExtractor(f);
    const sigs = spectra.map((s) => {
      const a = ex.extract(s.zRe, s.zIm, conditions);
      expect(a).toEqual(extractCellFeatures(s, conditions));
      return a.signature;
    });
    expect(sigs).toEqual(['NORMAL', 'NOISY', 'SHORT', 'OPEN']);
  });

  it('handles a spectrum with an invalid point (general KK path) like extractCellFeatures', () => {
    const s = spectra[0];
    const zRe = Array.from(s.zRe);
    zRe[10] = NaN;
    const a = createFeatureExtractor(f).extract(zRe, s.zIm, conditions);
    expect(a).toEqual(extractCellFeatures({ freqHz: f, zRe, zIm: s.zIm }, conditions));
    expect(a.signature).toBe('NORMAL');
    expect(Number.isFinite(a.kkRmsResidual)).toBe(true);
  });

  it('faultFitStarts limits the fit of SHORT / LEAKY cells only, never their signature; an OPEN cell is not fitted', () => {
    const full = createFeatureExtractor(f);
    const fast = createFeatureExtractor(f, { faultFitStarts: 1 });
    for (const s of spectra) {
      const a = full.extract(s.zRe, s.zIm, conditions);
      const b = fast.extract(s.zRe, s.zIm, conditions);
      expect(b.signature).toBe(a.signature);
      if (a.signature === 'NORMAL' || a.signature === 'NOISY' || a.signature === 'OPEN') expect(b).toEqual(a);
      if (a.signature === 'OPEN') expect([a.fitParams, a.fitRelRms, a.rOhmicOhm]).toEqual([{}, NaN, a.rOhmicModelFreeOhm]);
    }
  });

  it('checks the spectrum against its frequency list and the area', () => {
    const ex = createFeatureExtractor(f);
    expect(() => ex.extract([1, 2], [0, 0], conditions)).toThrow(RangeError);
    expect(() => ex.extract(spectra[0].zRe, spectra[0].zIm, { ...conditions, activeAreaCm2: 0 })).toThrow(RangeError);
  });
});
