/**
 * Benchmark of @mes/eis on one core:
 * - fits per second of R0-p(R1,CPE1)-p(R2,CPE2) on 50-point spectra (1 MHz → 1 Hz) with 1 % Gaussian
 *   noise, from the automatic initial guess, with one reusable fitter (the way a binning worker uses it);
 * - the same with modulus weighting, and with one-off fitCircuit calls (a fitter built per call);
 * - the time to extract features (default circuit fit + KK test + signature) for a 2,500-cell sheet with
 *   one reusable extractor per sheet (createFeatureExtractor: KK basis and fitter set up once for the
 *   sheet's frequency list), median of 5 runs, per cell and per sheet; also with one fit start for cells
 *   whose model-free signature is SHORT / OPEN / LEAKY, and through the extractCellFeatures wrapper.
 *
 * lm-library.bench.ts measures this fitter against ml-levenberg-marquardt on the same spectra: the
 * library takes a function of one real variable per point, allocates matrices every iteration and has
 * no log/logit parameter transform; this fitter uses the analytic complex Jacobian and preallocated
 * buffers, which is what the >= 10,000 fits/s target needs (the figures are in that bench).
 *
 * Standalone: node -r @swc-node/register tools/bench/eis-fit.bench.ts
 */
import {
  createFeatureExtractor,
  createFitter,
  extractCellFeatures,
  fitCircuit,
  logFrequencies,
  synthesizeSpectrum,
  type Spectrum,
} from '@mes/eis';

const CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)';
const FEATURE_CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3';

/** Small deterministic PRNG for the population of cells. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A population of thin-film cells around R0 5, LiPON 60 Ω at ~0.5 µs, interface 100 Ω at ~0.1 ms. */
function population(count: number, freq: Float64Array, seed: number): Spectrum[] {
  const u = rng(seed);
  const spread = (x: number, rel: number) => x * (1 + rel * (2 * u() - 1));
  const out: Spectrum[] = [];
  for (let i = 0; i < count; i++) {
    const r0 = spread(5, 0.3);
    const r1 = spread(60, 0.2);
    const r2 = spread(100, 0.3);
    const n1 = spread(0.9, 0.04);
    const n2 = spread(0.8, 0.05);
    const p = [r0, r1, spread(5.4e-7, 0.3) ** n1 / r1, n1, r2, spread(1e-4, 0.5) ** n2 / r2, n2];
    out.push(synthesizeSpectrum(CIRCUIT, p, freq, { relative: 0.01, seed: seed * 100003 + i }));
  }
  return out;
}

