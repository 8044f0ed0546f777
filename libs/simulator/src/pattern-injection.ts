/**
 * Spatial loss patterns with ground truth, laid on top of the random defects of a sheet: lanes along
 * the web, a CD smile or frown of the film, drift and steps along MD, a damaged roller that marks the
 * web once per circumference, particle clusters and edge damage. Specs are in roll coordinates (mm), so
 * one spec applied to every sheet of a roll makes one consistent roll-wide pattern.
 *
 * Two uses: `simulatePatternMap` makes a failure map and a metric map directly (fast: the pattern
 * benchmark draws tens of thousands), and `injectPattern` puts the same pattern into a simulated rig
 * sheet (failed cells get a hard-short spectrum, the metric factor scales the impedance).
 */
import { Rng } from './prng';
import type { SimulatedSheet } from './simulate-sheet';

export type PatternSpec =
  /** Columns that fail along the whole web (a scratched patterning lane, a coater stripe). */
  | { kind: 'CD_LANE'; cols: number[]; failProbability: number }
  /** Metric × (1 ± amplitude·u²) with u = −1..1 across the sheet: SMILE raises the edges, FROWN lowers them. */
  | { kind: 'CD_SMILE' | 'CD_FROWN'; amplitude: number }
  /** Metric × (1 + relativeChange·s), s ramping 0→1 from fromMdMm to toMdMm and held after. */
  | { kind: 'MD_DRIFT'; fromMdMm: number; toMdMm: number; relativeChange: number }
  /** Metric × (1 + relativeChange) from atMdMm on. */
  | { kind: 'MD_STEP'; atMdMm: number; relativeChange: number }
  /** A roller mark every circumferenceMm from phaseMm, markLengthMm long, over cols colFrom..colTo. */
  | {
      kind: 'MD_PERIODIC';
      circumferenceMm: number;
      phaseMm: number;
      markLengthMm: number;
      colFrom: number;
      colTo: number;
      failProbability: number;
    }
  /** A particle burst: cells within `radius` (Chebyshev) of the centre fail with failProbability. */
  | { kind: 'CLUSTER'; row: number; col: number; radius: number; failProbability: number }
  /** Edge damage: the outer `width` cells on the given sides fail with failProbability. */
  | { kind: 'EDGE'; width: number; sides: Array<'CD_LOW' | 'CD_HIGH' | 'MD_LEAD' | 'MD_TRAIL'>; failProbability: number };

export type PatternKindName = PatternSpec['kind'];

export interface PatternSheetGeometry {
  rows: number;
  cols: number;
  pitchMdMm: number;
  /** MD of the first row's cell centres, mm from the roll's start. */
  firstRowMdMm: number;
}

export interface PatternOverlay {
  /** 1 where the pattern killed the cell. */
  forcedFail: Uint8Array;
  /** Multiplier of the cell's metric (impedance / ASR) from the pattern, 1 where untouched. */
  metricFactor: Float64Array;
}

export class PatternSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternSpecError';
  }
}

