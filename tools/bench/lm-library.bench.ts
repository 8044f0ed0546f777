/**
 * Our Levenberg-Marquardt fitter against a well-kept npm one (ml-levenberg-marquardt), on the same
 * 50-point spectra of R0-p(R1,CPE1)-p(R2,CPE2) with 1 % noise, from the same starting point (the
 * true parameters off by up to ±30 %), both with the analytic Jacobian. The library fits in linear
 * parameter space with box bounds; ours fits ln R, ln Q and logit n with preallocated buffers.
 *
 * Standalone: node -r @swc-node/register tools/bench/lm-library.bench.ts
 */
// The package ships ESM types that classic node resolution cannot see; this is the part used here.
const { levenbergMarquardt } = require('ml-levenberg-marquardt') as {
  levenbergMarquardt: (
    data: { x: number[]; y: number[] },
    model: (p: number[]) => (x: number) => number,
    options: Record<string, unknown>,
  ) => { parameterValues: number[]; parameterError: number; iterations: number };
};
import {
  createFitter,
  evaluateCircuit,
  evaluateCircuitJacobian,
  logFrequencies,
  parseCircuit,
  synthesizeSpectrum,
  type Spectrum,
} from '@mes/eis';
import { report } from './bench-util';

const CIRCUIT = parseCircuit('R0-p(R1,CPE1)-p(R2,CPE2)');

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  spectrum: Spectrum;
  truth: number[];
  start: number[];
}

function cases(count: number): Case[] {
  const u = rng(20261122);
  const freq = logFrequencies(1e6, 1, 49 / 6);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const n1 = 0.88 + 0.06 * u();
    const n2 = 0.78 + 0.08 * u();
    const r1 = 50 + 20 * u();
    const r2 = 80 + 40 * u();
    const truth = [4 + 2 * u(), r1, 5.4e-7 ** n1 / r1, n1, r2, 1e-4 ** n2 / r2, n2];
    const spectrum = synthesizeSpectrum(CIRCUIT, truth, freq, { relative: 0.01, seed: 1000 + i });
    const start = truth.map((p, k) => (k === 3 || k === 6 ? Math.min(1, p * (1 + 0.05 * (2 * u() - 1))) : p * (1 + 0.3 * (2 * u() - 1))));
    out.push({ spectrum, truth, start });
  }
  return out;
}

/** Stacked residual data for the library: x = index, y = [Re..., Im...] scaled by |Z| (both fitters weight the same). */
function libraryFit(c: Case): number[] {
  const f = c.spectrum.freqHz;
  const n = f.length;
  const mod = Array.from({ length: n }, (_, i) => Math.hypot(c.spectrum.zRe[i], c.spectrum.zIm[i]));
  const x = Array.from({ length: 2 * n }, (_, i) => i);
  const y = x.map((i) => (i < n ? c.spectrum.zRe[i] / mod[i] : c.spectrum.zIm[i - n] / mod[i - n]));
  const model = (p: number[]) => {
    const z = evaluateCircuit(CIRCUIT, p, f);
    return (i: number) => (i < n ? z.re[i] / mod[i] : z.im[i - n] / mod[i - n]);
  };
  const jacobian = (p: number[]) => {
    const j = evaluateCircuitJacobian(CIRCUIT, p, f);
    return (i: number) => (i < n ? j.dRe.map((d) => d[i] / mod[i]) : j.dIm.map((d) => d[i - n] / mod[i - n]));
  };
  const result = levenbergMarquardt({ x, y }, model, {
    initialValues: c.start,
    minValues: [0, 1e-9, 1e-15, 0.3, 1e-9, 1e-15, 0.3],
    maxValues: [1e6, 1e9, 1, 1, 1e9, 1, 1],
    jacobianFunction: jacobian,
    maxIterations: 200,
    errorTolerance: 1e-12,
  });
  return result.parameterValues;
}

function relErr(fit: ArrayLike<number>, truth: number[], k: number): number {
  return Math.abs(fit[k] / truth[k] - 1);
}

export async function benchLmLibrary(): Promise<Record<string, number>> {
  const all = cases(400);
  const ours = createFitter(CIRCUIT, 64);
  const run = (fit: (c: Case) => ArrayLike<number>) => {
    const fitted: ArrayLike<number>[] = [];
    const t0 = performance.now();
    for (const c of all) fitted.push(Array.from(fit(c)));
    const ms = performance.now() - t0;
    const errs = all.flatMap((c, i) => [relErr(fitted[i], c.truth, 1), relErr(fitted[i], c.truth, 4)]).sort((a, b) => a - b);
    return {
      fitsPerS: all.length / (ms / 1000),
      medianErr: errs[Math.floor(errs.length / 2)],
      p95Err: errs[Math.floor(errs.length * 0.95)],
    };
  };
  const mine = run((c) => ours.fit(c.spectrum, { initialGuess: c.start, weighting: 'modulus' }).params);
  const lib = run(libraryFit);
  console.log(`\n${all.length} fits of ${CIRCUIT.source} (50 points, 1 % noise, |Z| weighting, same start for both)`);
  report('@mes/eis fitter: fits per second, one core', mine.fitsPerS, 'fits/s');
  report('ml-levenberg-marquardt: fits per second, one core', lib.fitsPerS, 'fits/s');
  report('speed ratio (ours / library)', mine.fitsPerS / lib.fitsPerS, 'x');
  report('@mes/eis: median | p95 relative error of R1, R2', mine.medianErr * 100, `% | ${(mine.p95Err * 100).toFixed(2)} %`);
  report('library:  median | p95 relative error of R1, R2', lib.medianErr * 100, `% | ${(lib.p95Err * 100).toFixed(2)} %`);
  return { oursFitsPerS: mine.fitsPerS, libraryFitsPerS: lib.fitsPerS };
}

if (require.main === module) {
  benchLmLibrary().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
