import { evaluateCircuit, logFrequencies, parseCircuit, type Circuit } from '@mes/eis';
import {
  arrheniusResistanceRatio,
  BLOCKING_Q_PER_CM2,
  INTERFACE_ASR_25C_OHM_CM2,
  INTERFACE_EA_EV,
  INTERFACE_Q_PER_CM2,
  Interlayer,
  LIPON_EA_EV,
  liponConductivity,
  liponGeometricCapacitance,
  predictedCapacityMah,
  thicknessProfile,
} from './physics';
import { hashSeed, Rng } from './prng';

// Math functions bound once at module scope: global lookups are slow inside vm contexts (e.g. Jest).
const { log10, abs, floor, round, min, max, hypot, cos, sin, atan2, PI } = Math;

// ---------------------------------------------------------------------------------------------- options

export interface RollGeometry {
  /** Web width (CD), mm. Default 300. */
  webWidthMm: number;
  /** Usable roll length, m. Default 200. */
  rollLengthM: number;
  /**
   * MD position of the sheet's leading edge, mm from the roll's leading end. Default: a 5 m leader plus
   * sheetIndex × (rows × pitch + 20 mm edge margin).
   */
  sheetMdStartMm?: number;
  /** CD position of the grid's operator-side edge, mm. Default: grid centred on the web. */
  sheetCdStartMm?: number;
}

export interface ProcessConditions {
  /** Nominal LiPON thickness, µm (1–3; default 1.5). */
  liponThicknessUm: number;
  /** Nominal LCO thickness, µm (4–12; default 10). */
  lcoThicknessUm: number;
  interlayer: Interlayer;
  /** Test temperature, °C (default 25). */
  temperatureC: number;
  /** CD smile a and MD drift b of the thickness profiles, and the relative thickness noise. */
  liponCdSmile: number;
  liponMdDrift: number;
  lcoCdSmile: number;
  lcoMdDrift: number;
  thicknessNoiseRel: number;
}

/** Defect statistics. Fractions are per cell unless noted. */
export interface DefectRates {
  /** Killer-defect density D, per cm² (Poisson; 0.02–0.10 is a realistic range). */
  shortDensityPerCm2: number;
  /** Share of Poisson shorts that are hard (few Ω–1 kΩ); the rest are soft (1–10 kΩ). */
  hardShortShare: number;
  /** Probability that a sheet carries one clustered burst of shorts (particle event). */
  burstProbability: number;
  /** Burst radius in cells (Chebyshev distance around the centre cell). */
  burstRadiusCells: number;
  /** Probability that a cell inside the burst is shorted. */
  burstShortProbability: number;
  /** Leaky cells (parallel 10 kΩ–1 MΩ). */
  leakyRate: number;
  /** Hard opens (broken collector, missing top metal): |Z| of a few pF of stray capacitance. */
  hardOpenRate: number;
  /** High-impedance cells (contaminated interface: interface resistance × 3–10). */
  highZRate: number;
  /** Probe-contact opens, 0.5–2 %, which clear on retest. */
  contactOpenRate: number;
  /** Share of contact opens the rig reports as NO_CONTACT; the rest give a noisy open-like spectrum. */
  noContactShare: number;
}

export interface FrequencyPlan {
  fMaxHz: number;
  fMinHz: number;
  pointsPerDecade: number;
}

export interface SimulateSheetOptions {
  seed: number;
  /** Index of the sheet on its roll; (seed, sheetIndex) fixes the sheet. Default 0. */
  sheetIndex?: number;
  rows?: number;
  cols?: number;
  cellActiveAreaCm2?: number;
  pitchMm?: number;
  roll?: Partial<RollGeometry>;
  process?: Partial<ProcessConditions>;
  defects?: Partial<DefectRates>;
  frequencies?: Partial<FrequencyPlan>;
  /** Multiplicative complex measurement noise (σ of each component, relative). Default 0.01. */
  measurementNoiseRel?: number;
  /**
   * Test insertion: 0 (or false) is the first test; n ≥ 1 (or true = 1) regenerates the same sheet with
   * the contact opens cleared and fresh measurement noise.
   */
  retest?: boolean | number;
}