function checkSpec(s: PatternSpec, g: PatternSheetGeometry): void {
  const prob = (p: number): void => {
    if (!(p >= 0 && p <= 1)) throw new PatternSpecError(`${s.kind}: failProbability must be between 0 and 1, got ${p}`);
  };
  switch (s.kind) {
    case 'CD_LANE':
      prob(s.failProbability);
      for (const c of s.cols)
        if (!Number.isInteger(c) || c < 0 || c >= g.cols) throw new PatternSpecError(`CD_LANE: column ${c} is outside 0..${g.cols - 1}`);
      return;
    case 'CD_SMILE':
    case 'CD_FROWN':
      if (!(s.amplitude >= 0 && s.amplitude < 1)) throw new PatternSpecError(`${s.kind}: amplitude must be in [0, 1), got ${s.amplitude}`);
      return;
    case 'MD_DRIFT':
      if (!(s.toMdMm > s.fromMdMm)) throw new PatternSpecError(`MD_DRIFT: toMdMm (${s.toMdMm}) must be after fromMdMm (${s.fromMdMm})`);
      return;
    case 'MD_STEP':
      if (!Number.isFinite(s.atMdMm) || !(s.relativeChange > -1))
        throw new PatternSpecError(`MD_STEP: atMdMm must be finite and relativeChange > −1`);
      return;
    case 'MD_PERIODIC':
      prob(s.failProbability);
      if (!(s.circumferenceMm > 0) || !(s.markLengthMm > 0) || s.markLengthMm >= s.circumferenceMm) {
        throw new PatternSpecError(`MD_PERIODIC: need 0 < markLengthMm < circumferenceMm, got ${s.markLengthMm} and ${s.circumferenceMm}`);
      }
      if (s.colFrom < 0 || s.colTo >= g.cols || s.colFrom > s.colTo)
        throw new PatternSpecError(`MD_PERIODIC: columns ${s.colFrom}..${s.colTo} are not within 0..${g.cols - 1}`);
      return;
    case 'CLUSTER':
      prob(s.failProbability);
      if (!(s.radius >= 0)) throw new PatternSpecError(`CLUSTER: radius must be ≥ 0, got ${s.radius}`);
      return;
    case 'EDGE':
      prob(s.failProbability);
      if (!(s.width >= 1) || !s.sides.length) throw new PatternSpecError('EDGE: needs a width ≥ 1 and at least one side');
      return;
  }
}

/** What the given patterns do to one sheet. Deterministic for a given rng state. */
export function patternOverlay(specs: readonly PatternSpec[], g: PatternSheetGeometry, rng: Rng): PatternOverlay {
  const n = g.rows * g.cols;
  const forcedFail = new Uint8Array(n);
  const metricFactor = new Float64Array(n).fill(1);
  for (const s of specs) {
    checkSpec(s, g);
    for (let r = 0; r < g.rows; r++) {
      const md = g.firstRowMdMm + r * g.pitchMdMm;
      for (let c = 0; c < g.cols; c++) {
        const i = r * g.cols + c;
        const u = g.cols > 1 ? (2 * c) / (g.cols - 1) - 1 : 0;
        switch (s.kind) {
          case 'CD_LANE':
            if (s.cols.includes(c) && rng.bernoulli(s.failProbability)) forcedFail[i] = 1;
            break;
          case 'CD_SMILE':
            metricFactor[i] *= 1 + s.amplitude * u * u;
            break;
          case 'CD_FROWN':
            metricFactor[i] *= 1 - s.amplitude * u * u;
            break;
          case 'MD_DRIFT': {
            const t = Math.min(1, Math.max(0, (md - s.fromMdMm) / (s.toMdMm - s.fromMdMm)));
            metricFactor[i] *= 1 + s.relativeChange * t;
            break;
          }
          case 'MD_STEP':
            if (md >= s.atMdMm) metricFactor[i] *= 1 + s.relativeChange;
            break;
          case 'MD_PERIODIC': {
            // The row's cells span md ± pitch/2; the mark hits it when the two overlap.
            const ph = (((md - s.phaseMm) % s.circumferenceMm) + s.circumferenceMm) % s.circumferenceMm;
            const hit = ph < s.markLengthMm + g.pitchMdMm / 2 || ph > s.circumferenceMm - g.pitchMdMm / 2;
            if (hit && c >= s.colFrom && c <= s.colTo && rng.bernoulli(s.failProbability)) forcedFail[i] = 1;
            break;
          }
          case 'CLUSTER':
            if (Math.max(Math.abs(r - s.row), Math.abs(c - s.col)) <= s.radius && rng.bernoulli(s.failProbability)) forcedFail[i] = 1;
            break;
          case 'EDGE': {
            const w = s.width;
            const on =
              (s.sides.includes('CD_LOW') && c < w) ||
              (s.sides.includes('CD_HIGH') && c >= g.cols - w) ||
              (s.sides.includes('MD_LEAD') && r < w) ||
              (s.sides.includes('MD_TRAIL') && r >= g.rows - w);
            if (on && rng.bernoulli(s.failProbability)) forcedFail[i] = 1;
            break;
          }
        }
      }
    }
  }
  return { forcedFail, metricFactor };
}

