import { arrheniusFactorTo25C } from '../arrhenius';
import { createFitter } from '../fit/eis-fitter';
import { logFrequencies } from '../frequencies';
import type { Spectrum } from '../spectrum';
import { synthesizeSpectrum } from '../synthetic';
import { classifySignature, DEFAULT_FEATURE_CIRCUIT, extractCellFeatures } from './cell-features';

// An as-made anodeless cell of area A (docs/domain.md "Measurements"): R0 5 Ω·cm², LiPON 60 Ω·cm² with ~9 nF/cm²
// (apex ~3e5 Hz), interface 100 Ω·cm² at ~0.1 ms, blocking CPE 1 µF/cm², n = 0.9. (With the interface
// arc at 1 ms the blocking tail already dominates there and R2 is only known to ~30 % at 1 % noise.)
const f = logFrequencies(1e6, 1, 49 / 6);
const cpeQ = (tau: number, r: number, n: number) => tau ** n / r;
function cellParams(area: number, scaleR = 1): number[] {
  const [r0, r1, r2] = [5 / area, (60 * scaleR) / area, (100 * scaleR) / area];
  return [r0, r1, cpeQ(5.4e-7, 60, 0.9) * area, 0.9, r2, cpeQ(1e-4, 100, 0.8) * area, 0.8, 1e-6 * area, 0.9];
}
const asMade = (area: number, seed: number, noise = 0.01, scaleR = 1): Spectrum =>
  synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, cellParams(area, scaleR), f, { relative: noise, seed });
/** The cell with a resistive path rShunt across it (pinhole, bridge), behind the probe resistance R0. */
function shunted(area: number, rShunt: number, seed: number): Spectrum {
  const p = cellParams(area);
  return synthesizeSpectrum('R0-p(R9,R1-p(R2,CPE1)-p(R3,CPE2)-CPE3)', [p[0], rShunt, 1e-6, ...p.slice(1)], f, {
    relative: 0.01,
    seed,
  });
}
/** Probe missed: only the fixture's stray capacitance (3-10 pF) across a huge resistance. */
const open = (seed: number, pF: number): Spectrum => synthesizeSpectrum('p(R1,C1)', [1e10, pF * 1e-12], f, { relative: 0.03, seed });

const conditions = { activeAreaCm2: 1, temperatureC: 25, ocvV: 0.4 };