function timeFits(fit: (s: Spectrum) => { converged: boolean; iterations: number }, specs: Spectrum[], minMs: number) {
  let n = 0;
  let converged = 0;
  let iterations = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < specs.length; i++) {
      const r = fit(specs[i]);
      if (r.converged) converged++;
      iterations += r.iterations;
    }
    n += specs.length;
    t = performance.now();
  }
  return { perSecond: (n * 1000) / (t - t0), convergedPct: (100 * converged) / n, meanIterations: iterations / n };
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchEisFit(): Promise<Record<string, number>> {
  const freq = logFrequencies(1e6, 1, 49 / 6); // 50 points
  const specs = population(1000, freq, 1);
  const fitter = createFitter(CIRCUIT, freq.length);

  // warm-up (JIT) outside the timed runs
  timeFits((s) => fitter.fit(s), specs.slice(0, 300), 0);
  // This machine is a shared VM whose speed drifts from one second to the next: time five windows
  // and report their median, with the best window beside it.
  const windows = Array.from({ length: 5 }, () => timeFits((s) => fitter.fit(s), specs, 600)).sort((a, b) => a.perSecond - b.perSecond);
  const unit = windows[2];
  const bestWindow = windows[4].perSecond;
  const modulus = timeFits((s) => fitter.fit(s, { weighting: 'modulus' }), specs, 1000);
  const oneOff = timeFits((s) => fitCircuit(CIRCUIT, s), specs, 1000);

  // a 2,500-cell sheet of as-made cells (0.25 cm², blocking tail), features for each cell
  const area = 0.25;
  const u = rng(7);
  const sheetFreq = logFrequencies(1e6, 1, 8);
  const sheet: Spectrum[] = [];
  for (let i = 0; i < 2500; i++) {
    const s = (x: number, rel: number) => x * (1 + rel * (2 * u() - 1));
    const r1 = s(60, 0.1) / area;
    const r2 = s(100, 0.3) / area;
    const p = [s(5, 0.3) / area, r1, s(5.4e-7, 0.2) ** 0.92 / r1, 0.92, r2, s(1e-4, 0.3) ** 0.8 / r2, 0.8, 1e-6 * area, 0.9];
    sheet.push(synthesizeSpectrum(FEATURE_CIRCUIT, p, sheetFreq, { relative: 0.01, seed: 5000 + i }));
  }
  const conditions = { ocvV: 0.4, activeAreaCm2: area, temperatureC: 25 };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  let normal = 0;
  /** Median over runs of the time (ms) to extract the whole sheet with extract(). */
  const timeSheet = (extract: (s: Spectrum) => { signature: string }, runs: number): number => {
    for (let i = 0; i < 200; i++) extract(sheet[i]); // warm-up
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      let nNormal = 0;
      const t0 = performance.now();
      for (const s of sheet) if (extract(s).signature === 'NORMAL') nNormal++;
      times.push(performance.now() - t0);
      normal = nNormal;
    }
    return median(times);
  };
  const extractor = createFeatureExtractor(sheetFreq);
  const sheetMs = timeSheet((s) => extractor.extract(s.zRe, s.zIm, conditions), 5);
  const fastExtractor = createFeatureExtractor(sheetFreq, { faultFitStarts: 1 });
  const sheetFastMs = timeSheet((s) => fastExtractor.extract(s.zRe, s.zIm, conditions), 5);
  const wrapperMs = timeSheet((s) => extractCellFeatures(s, conditions), 3);

  const out: Record<string, number> = {
    'eis.fitsPerSecond': round(unit.perSecond, 0),
    'eis.fitsPerSecondBestWindow': round(bestWindow, 0),
    'eis.fitConvergedPct': round(unit.convergedPct),
    'eis.fitMeanIterations': round(unit.meanIterations, 2),
    'eis.fitsPerSecondModulusWeighting': round(modulus.perSecond, 0),
    'eis.fitsPerSecondOneOffFitCircuit': round(oneOff.perSecond, 0),
    'eis.sheet2500FeaturesMs': round(sheetMs, 0),
    'eis.featuresPerCellUs': round((sheetMs * 1000) / sheet.length, 0),
    'eis.sheet2500FeaturesFaultFitStarts1Ms': round(sheetFastMs, 0),
    'eis.sheet2500FeaturesWrapperMs': round(wrapperMs, 0),
    'eis.sheetNormalPct': round((100 * normal) / sheet.length),
  };
  console.log(
    `eis: ${out['eis.fitsPerSecond']} fits/s on one core, median of 5 windows (best ${Math.round(bestWindow)}) (${CIRCUIT}, 50 points, 1 % noise, automatic guess; ` +
      `${out['eis.fitConvergedPct']} % converged, ${out['eis.fitMeanIterations']} LM iterations on average); ` +
      `modulus weighting ${out['eis.fitsPerSecondModulusWeighting']} fits/s; one-off fitCircuit ${out['eis.fitsPerSecondOneOffFitCircuit']} fits/s`,
  );
  console.log(
    `eis: features of a 2,500-cell sheet (fit of ${FEATURE_CIRCUIT} + KK + signature, one extractor per sheet, ` +
      `median of 5) in ${out['eis.sheet2500FeaturesMs']} ms (${out['eis.featuresPerCellUs']} µs per cell, ` +
      `${out['eis.sheetNormalPct']} % NORMAL); faultFitStarts 1: ${out['eis.sheet2500FeaturesFaultFitStarts1Ms']} ms; ` +
      `extractCellFeatures wrapper: ${out['eis.sheet2500FeaturesWrapperMs']} ms`,
  );
  return out;
}

if (require.main === module) {
  benchEisFit().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