export interface PatternMapOptions extends PatternSheetGeometry {
  seed: number;
  /** Random (Poisson-like, independent) failure rate under the pattern; a real line sees about 1–2 % probe-contact opens. */
  randomFailRate: number;
  /** Metric level of a good cell (for example ASR in Ω·cm²) and its relative cell-to-cell noise. */
  metricLevel: number;
  metricNoiseRel: number;
  patterns: readonly PatternSpec[];
}

export interface PatternMap {
  rows: number;
  cols: number;
  /** Row-major 1 failed, 0 passed. */
  fail: Int8Array;
  /** Row-major metric, NaN for failed cells (a short has no meaningful ASR). */
  metric: Float64Array;
  /** Ground truth: the cells the pattern (not the random defects) killed, and the specs. */
  patternFail: Uint8Array;
  patterns: readonly PatternSpec[];
}

/** A failure and metric map with random defects and the given patterns, with ground truth. */
export function simulatePatternMap(o: PatternMapOptions): PatternMap {
  if (!(o.randomFailRate >= 0 && o.randomFailRate < 1))
    throw new PatternSpecError(`randomFailRate must be in [0, 1), got ${o.randomFailRate}`);
  const rng = new Rng(o.seed);
  const ov = patternOverlay(o.patterns, o, rng);
  const n = o.rows * o.cols;
  const fail = new Int8Array(n);
  const metric = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = ov.forcedFail[i] === 1 || rng.bernoulli(o.randomFailRate);
    fail[i] = f ? 1 : 0;
    metric[i] = f ? NaN : o.metricLevel * ov.metricFactor[i] * (1 + o.metricNoiseRel * rng.normal());
  }
  return { rows: o.rows, cols: o.cols, fail, metric, patternFail: ov.forcedFail, patterns: o.patterns };
}

/** Hard-short spectrum: a few ohms, flat. */
const SHORT_OHM = 5;

/**
 * The same patterns in a simulated rig sheet: cells the pattern kills read as hard shorts (truth kind
 * HARD_SHORT, `inPattern` set) and every cell's impedance is scaled by the metric factor (so its fitted
 * resistances and ASR scale with it). Contact opens stay as they were: the rig did not reach those cells.
 */
export function injectPattern(
  sheet: SimulatedSheet,
  specs: readonly PatternSpec[],
  geometry: { pitchMdMm: number; firstRowMdMm: number },
  seed: number,
): SimulatedSheet & { inPattern: Uint8Array } {
  const g = { rows: sheet.rows, cols: sheet.cols, ...geometry };
  const ov = patternOverlay(specs, g, new Rng(seed));
  const cells = sheet.cells.map((cell, i) => {
    if (cell.status !== 'OK') return cell;
    if (ov.forcedFail[i]) return { ...cell, zReOhm: cell.zReOhm.map(() => SHORT_OHM), zImOhm: cell.zImOhm.map(() => -0.001) };
    const k = ov.metricFactor[i];
    return k === 1 ? cell : { ...cell, zReOhm: cell.zReOhm.map((v) => v * k), zImOhm: cell.zImOhm.map((v) => v * k) };
  });
  const truth = sheet.truth.map((t, i) => {
    if (ov.forcedFail[i])
      return {
        ...t,
        physicalKind: 'HARD_SHORT' as const,
        kind: t.kind === 'CONTACT_OPEN' ? t.kind : ('HARD_SHORT' as const),
        shortOhm: SHORT_OHM,
      };
    const k = ov.metricFactor[i];
    return k === 1
      ? t
      : { ...t, r0Ohm: t.r0Ohm * k, r1Ohm: t.r1Ohm * k, r2Ohm: t.r2Ohm * k, asrOhmCm2: t.asrOhmCm2 * k, asr25OhmCm2: t.asr25OhmCm2 * k };
  });
  return { ...sheet, cells, truth, inPattern: ov.forcedFail };
}

/** The line driver's hook: the sheet as simulated, with the run's patterns laid on it (none: unchanged). */
export function withLinePatterns(
  sheet: SimulatedSheet,
  specs: readonly PatternSpec[] | undefined,
  firstRowMdMm: number,
  pitchMdMm: number,
  seed: number,
): SimulatedSheet {
  return specs && specs.length ? injectPattern(sheet, specs, { pitchMdMm, firstRowMdMm }, seed) : sheet;
}
