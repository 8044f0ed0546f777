import type { Circuit } from './circuit/circuit';
import { evaluateCircuit } from './circuit/evaluate-circuit';
import { parseCircuit } from './circuit/parse-circuit';
import type { Spectrum } from './spectrum';
import { gaussian, mulberry32 } from './util/random';

export interface SyntheticNoise {
  /** Gaussian noise on the real and the imaginary part, sigma = relative * |Z| (default 0). */
  relative?: number;
  /** Extra absolute Gaussian noise in ohms (default 0). */
  absoluteOhm?: number;
  /** Seed of the PRNG (default 1). */
  seed?: number;
}

/**
 * A synthetic spectrum of a circuit with reproducible Gaussian noise (for tests, benches and
 * simulators). Not a measurement model: no drift, no non-linearity.
 */
export function synthesizeSpectrum(
  circuit: Circuit | string,
  params: ArrayLike<number>,
  freqHz: ArrayLike<number>,
  noise: SyntheticNoise = {},
): Spectrum & { zRe: Float64Array; zIm: Float64Array; freqHz: Float64Array } {
  const c = typeof circuit === 'string' ? parseCircuit(circuit) : circuit;
  const z = evaluateCircuit(c, params, freqHz);
  const rel = noise.relative ?? 0;
  const abs = noise.absoluteOhm ?? 0;
  if (rel > 0 || abs > 0) {
    const g = gaussian(mulberry32(noise.seed ?? 1));
    for (let i = 0; i < z.re.length; i++) {
      const s = rel * Math.hypot(z.re[i], z.im[i]) + abs;
      z.re[i] += s * g();
      z.im[i] += s * g();
    }
  }
  return { freqHz: Float64Array.from(freqHz), zRe: z.re, zIm: z.im };
}
