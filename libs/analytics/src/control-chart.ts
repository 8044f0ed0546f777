/**
 * Control charts on per-sheet statistics: individuals / moving range (I-MR), subgroup mean and
 * standard deviation (X̄-S) and proportion defective (p). Limits come from a baseline window that an
 * engineer picks; once frozen they are plain numbers stored with the chart version, and every new
 * point is judged against them (`chartPoint`).
 */
import { B3, B4, D3, D4, d2, d3 } from './control-constants';
import { RUN_RULES, type RunRule } from './run-rules';
import { c4 } from './stats';

const { abs, sqrt, max, min } = Math;

export type ChartType = 'I_MR' | 'XBAR_S' | 'P';

/** One plotted point. I-MR: `value`. X̄-S: `value` = subgroup mean, `spread` = subgroup s, `n`. p: `value` = defectives, `n` = inspected. */
export interface ChartSample {
  value: number;
  n?: number;
  spread?: number;
}

/** Frozen limits of a chart. `sigma` is the process σ of one observation (I-MR, X̄-S) or p̄ for p charts. */
export interface ChartLimits {
  type: ChartType;
  centre: number;
  /** I-MR and X̄-S: σ of one observation. p: unused (0); the point σ follows from p̄ and n. */
  sigma: number;
  /** I-MR: mean moving range; X̄-S: mean subgroup s. */
  dispersionCentre: number;
  /** Number of baseline points the limits came from. */
  baselinePoints: number;
}

/** A point judged against frozen limits: its plotted value, its own limits and its z in σ of the point. */
export interface ChartPoint {
  value: number;
  centre: number;
  lcl: number;
  ucl: number;
  /** Distance from the centre line in σ of this point (what run rules look at). */
  z: number;
  /**
   * Second chart: moving range (I-MR, from the point before) or subgroup s (X̄-S), its centre line and
   * limits (D3/D4 · MR̄; B3/B4 · c4(n) σ for this point's n), and its distance from the centre in σ of
   * the dispersion (so "beyond the limits" is |z| > 3 as on the first chart). Undefined for p charts and
   * for the first point of an I-MR chart.
   */
  dispersion?: number;
  dispersionCentre?: number;
  dispersionUcl?: number;
  dispersionLcl?: number;
  dispersionZ?: number;
}

export class ChartInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartInputError';
  }
}

/** The moving range is the range of two consecutive observations. */
const MR_N = 2;

function checkSample(type: ChartType, s: ChartSample, at: string): void {
  if (!Number.isFinite(s.value)) throw new ChartInputError(`${at}: value must be a finite number, got ${s.value}`);
  if (type === 'XBAR_S') {
    if (!Number.isInteger(s.n) || (s.n as number) < 2) throw new ChartInputError(`${at}: an X̄-S subgroup needs n ≥ 2, got ${s.n}`);
    if (!Number.isFinite(s.spread) || (s.spread as number) < 0)
      throw new ChartInputError(`${at}: an X̄-S subgroup needs a standard deviation ≥ 0, got ${s.spread}`);
  }
  if (type === 'P') {
    if (!Number.isInteger(s.n) || (s.n as number) < 1)
      throw new ChartInputError(`${at}: a p-chart point needs n ≥ 1 inspected, got ${s.n}`);
    if (!Number.isInteger(s.value) || s.value < 0 || s.value > (s.n as number)) {
      throw new ChartInputError(`${at}: defectives must be a whole number between 0 and n = ${s.n}, got ${s.value}`);
    }
  }
}

/** Limits from a baseline window (at least 2 points; 20 to 25 is the usual advice). */
export function computeLimits(type: ChartType, baseline: readonly ChartSample[]): ChartLimits {
  if (baseline.length < 2) throw new ChartInputError(`a baseline needs at least 2 points, got ${baseline.length}`);
  baseline.forEach((s, i) => checkSample(type, s, `baseline point ${i}`));
  switch (type) {
    case 'I_MR': {
      const centre = baseline.reduce((a, s) => a + s.value, 0) / baseline.length;
      let mr = 0;
      for (let i = 1; i < baseline.length; i++) mr += abs(baseline[i].value - baseline[i - 1].value);
      mr /= baseline.length - 1;
      return { type, centre, sigma: mr / d2(MR_N), dispersionCentre: mr, baselinePoints: baseline.length };
    }
    case 'XBAR_S': {
      // Weighted by subgroup size; σ from s̄ / c4 with each subgroup's own c4 (unequal sizes are common:
      // a zone loses the cells that failed).
      let sw = 0;
      let sx = 0;
      let sSigma = 0;
      let sS = 0;
      for (const s of baseline) {
        const n = s.n as number;
        sw += n;
        sx += n * s.value;
        sSigma += (s.spread as number) / c4(n);
        sS += s.spread as number;
      }
      return {
        type,
        centre: sx / sw,
        sigma: sSigma / baseline.length,
        dispersionCentre: sS / baseline.length,
        baselinePoints: baseline.length,
      };
    }
    case 'P': {
      let d = 0;
      let n = 0;
      for (const s of baseline) {
        d += s.value;
        n += s.n as number;
      }
      return { type, centre: d / n, sigma: 0, dispersionCentre: 0, baselinePoints: baseline.length };
    }
  }
}