describe('extractCellFeatures: signatures', () => {
  it.each([1, 2, 3])('NORMAL as-made cell (seed %p): fitted resistances, huge blocking low-f |Z|', (seed) => {
    const r = extractCellFeatures(asMade(1, seed), conditions);
    expect(r.signature).toBe('NORMAL');
    expect(r.fitConverged).toBe(true);
    expect(r.fitRelRms).toBeLessThan(0.015);
    expect(r.rOhmicOhm).toBeGreaterThan(4.5);
    expect(r.rOhmicOhm).toBeLessThan(5.5);
    expect(Math.abs(r.rLiponOhm / 60 - 1)).toBeLessThan(0.05);
    expect(Math.abs(r.rCtOhm / 100 - 1)).toBeLessThan(0.15);
    expect(Math.abs(r.asrOhmCm2 / 165 - 1)).toBeLessThan(0.1);
    expect(r.lowFreqAbsZOhm).toBeGreaterThan(1e5);
    expect(r.lowFreqPhaseDeg).toBeLessThan(-75);
    expect(Math.abs(r.tailQPerCm2 / 1e-6 - 1)).toBeLessThan(0.1);
    expect(r.kkMaxResidual).toBeLessThan(0.05);
    // the fit is at least as good as the true parameters: remaining errors are the noise's
    const truth = createFitter(DEFAULT_FEATURE_CIRCUIT).fit(asMade(1, seed), {
      weighting: 'modulus',
      initialGuess: cellParams(1),
      maxIterations: 0,
      maxStarts: 1,
    });
    expect(r.fitRelRms).toBeLessThanOrEqual(truth.relRms);
  });

  it('scales with the active area: a 0.25 cm² cell has 4x the resistances and the same ASR', () => {
    const small = extractCellFeatures(asMade(0.25, 5), { ...conditions, activeAreaCm2: 0.25 });
    const big = extractCellFeatures(asMade(4, 5), { ...conditions, activeAreaCm2: 4 });
    for (const r of [small, big]) expect(r.signature).toBe('NORMAL');
    expect(Math.abs(small.rLiponOhm / 240 - 1)).toBeLessThan(0.05);
    expect(Math.abs(big.rLiponOhm / 15 - 1)).toBeLessThan(0.05);
    expect(Math.abs(small.asrOhmCm2 / big.asrOhmCm2 - 1)).toBeLessThan(0.1);
  });

  it.each([
    [20, 0.4],
    [300, 0.4],
    [1500, 0.01],
  ])('SHORT: shunt %p Ω, OCV %p V (resistive, small |Z| at low f)', (rShunt, ocv) => {
    const r = extractCellFeatures(shunted(1, rShunt, 7), { ...conditions, ocvV: ocv });
    expect(r.signature).toBe('SHORT');
    expect(Math.abs(r.lowFreqPhaseDeg)).toBeLessThan(10);
    expect(r.lowFreqAbsZOhm).toBeLessThan(2e3);
  });

  it('an OCV of about 0 V turns a kΩ-level resistive cell from LEAKY into SHORT', () => {
    const s = shunted(1, 8e3, 8);
    expect(extractCellFeatures(s, { ...conditions, ocvV: 0.6 }).signature).toBe('LEAKY');
    expect(extractCellFeatures(s, { ...conditions, ocvV: 0.002 }).signature).toBe('SHORT');
  });

  it.each([1e4, 5e4, 3e5])('LEAKY: leak %p Ω, the blocking tail bends back to the real axis', (rLeak) => {
    const r = extractCellFeatures(shunted(1, rLeak, 9), conditions);
    expect(r.signature).toBe('LEAKY');
    expect(r.lowFreqAbsZOhm).toBeGreaterThan(2e3);
    expect(r.lowFreqAbsZOhm).toBeLessThan(1e6);
  });

  it('a leak far above what EIS can see (100 MΩ) reads NORMAL (DOMAIN 3.4: needs a DC test)', () => {
    expect(extractCellFeatures(shunted(1, 1e8, 10), conditions).signature).toBe('NORMAL');
  });

  it.each([
    [11, 3],
    [12, 10],
  ])('OPEN (seed %p, %p pF stray): |Z| huge everywhere, no arc', (seed, pF) => {
    const r = extractCellFeatures(open(seed, pF), { ...conditions, ocvV: 2.7 });
    expect(r.signature).toBe('OPEN');
    expect(r.minAbsZOhm).toBeGreaterThan(1e4);
  });

  it.each([21, 22, 23])('NOISY (seed %p): 10 %% scatter gives high, erratic KK residuals', (seed) => {
    const r = extractCellFeatures(asMade(1, seed, 0.1), conditions);
    expect(r.signature).toBe('NOISY');
    expect(r.kkRmsResidual).toBeGreaterThan(0.03);
  });

  it('thresholds are parameters: a tighter noise limit flags a 1 % spectrum', () => {
    const s = asMade(1, 1);
    expect(classifySignature(s, { ...conditions, thresholds: { noisyMinKkRms: 0.001 } }, undefined).signature).toBe(
      'NORMAL', // without KK residuals there is nothing to judge noise by
    );
    const r = extractCellFeatures(s, { ...conditions, thresholds: { noisyMinKkRms: 0.001 } });
    expect(r.signature).toBe('NOISY');
  });

  it('degrades gracefully: too few points give NaN fit features, no exception', () => {
    const s = { freqHz: [1e3, 100], zRe: [10, 12], zIm: [-1, -2] };
    const r = extractCellFeatures(s, conditions);
    expect(r.signature).toBe('NOISY');
    expect(r.fitConverged).toBe(false);
    expect(Number.isNaN(r.rCtOhm)).toBe(true);
    expect(() => extractCellFeatures(s, { ...conditions, activeAreaCm2: 0 })).toThrow(RangeError);
  });

  it('orders the arcs by time constant whatever the fit returned (R1 = faster LiPON arc)', () => {
    const fitter = createFitter(DEFAULT_FEATURE_CIRCUIT);
    const r = extractCellFeatures(asMade(1, 4), { ...conditions, fitter });
    const tau = (i: number) => (r.fitParams[`R${i}`] * r.fitParams[`CPE${i}_0`]) ** (1 / r.fitParams[`CPE${i}_1`]);
    expect(tau(1)).toBeLessThan(tau(2));
    expect(r.rLiponOhm).toBe(r.fitParams.R1);
    expect(r.rCtOhm).toBe(r.fitParams.R2);
  });

  it("gives each fitted parameter's standard error under its name, following it when the arcs are reordered", () => {
    const spectrum = asMade(1, 4);
    const r = extractCellFeatures(spectrum, conditions);
    const direct = createFitter(DEFAULT_FEATURE_CIRCUIT).fit(spectrum, { weighting: 'modulus' });
    expect(Object.keys(r.fitStdErrors).sort()).toEqual(Object.keys(r.fitParams).sort());
    for (const name of Object.keys(r.fitParams)) {
      // The fitter's own index of this value (the arcs may have been swapped since).
      const k = direct.params.indexOf(r.fitParams[name]);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(r.fitStdErrors[name]).toBe(direct.stdErrors[k]);
      expect(r.fitStdErrors[name]).toBeGreaterThan(0);
    }
    // The resistances of a clean 1 % spectrum are determined to a few percent, R0 behind the LiPON arc less so.
    expect(r.fitStdErrors.R1 / r.fitParams.R1).toBeLessThan(0.05);
    expect(extractCellFeatures(open(1, 5), conditions).fitStdErrors).toEqual({});

    // A fitter that returns the slower arc first (this one rarely does): each error moves with its value.
    const swapping = createFitter(DEFAULT_FEATURE_CIRCUIT);
    const fit = swapping.fit.bind(swapping);
    const swap = <T>(a: T[]) => [a[0], a[4], a[5], a[6], a[1], a[2], a[3], a[7], a[8]];
    swapping.fit = (sp, options) => {
      const out = fit(sp, options);
      return { ...out, params: swap(out.params), stdErrors: swap(out.stdErrors) };
    };
    const reordered = extractCellFeatures(spectrum, { ...conditions, fitter: swapping });
    expect(reordered.fitParams).toEqual(r.fitParams);
    expect(reordered.fitStdErrors).toEqual(r.fitStdErrors);
  });
});

