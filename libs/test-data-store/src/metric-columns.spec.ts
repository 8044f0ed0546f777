import { reportedResistances } from './metric-columns';

const fitted = { signature: 'NORMAL', fitConverged: true, rOhmicOhm: 12, rCtOhm: 340, asrOhmCm2: 95 };

describe('reportedResistances', () => {
  it('keeps the fitted resistances of a cell whose fit converged, even a failing one with a high ASR', () => {
    expect(reportedResistances(fitted)).toEqual({ rOhmicOhm: 12, rCtOhm: 340, asrOhmCm2: 95 });
    expect(reportedResistances({ ...fitted, signature: 'LEAKY', asrOhmCm2: 4_000 }).asrOhmCm2).toBe(4_000);
  });

  it('gives an OPEN cell no resistance at all, however small its fit residual', () => {
    expect(reportedResistances({ ...fitted, signature: 'OPEN', rOhmicOhm: 3e19, rCtOhm: 4e20, asrOhmCm2: 1.2e21 })).toEqual({
      rOhmicOhm: null,
      rCtOhm: null,
      asrOhmCm2: null,
    });
  });

  it('keeps the intercept read from the spectrum but not the arcs of a fit that did not converge', () => {
    expect(reportedResistances({ ...fitted, fitConverged: false })).toEqual({ rOhmicOhm: 12, rCtOhm: null, asrOhmCm2: null });
  });

  it('reports NaN and infinities as no value, and a cell without features as no values', () => {
    expect(reportedResistances({ ...fitted, rCtOhm: NaN, asrOhmCm2: Infinity })).toEqual({ rOhmicOhm: 12, rCtOhm: null, asrOhmCm2: null });
    expect(reportedResistances(null)).toEqual({ rOhmicOhm: null, rCtOhm: null, asrOhmCm2: null });
  });
});
