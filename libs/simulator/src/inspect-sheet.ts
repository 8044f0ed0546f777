import { alignedPosition, mapDefect, type DefectClass, type DefectZone, type SheetAlignment, type SheetLayout } from '@mes/geometry';
import { hashSeed, Rng } from './prng';
import type { SimulatedSheet } from './simulate-sheet';

/** What the inspection of a simulated sheet finds, and how often. */
export interface InspectionRates {
  /** Probability that the particle behind a short (burst or Poisson) is seen, large, in the short's active area. */
  shortParticleSeen: number;
  /** Large particles (>= 50 µm) that did not short their cell, per cm² of active area: visual fails that test fine. */
  harmlessLargeParticlesPerCm2: number;
  /** Small particles and debris (5-40 µm) anywhere on the grid, per cm². */
  smallDefectsPerCm2: number;
  /** Scratches and pattern defects anywhere on the grid, per cm². */
  otherDefectsPerCm2: number;
  /** σ of the pattern's offsets (mm) and rotation (°) from the fiducials. */
  offsetSigmaMm: number;
  rotationSigmaDeg: number;
}

export const DEFAULT_INSPECTION_RATES: InspectionRates = {
  shortParticleSeen: 0.8,
  harmlessLargeParticlesPerCm2: 0.01,
  smallDefectsPerCm2: 0.05,
  otherDefectsPerCm2: 0.01,
  offsetSigmaMm: 0.05,
  rotationSigmaDeg: 0.01,
};

export interface SimulatedDefect {
  class: DefectClass;
  mdMm: number;
  cdMm: number;
  sizeUm: number;
  image: string;
}

/** Ground truth of one defect: where it was placed, and whether it caused the cell's short. */
export interface DefectTruth {
  row: number;
  col: number;
  zone: DefectZone;
  causedShort: boolean;
}

export interface SimulatedInspection {
  body: { inspectionId: string; sheet: string; inspectedAt: string; alignment: SheetAlignment; defects: SimulatedDefect[] };
  truth: DefectTruth[];
}

const STREAM_INSPECTION = 11;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The AOI's view of a simulated sheet: the particle behind a short is usually seen in that cell's
 * active area (so the inspection's particles and the test's shorts share their cause), plus large
 * particles that did no harm yet, small particles and debris, scratches, and the alignment scatter
 * of the pattern. Positions are sheet millimetres with the alignment applied, as a station reports.
 * Deterministic in (seed, sheetIndex).
 */
export function simulateInspection(args: {
  sheet: SimulatedSheet;
  layout: SheetLayout;
  sheetBarcode: string;
  inspectionId: string;
  inspectedAt?: string;
  rates?: Partial<InspectionRates>;
}): SimulatedInspection {
  const { sheet, layout } = args;
  const rates: InspectionRates = { ...DEFAULT_INSPECTION_RATES, ...args.rates };
  if (sheet.rows !== layout.rows || sheet.cols !== layout.cols) {
    throw new RangeError(`the simulated sheet is ${sheet.rows} x ${sheet.cols}, the layout ${layout.rows} x ${layout.cols}`);
  }
  const rng = new Rng(hashSeed(sheet.seed, sheet.sheetIndex, STREAM_INSPECTION));
  const alignment: SheetAlignment = {
    offsetMdMm: round3(rng.normal() * rates.offsetSigmaMm),
    offsetCdMm: round3(rng.normal() * rates.offsetSigmaMm),
    rotationDeg: Math.round(rng.normal() * rates.rotationSigmaDeg * 1e5) / 1e5,
  };
  const defects: SimulatedDefect[] = [];
  const truth: DefectTruth[] = [];
  const add = (cls: DefectClass, nominalMd: number, nominalCd: number, sizeUm: number, causedShort: boolean) => {
    const p = alignedPosition(layout, alignment, nominalMd, nominalCd);
    if (p.mdMm < 0 || p.cdMm < 0 || p.mdMm > layout.sheetLengthMdMm) return;
    const mdMm = round3(p.mdMm);
    const cdMm = round3(p.cdMm);
    const place = mapDefect(layout, alignment, mdMm, cdMm);
    defects.push({ class: cls, mdMm, cdMm, sizeUm: Math.round(sizeUm), image: `sim://${args.inspectionId}/${defects.length}.png` });
    truth.push({ row: place.row, col: place.col, zone: place.zone, causedShort });
  };
  // Inside the active area of (row, col), away from its edges by 10 %: the cell the defect belongs to.
  const inCell = (row: number, col: number): [number, number] => [
    layout.firstCellMdMm + row * layout.pitchMdMm + rng.uniform(-0.4, 0.4) * layout.cellMdMm,
    layout.firstCellCdMm + col * layout.pitchCdMm + rng.uniform(-0.4, 0.4) * layout.cellCdMm,
  ];
  for (const t of sheet.truth) {
    if ((t.physicalKind === 'HARD_SHORT' || t.physicalKind === 'SOFT_SHORT') && rng.next() < rates.shortParticleSeen) {
      add('PARTICLE', ...inCell(t.row, t.col), rng.logUniform(60, 300), true);
    }
  }
  const cellAreaCm2 = (layout.cellMdMm * layout.cellCdMm) / 100;
  const gridMd = (layout.rows - 1) * layout.pitchMdMm + layout.cellMdMm;
  const gridCd = (layout.cols - 1) * layout.pitchCdMm + layout.cellCdMm;
  const gridAreaCm2 = (gridMd * gridCd) / 100;
  const poisson = (mean: number) => {
    // Knuth's method: the means here are small (a few per sheet).
    let k = 0;
    for (let p = rng.next(); p > Math.exp(-mean); p *= rng.next()) k++;
    return k;
  };
  const anywhere = (): [number, number] => [
    layout.firstCellMdMm - layout.cellMdMm / 2 + rng.next() * gridMd,
    layout.firstCellCdMm - layout.cellCdMm / 2 + rng.next() * gridCd,
  ];
  for (let k = poisson(rates.harmlessLargeParticlesPerCm2 * cellAreaCm2 * layout.rows * layout.cols); k > 0; k--) {
    add('PARTICLE', ...inCell(rng.int(layout.rows), rng.int(layout.cols)), rng.logUniform(50, 200), false);
  }
  for (let k = poisson(rates.smallDefectsPerCm2 * gridAreaCm2); k > 0; k--) {
    add(rng.next() < 0.6 ? 'PARTICLE' : 'DEBRIS', ...anywhere(), rng.uniform(5, 40), false);
  }
  for (let k = poisson(rates.otherDefectsPerCm2 * gridAreaCm2); k > 0; k--) {
    add(rng.next() < 0.7 ? 'SCRATCH' : 'PATTERN_DEFECT', ...anywhere(), rng.uniform(100, 2000), false);
  }
  return {
    body: {
      inspectionId: args.inspectionId,
      sheet: args.sheetBarcode,
      inspectedAt: args.inspectedAt ?? new Date().toISOString(),
      alignment,
      defects,
    },
    truth,
  };
}