export const DEFAULT_ROLL: Omit<RollGeometry, 'sheetMdStartMm' | 'sheetCdStartMm'> = {
  webWidthMm: 300,
  rollLengthM: 200,
};

export const DEFAULT_PROCESS: ProcessConditions = {
  liponThicknessUm: 1.5,
  lcoThicknessUm: 10,
  interlayer: 'Pt',
  temperatureC: 25,
  liponCdSmile: 0.08,
  liponMdDrift: 0.05,
  lcoCdSmile: 0.05,
  lcoMdDrift: 0.04,
  thicknessNoiseRel: 0.015,
};

export const DEFAULT_DEFECTS: DefectRates = {
  shortDensityPerCm2: 0.02,
  hardShortShare: 0.7,
  burstProbability: 0.15,
  burstRadiusCells: 1,
  burstShortProbability: 0.6,
  leakyRate: 0.004,
  hardOpenRate: 0.002,
  highZRate: 0.004,
  contactOpenRate: 0.01,
  noContactShare: 0.5,
};

export const DEFAULT_FREQUENCIES: FrequencyPlan = { fMaxHz: 1e6, fMinHz: 1, pointsPerDecade: 8 };

// ---------------------------------------------------------------------------------------------- output

/** One cell exactly as in the rig ingest contract (docs/contracts.md "Rig ingest"). */
export type RigCell =
  | { row: number; col: number; status: 'OK'; ocvV: number; zReOhm: number[]; zImOhm: number[] }
  | { row: number; col: number; status: 'NO_CONTACT' };

export type PhysicalKind = 'GOOD' | 'HARD_SHORT' | 'SOFT_SHORT' | 'LEAKY' | 'OPEN' | 'HIGH_Z';
export type TruthKind = PhysicalKind | 'CONTACT_OPEN';

/** Ground truth of one cell, for verifying feature extraction and binning. */
export interface CellTruth {
  row: number;
  col: number;
  /** What this test insertion saw: CONTACT_OPEN overrides the physical kind on the first test. */
  kind: TruthKind;
  /** The cell's physical state (what a clean retest sees). */
  physicalKind: PhysicalKind;
  /** How a contact open was reported (only for kind CONTACT_OPEN). */
  contactOpenMode?: 'NO_CONTACT' | 'NOISY';
  /** True when this short belongs to the sheet's clustered burst. */
  inBurst?: boolean;
  cdMm: number;
  mdMm: number;
  liponThicknessUm: number;
  lcoThicknessUm: number;
  predictedCapacityMah: number;
  /** True OCV before measurement noise. */
  ocvV: number;
  /** Circuit (impedance.py notation) and parameters that produced the noiseless spectrum. */
  circuit: string;
  params: Record<string, number>;
  /** Noiseless cell resistances: contact R0, LiPON bulk R1, interface R2 at the test temperature. */
  r0Ohm: number;
  r1Ohm: number;
  r2Ohm: number;
  /** (R0 + R1 + R2) × area at the test temperature and at 25 °C. */
  asrOhmCm2: number;
  asr25OhmCm2: number;
  shortOhm?: number;
  leakOhm?: number;
  strayCapacitanceF?: number;
}

export interface SimulatedSheet {
  seed: number;
  sheetIndex: number;
  retest: number;
  rows: number;
  cols: number;
  cellActiveAreaCm2: number;
  temperatureC: number;
  frequenciesHz: number[];
  /** Row-major (index row × cols + col), the ingest contract's cells. */
  cells: RigCell[];
  truth: CellTruth[];
}

// ---------------------------------------------------------------------------------------------- circuits