describe('temperature normalisation', () => {
  it('arrheniusFactorTo25C: 1 at 25 °C, ≈ 7 %/°C at 0.55 eV, exact Arrhenius ratio', () => {
    expect(arrheniusFactorTo25C(25)).toBeCloseTo(1, 12);
    const perDegree = arrheniusFactorTo25C(26) - 1;
    expect(perDegree).toBeGreaterThan(0.068);
    expect(perDegree).toBeLessThan(0.075);
    // R(T) ∝ exp(Ea / kT): factor = exp(Ea/k (1/298.15 - 1/T))
    const k = 8.617333262e-5;
    expect(arrheniusFactorTo25C(45, 0.5)).toBeCloseTo(Math.exp((0.5 / k) * (1 / 298.15 - 1 / 318.15)), 12);
    expect(arrheniusFactorTo25C(15)).toBeLessThan(1);
    expect(arrheniusFactorTo25C(35, 0)).toBe(1);
    expect(() => arrheniusFactorTo25C(-300)).toThrow(RangeError);
  });

  it('a cell measured warm (resistances 1/factor lower) normalises back to its 25 °C values', () => {
    const t = 35;
    const factor = arrheniusFactorTo25C(t, 0.55);
    const warm = extractCellFeatures(asMade(1, 3, 0.01, 1 / factor), { ...conditions, temperatureC: t });
    const ref = extractCellFeatures(asMade(1, 3, 0.01, 1), conditions);
    expect(warm.arrheniusFactor).toBeCloseTo(factor, 12);
    expect(warm.rLipon25COhm).toBeCloseTo(warm.rLiponOhm * factor, 9);
    expect(warm.asr25COhmCm2).toBeCloseTo(warm.asrOhmCm2 * factor, 9);
    expect(Math.abs(warm.rLipon25COhm / ref.rLiponOhm - 1)).toBeLessThan(0.03);
    expect(Math.abs(warm.rCt25COhm / ref.rCtOhm - 1)).toBeLessThan(0.15);
    expect(warm.rLiponOhm).toBeLessThan(0.6 * ref.rLiponOhm);
  });

  it('uses the given activation energy', () => {
    const r = extractCellFeatures(asMade(1, 3), { ...conditions, temperatureC: 30, activationEnergyEv: 0.3 });
    expect(r.arrheniusFactor).toBeCloseTo(arrheniusFactorTo25C(30, 0.3), 12);
  });
});