/** Judge one point against frozen limits; `previous` is the point before it (for the moving range). */
export function chartPoint(limits: ChartLimits, sample: ChartSample, previous?: ChartSample): ChartPoint {
  checkSample(limits.type, sample, 'point');
  switch (limits.type) {
    case 'I_MR': {
      const s = limits.sigma;
      const p: ChartPoint = {
        value: sample.value,
        centre: limits.centre,
        lcl: limits.centre - 3 * s,
        ucl: limits.centre + 3 * s,
        z: s > 0 ? (sample.value - limits.centre) / s : zeroSigmaZ(sample.value - limits.centre),
      };
      if (previous) {
        // MR̄ = d2 σ; σ of a moving range = d3 σ, so D3/D4 · MR̄ are its 3σ limits.
        const mr = abs(sample.value - previous.value);
        const sdMr = (d3(MR_N) / d2(MR_N)) * limits.dispersionCentre;
        p.dispersion = mr;
        p.dispersionCentre = limits.dispersionCentre;
        p.dispersionUcl = D4(MR_N) * limits.dispersionCentre;
        p.dispersionLcl = D3(MR_N) * limits.dispersionCentre;
        p.dispersionZ = sdMr > 0 ? (mr - limits.dispersionCentre) / sdMr : zeroSigmaZ(mr - limits.dispersionCentre);
      }
      return p;
    }
    case 'XBAR_S': {
      const n = sample.n as number;
      const se = limits.sigma / sqrt(n);
      // s of a subgroup of n: mean c4 σ, σ √(1 − c4²); B3/B4 · c4 σ are its 3σ limits.
      const k = c4(n);
      const sCentre = k * limits.sigma;
      const sdS = limits.sigma * sqrt(1 - k * k);
      const s = sample.spread as number;
      return {
        value: sample.value,
        centre: limits.centre,
        lcl: limits.centre - 3 * se,
        ucl: limits.centre + 3 * se,
        z: se > 0 ? (sample.value - limits.centre) / se : zeroSigmaZ(sample.value - limits.centre),
        dispersion: s,
        dispersionCentre: sCentre,
        dispersionLcl: B3(n) * sCentre,
        dispersionUcl: B4(n) * sCentre,
        dispersionZ: sdS > 0 ? (s - sCentre) / sdS : zeroSigmaZ(s - sCentre),
      };
    }
    case 'P': {
      const n = sample.n as number;
      const pbar = limits.centre;
      const se = sqrt((pbar * (1 - pbar)) / n);
      const p = sample.value / n;
      return {
        value: p,
        centre: pbar,
        lcl: max(0, pbar - 3 * se),
        ucl: min(1, pbar + 3 * se),
        z: se > 0 ? (p - pbar) / se : zeroSigmaZ(p - pbar),
      };
    }
  }
}

/** The limits a point of subgroup size n is drawn against (n: X̄-S subgroup, p inspected; unused for I-MR). */
export interface PointLimits {
  centre: number;
  lcl: number;
  ucl: number;
  /** The second chart's centre and limits; undefined for p charts. */
  dispersionCentre?: number;
  dispersionLcl?: number;
  dispersionUcl?: number;
}

/** The limits of both charts for a point of subgroup size n, as `chartPoint` judges it (for drawing). */
export function limitsAt(limits: ChartLimits, n?: number | null): PointLimits | null {
  switch (limits.type) {
    case 'I_MR': {
      const { centre, lcl, ucl, dispersionCentre, dispersionLcl, dispersionUcl } = chartPoint(
        limits,
        { value: limits.centre },
        { value: limits.centre },
      );
      return { centre, lcl, ucl, dispersionCentre, dispersionLcl, dispersionUcl };
    }
    case 'XBAR_S': {
      if (!Number.isInteger(n) || (n as number) < 2) return null;
      const { centre, lcl, ucl, dispersionCentre, dispersionLcl, dispersionUcl } = chartPoint(limits, {
        value: limits.centre,
        n: n as number,
        spread: 0,
      });
      return { centre, lcl, ucl, dispersionCentre, dispersionLcl, dispersionUcl };
    }
    case 'P': {
      if (!Number.isInteger(n) || (n as number) < 1) return null;
      const { centre, lcl, ucl } = chartPoint(limits, { value: 0, n: n as number });
      return { centre, lcl, ucl };
    }
  }
}

/** With a baseline of identical values any departure is infinitely far out; no departure is on the line. */
function zeroSigmaZ(d: number): number {
  return d === 0 ? 0 : d > 0 ? Infinity : -Infinity;
}

/** Every point of a series judged against the limits, moving ranges included. */
export function chartSeries(limits: ChartLimits, samples: readonly ChartSample[]): ChartPoint[] {
  return samples.map((s, i) => chartPoint(limits, s, i > 0 ? samples[i - 1] : undefined));
}

/**
 * The run rules that judge the second chart, of those chosen for the chart. Both take "a point
 * beyond the limits" (Nelson 1, WE 1). Consecutive moving ranges share an observation, so they are
 * correlated and the run rules would fire on noise: the MR chart takes rule 1 only. Subgroup s are
 * independent but skewed (the zone rules' 1σ and 2σ tail fractions do not hold), so the s chart adds
 * only the rules that need no tail fraction: a run on one side (Nelson 2, WE 4) and a trend (Nelson 3).
 */
export const DISPERSION_RULES: Record<Exclude<ChartType, 'P'>, readonly RunRule[]> = {
  I_MR: ['NELSON_1', 'WE_1'],
  XBAR_S: ['NELSON_1', 'WE_1', 'NELSON_2', 'WE_4', 'NELSON_3'],
};

export function dispersionRules(type: ChartType, chosen: readonly RunRule[]): RunRule[] {
  if (type === 'P') return [];
  const allowed = DISPERSION_RULES[type];
  return RUN_RULES.filter((r) => chosen.includes(r) && allowed.includes(r));
}