/** As-made cell: contact R0, LiPON bulk arc, interface arc, blocking (Li-free) collector. */
const GOOD_CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)-CPE3';
/** The same with a parallel defect path R3 across the cell (short or leak); R0 stays in series (probe). */
const SHUNTED_CIRCUIT = 'R0-p(p(R1,CPE1)-p(R2,CPE2)-CPE3,R3)';
/** Nothing behind the probe: stray capacitance and an insulation resistance. */
const OPEN_CIRCUIT = 'p(R0,C0)';

const circuitCache = new Map<string, Circuit>();
function circuitOf(source: string): Circuit {
  let c = circuitCache.get(source);
  if (!c) {
    c = parseCircuit(source);
    circuitCache.set(source, c);
  }
  return c;
}

function evaluate(source: string, params: Record<string, number>, freqHz: Float64Array) {
  const circuit = circuitOf(source);
  const vector = circuit.paramNames.map((name) => {
    const v = params[name];
    if (v === undefined) throw new Error(`simulator bug: no value for ${name} in ${source}`);
    return v;
  });
  return evaluateCircuit(circuit, vector, freqHz);
}

// ---------------------------------------------------------------------------------------------- helpers

const STREAM_SHEET = 1;
const STREAM_CELL = 2;
const STREAM_DEFECT = 3;
const STREAM_CONTACT = 4;
const STREAM_NOISE = 5;

/** Rounds to 6 significant digits: far below the 1 % noise, and keeps the JSON short. */
const POW10 = Array.from({ length: 41 }, (_, i) => 10 ** (i - 20));
function r6(v: number): number {
  if (v === 0 || !(v - v === 0)) return v; // zero, NaN or ±Infinity
  const e = floor(log10(abs(v)));
  if (e < -14 || e > 19) return Number(v.toPrecision(6));
  const m = POW10[25 - e]; // 10^(5 − e)
  return round(v * m) / m;
}

