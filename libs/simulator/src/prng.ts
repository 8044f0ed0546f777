// Math functions bound once at module scope: global lookups are slow inside vm contexts (e.g. Jest).
const { imul, floor, exp, log, sqrt, sin, cos, PI } = Math;

/**
 * Small deterministic random number generation: a 32-bit integer hash to derive independent stream
 * seeds, mulberry32 as the generator, Box-Muller for normals. Not cryptographic; reproducible across
 * platforms (only 32-bit integer arithmetic and log/sqrt/cos).
 */

/** Mixes 32-bit words into one seed (murmur3-style finaliser applied after each word). */
export function hashSeed(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    let k = imul((w | 0) ^ ((w / 4294967296) | 0), 0xcc9e2d51); // fold in high bits of large integers
    k = (k << 15) | (k >>> 17);
    h ^= imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return floor(this.next() * n);
  }

  /** Log-uniform in [lo, hi] (both > 0). */
  logUniform(lo: number, hi: number): number {
    return exp(this.uniform(log(lo), log(hi)));
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = sqrt(-2 * log(u));
    this.spareNormal = r * sin(2 * PI * v);
    return r * cos(2 * PI * v);
  }

  /** exp(N(0, sigma)): a multiplicative spread of roughly ±sigma. */
  logNormal(sigma: number): number {
    return exp(sigma * this.normal());
  }

  /** Poisson variate (Knuth's method; fine for the small means used here, λ ≲ 30). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    const limit = exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }
}