const clamp = (v: number, lo: number, hi: number) => min(hi, max(lo, v));

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}
function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${name} must be a positive number, got ${v}`);
  return v;
}
function fraction(name: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new RangeError(`${name} must be within [0, 1], got ${v}`);
  return v;
}

// ---------------------------------------------------------------------------------------------- simulation

/**
 * Simulates the sheet electrical test of one sheet: OCV and EIS of every cell, in the rig ingest
 * contract's shape, plus the ground truth. Pure and deterministic: the same options give the same sheet;
 * the physics and defects depend only on (seed, sheetIndex) and the process/defect options, the
 * measurement noise and the contact opens also on the test insertion (`retest`).
 */
export function simulateSheet(options: SimulateSheetOptions): SimulatedSheet {
  const seed = options.seed;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const sheetIndex = options.sheetIndex ?? 0;
  if (!Number.isInteger(sheetIndex) || sheetIndex < 0) {
    throw new RangeError(`sheetIndex must be an integer ≥ 0, got ${sheetIndex}`);
  }
  const rows = positiveInt('rows', options.rows ?? 25);
  const cols = positiveInt('cols', options.cols ?? 25);
  const area = positive('cellActiveAreaCm2', options.cellActiveAreaCm2 ?? 1);
  const pitchMm = positive('pitchMm', options.pitchMm ?? 11);
  const retest = options.retest === true ? 1 : options.retest === false || options.retest === undefined ? 0 : options.retest;
  if (!Number.isInteger(retest) || retest < 0) throw new RangeError(`retest must be a boolean or an integer ≥ 0`);
  const proc: ProcessConditions = { ...DEFAULT_PROCESS, ...options.process };
  const def: DefectRates = { ...DEFAULT_DEFECTS, ...options.defects };
  const fp: FrequencyPlan = { ...DEFAULT_FREQUENCIES, ...options.frequencies };
  const noiseRel = options.measurementNoiseRel ?? 0.01;
  if (!(noiseRel >= 0 && noiseRel < 0.5)) throw new RangeError(`measurementNoiseRel must be in [0, 0.5)`);
  positive('liponThicknessUm', proc.liponThicknessUm);
  positive('lcoThicknessUm', proc.lcoThicknessUm);
  if (!(proc.interlayer in INTERFACE_ASR_25C_OHM_CM2)) throw new RangeError(`unknown interlayer ${proc.interlayer}`);
  for (const k of [
    'hardShortShare',
    'burstProbability',
    'burstShortProbability',
    'leakyRate',
    'hardOpenRate',
    'highZRate',
    'contactOpenRate',
    'noContactShare',
  ] as const) {
    fraction(k, def[k]);
  }

  const webWidthMm = positive('webWidthMm', options.roll?.webWidthMm ?? DEFAULT_ROLL.webWidthMm);
  const rollLengthMm = positive('rollLengthM', options.roll?.rollLengthM ?? DEFAULT_ROLL.rollLengthM) * 1000;
  const sheetMdStartMm = options.roll?.sheetMdStartMm ?? 5000 + sheetIndex * (rows * pitchMm + 20);
  const sheetCdStartMm = options.roll?.sheetCdStartMm ?? (webWidthMm - cols * pitchMm) / 2;

  const freq = logFrequencies(fp.fMaxHz, fp.fMinHz, fp.pointsPerDecade);
  const frequenciesHz = Array.from(freq, r6);
  const nF = freq.length;
  const T = proc.temperatureC;
  const liponRatio = arrheniusResistanceRatio(T, LIPON_EA_EV);
  const interfaceRatio = arrheniusResistanceRatio(T, INTERFACE_EA_EV);
  const sigmaT = liponConductivity(T);

  // ---- sheet-level draws: process offset, OCV level, burst
  const sheetRng = new Rng(hashSeed(seed, sheetIndex, STREAM_SHEET));
  const sheetSigmaFactor = sheetRng.logNormal(0.03); // run-to-run LiPON conductivity
  const ocvBase = 0.15 + 0.5 * sheetRng.next() + 0.1 * sin((6 * PI * sheetMdStartMm) / rollLengthMm);
  const hasBurst = sheetRng.bernoulli(def.burstProbability);
  const burstRow = sheetRng.int(rows);
  const burstCol = sheetRng.int(cols);

  const cells: RigCell[] = new Array(rows * cols);
  const truth: CellTruth[] = new Array(rows * cols);

  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const idx = row * cols + col;
      const cellRng = new Rng(hashSeed(seed, sheetIndex, STREAM_CELL, idx));
      const defectRng = new Rng(hashSeed(seed, sheetIndex, STREAM_DEFECT, idx));
      const contactRng = new Rng(hashSeed(seed, sheetIndex, STREAM_CONTACT, idx, retest));
      const noiseRng = new Rng(hashSeed(seed, sheetIndex, STREAM_NOISE, idx, retest));

      // ---- geometry and films
      const cdMm = sheetCdStartMm + (col + 0.5) * pitchMm;
      const mdMm = sheetMdStartMm + (row + 0.5) * pitchMm;
      const liponUm = max(
        0.05,
        thicknessProfile(proc.liponThicknessUm, cdMm, mdMm, webWidthMm, rollLengthMm, proc.liponCdSmile, proc.liponMdDrift) +
          proc.liponThicknessUm * proc.thicknessNoiseRel * cellRng.normal(),
      );
      const lcoUm = max(
        0.05,
        thicknessProfile(proc.lcoThicknessUm, cdMm, mdMm, webWidthMm, rollLengthMm, proc.lcoCdSmile, proc.lcoMdDrift) +
          proc.lcoThicknessUm * proc.thicknessNoiseRel * cellRng.normal(),
      );

      // ---- healthy-cell circuit (always drawn, so every cell consumes the same random numbers)
      const r0 = cellRng.uniform(1.5, 4); // probe + collector contact, Ω (not area-scaled)
      const r1 = (liponUm * 1e-4) / (sigmaT * sheetSigmaFactor) / area;
      const interfaceAsr25 = INTERFACE_ASR_25C_OHM_CM2[proc.interlayer] * cellRng.logNormal(0.08);
      let r2 = (interfaceAsr25 * interfaceRatio) / area;
      const q1 = liponGeometricCapacitance(liponUm, area) * cellRng.logNormal(0.03);
      const n1 = clamp(0.95 + 0.01 * cellRng.normal(), 0.9, 1);
      const q2 = INTERFACE_Q_PER_CM2 * area * cellRng.logNormal(0.1);
      const n2 = cellRng.uniform(0.85, 0.9);
      const q3 = BLOCKING_Q_PER_CM2 * area * cellRng.logNormal(0.1);
      const n3 = cellRng.uniform(0.9, 0.94);
      const ocvGood = clamp(ocvBase + 0.04 * cellRng.normal(), 0.01, 1.0);

      // ---- defects (fixed draw count per cell)
      const killerDefects = defectRng.poisson(def.shortDensityPerCm2 * area);
      const hardDraw = defectRng.next();
      const inBurstZone = hasBurst && max(abs(row - burstRow), abs(col - burstCol)) <= def.burstRadiusCells;
      const burstHit = inBurstZone && defectRng.next() < def.burstShortProbability;
      const uOpen = defectRng.next();
      const uLeak = defectRng.next();
      const uHighZ = defectRng.next();
      const shortR = defectRng.logUniform(0.5, 1000);
      const softR = defectRng.logUniform(1e3, 1e4);
      const leakR = defectRng.logUniform(1e4, 1e6);
      const highZFactor = defectRng.logUniform(3, 10);
      const strayC = defectRng.logUniform(0.5e-12, 3e-12);
      const ocvDefectDraw = defectRng.next();

      let physicalKind: PhysicalKind = 'GOOD';
      if (burstHit) physicalKind = 'HARD_SHORT';
      else if (killerDefects > 0) physicalKind = hardDraw < def.hardShortShare ? 'HARD_SHORT' : 'SOFT_SHORT';
      else if (uOpen < def.hardOpenRate) physicalKind = 'OPEN';
      else if (uLeak < def.leakyRate) physicalKind = 'LEAKY';
      else if (uHighZ < def.highZRate) physicalKind = 'HIGH_Z';
      if (physicalKind === 'HIGH_Z') r2 *= highZFactor;

      let circuit = GOOD_CIRCUIT;
      const params: Record<string, number> = {
        R0: r0,
        R1: r1,
        CPE1_0: q1,
        CPE1_1: n1,
        R2: r2,
        CPE2_0: q2,
        CPE2_1: n2,
        CPE3_0: q3,
        CPE3_1: n3,
      };
      let ocvTrue = ocvGood;
      const extra: Partial<CellTruth> = {};
      switch (physicalKind) {
        case 'HARD_SHORT':
          circuit = SHUNTED_CIRCUIT;
          params.R3 = shortR;
          extra.shortOhm = shortR;
          ocvTrue = 0; // discharged through the short, does not recover
          if (burstHit) extra.inBurst = true;
          break;
        case 'SOFT_SHORT':
          circuit = SHUNTED_CIRCUIT;
          params.R3 = softR;
          extra.shortOhm = softR;
          ocvTrue = ocvGood * 0.1 * ocvDefectDraw;
          break;
        case 'LEAKY':
          circuit = SHUNTED_CIRCUIT;
          params.R3 = leakR;
          extra.leakOhm = leakR;
          ocvTrue = ocvGood * (0.3 + 0.5 * ocvDefectDraw);
          break;
        case 'OPEN':
          circuit = OPEN_CIRCUIT;
          for (const k of Object.keys(params)) delete params[k];
          params.R0 = 1e12;
          params.C0 = strayC;
          extra.strayCapacitanceF = strayC;
          ocvTrue = -0.2 + 1.1 * ocvDefectDraw; // floating input
          break;
        default:
          break;
      }

      // ---- contact opens: a measurement event, drawn per test insertion; cleared on retest
      const contactOpen = retest === 0 && contactRng.next() < def.contactOpenRate;
      const contactMode: 'NO_CONTACT' | 'NOISY' = contactRng.next() < def.noContactShare ? 'NO_CONTACT' : 'NOISY';

      const t: CellTruth = {
        row,
        col,
        kind: contactOpen ? 'CONTACT_OPEN' : physicalKind,
        physicalKind,
        cdMm,
        mdMm,
        liponThicknessUm: liponUm,
        lcoThicknessUm: lcoUm,
        predictedCapacityMah: predictedCapacityMah(lcoUm, area),
        ocvV: ocvTrue,
        circuit,
        params,
        r0Ohm: r0,
        r1Ohm: r1,
        r2Ohm: r2,
        asrOhmCm2: (r0 + r1 + r2) * area,
        asr25OhmCm2: (r0 + r1 / liponRatio + r2 / interfaceRatio) * area,
        ...extra,
      };
      if (contactOpen) t.contactOpenMode = contactMode;
      truth[idx] = t;

      if (contactOpen && contactMode === 'NO_CONTACT') {
        cells[idx] = { row, col, status: 'NO_CONTACT' };
        continue;
      }

      // ---- measurement
      let z: { re: Float64Array; im: Float64Array };
      let ocvMeas: number;
      if (contactOpen) {
        // intermittent probe: an open-like spectrum whose magnitude and phase jump from point to point
        z = evaluate(OPEN_CIRCUIT, { R0: 1e12, C0: strayC }, freq);
        for (let i = 0; i < nF; i++) {
          const mag = hypot(z.re[i], z.im[i]) * noiseRng.logNormal(1.0);
          const ph = atan2(z.im[i], z.re[i]) + noiseRng.uniform(-0.7, 0.7);
          z.re[i] = mag * cos(ph);
          z.im[i] = mag * sin(ph);
        }
        ocvMeas = noiseRng.uniform(-0.5, 1.2);
      } else {
        z = evaluate(circuit, params, freq);
        ocvMeas = ocvTrue + 0.001 * noiseRng.normal();
      }
      const zRe = new Array<number>(nF);
      const zIm = new Array<number>(nF);
      for (let i = 0; i < nF; i++) {
        // Z·(1 + σ(ε1 + jε2)): 1 % complex multiplicative noise
        const e1 = noiseRel * noiseRng.normal();
        const e2 = noiseRel * noiseRng.normal();
        const re = z.re[i];
        const im = z.im[i];
        zRe[i] = r6(re * (1 + e1) - im * e2);
        zIm[i] = r6(im * (1 + e1) + re * e2);
      }
      cells[idx] = { row, col, status: 'OK', ocvV: r6(clamp(ocvMeas, -1, 6)), zReOhm: zRe, zImOhm: zIm };
    }
  }

  return {
    seed,
    sheetIndex,
    retest,
    rows,
    cols,
    cellActiveAreaCm2: area,
    temperatureC: T,
    frequenciesHz,
    cells,
    truth,
  };
}

/** The body of `POST /api/v1/sheet-tests` for a simulated sheet (docs/contracts.md "Rig ingest"). */
export function toSheetTestBody(
  sim: SimulatedSheet,
  ids: { testId: string; sheet: string; startedAt: string },
): {
  testId: string;
  sheet: string;
  startedAt: string;
  temperatureC: number;
  frequenciesHz: number[];
  cells: RigCell[];
} {
  return {
    testId: ids.testId,
    sheet: ids.sheet,
    startedAt: ids.startedAt,
    temperatureC: sim.temperatureC,
    frequenciesHz: sim.frequenciesHz,
    cells: sim.cells,
  };
}
