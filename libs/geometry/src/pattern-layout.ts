import type { SheetAlignment } from './defect-map';
import { layoutProblems, type SheetLayout } from './sheet-layout';

/** A mark the patterning tool writes and the aligners (patterning, AOI) measure, in sheet mm. */
export interface Fiducial {
  mdMm: number;
  cdMm: number;
}

/**
 * The layout recipe patterning writes on a sheet (DOMAIN OP-080): the cell grid, the kerf (width of
 * the isolation cut between cells), the fiducials and how far the measured alignment may be off
 * before the sheet is misregistered. The sheet length is not the layout's: it is the product's cut.
 */
export interface PatternLayoutSpec {
  rows: number;
  cols: number;
  cellMdMm: number;
  cellCdMm: number;
  pitchMdMm: number;
  pitchCdMm: number;
  firstCellMdMm: number;
  firstCellCdMm: number;
  kerfMm: number;
  fiducials: Fiducial[];
  /** Largest MD or CD offset of the printed grid from nominal that still registers. */
  maxOffsetMm: number;
  /** Largest rotation of the printed grid that still registers. */
  maxRotationDeg: number;
}

/** What the inspection contract allows an alignment to be at most; past this it is not a measurement. */
export const MAX_ALIGNMENT_OFFSET_MM = 20;
export const MAX_ALIGNMENT_ROTATION_DEG = 5;
export const MAX_FIDUCIALS = 16;

/** The sheet layout a pattern gives a sheet of the given length. */
export function patternSheetLayout(spec: PatternLayoutSpec, sheetLengthMdMm: number): SheetLayout {
  return {
    rows: spec.rows,
    cols: spec.cols,
    cellMdMm: spec.cellMdMm,
    cellCdMm: spec.cellCdMm,
    pitchMdMm: spec.pitchMdMm,
    pitchCdMm: spec.pitchCdMm,
    firstCellMdMm: spec.firstCellMdMm,
    firstCellCdMm: spec.firstCellCdMm,
    sheetLengthMdMm,
  };
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Problems with a pattern layout, each with its path; empty when it is sound. With a sheet length
 * (a product's) the grid and the fiducials must also fit that sheet, and with a web width the grid
 * must fit across it.
 */
export function patternLayoutProblems(
  spec: PatternLayoutSpec,
  fit?: { sheetLengthMdMm: number; webWidthMm?: number },
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  // The grid checks of a product layout; a large nominal sheet stands in when no product is given.
  const sheetLengthMdMm = fit?.sheetLengthMdMm ?? Number.MAX_VALUE;
  for (const message of layoutProblems(patternSheetLayout(spec, sheetLengthMdMm), fit?.webWidthMm)) {
    out.push({ path: message.slice(0, message.indexOf(':')), message });
  }
  for (const key of ['firstCellMdMm', 'firstCellCdMm'] as const) {
    if (!finite(spec[key])) out.push({ path: key, message: `${key}: expected a number, got ${spec[key]}` });
  }
  if (!(finite(spec.kerfMm) && spec.kerfMm > 0)) {
    out.push({ path: 'kerfMm', message: `kerfMm: expected a positive number, got ${spec.kerfMm}` });
  } else if (finite(spec.pitchMdMm) && finite(spec.cellMdMm) && finite(spec.pitchCdMm) && finite(spec.cellCdMm)) {
    // The cut runs in the street between two cells' active areas; a wider one eats into them.
    const street = Math.min(spec.pitchMdMm - spec.cellMdMm, spec.pitchCdMm - spec.cellCdMm);
    if (street >= 0 && spec.kerfMm > street + 1e-9)
      out.push({ path: 'kerfMm', message: `kerfMm: expected at most the street between cells (${round(street)} mm), got ${spec.kerfMm}` });
  }
  if (!(finite(spec.maxOffsetMm) && spec.maxOffsetMm > 0 && spec.maxOffsetMm <= MAX_ALIGNMENT_OFFSET_MM))
    out.push({
      path: 'maxOffsetMm',
      message: `maxOffsetMm: expected a number above 0 and at most ${MAX_ALIGNMENT_OFFSET_MM}, got ${spec.maxOffsetMm}`,
    });
  if (!(finite(spec.maxRotationDeg) && spec.maxRotationDeg > 0 && spec.maxRotationDeg <= MAX_ALIGNMENT_ROTATION_DEG))
    out.push({
      path: 'maxRotationDeg',
      message: `maxRotationDeg: expected a number above 0 and at most ${MAX_ALIGNMENT_ROTATION_DEG}, got ${spec.maxRotationDeg}`,
    });
  const fiducials = Array.isArray(spec.fiducials) ? spec.fiducials : [];
  // Two marks at least: one gives the offsets, the second the rotation.
  if (fiducials.length < 2 || fiducials.length > MAX_FIDUCIALS)
    out.push({ path: 'fiducials', message: `fiducials: expected 2 to ${MAX_FIDUCIALS} marks, got ${fiducials.length}` });
  const gridFields = new Set(['rows', 'cols', 'cellMdMm', 'cellCdMm', 'pitchMdMm', 'pitchCdMm', 'firstCellMdMm', 'firstCellCdMm']);
  const gridOk = out.every((p) => !gridFields.has(p.path));
  const grid = gridOk ? gridOutline(spec) : null;
  fiducials.forEach((f, i) => {
    const path = `fiducials[${i}]`;
    if (!(finite(f?.mdMm) && finite(f?.cdMm) && f.mdMm >= 0 && f.cdMm >= 0)) {
      out.push({ path, message: `${path}: expected mdMm and cdMm numbers >= 0, got (${f?.mdMm}, ${f?.cdMm})` });
      return;
    }
    if (fit && f.mdMm > fit.sheetLengthMdMm)
      out.push({ path, message: `${path}: MD ${f.mdMm} mm is past the sheet length ${fit.sheetLengthMdMm} mm` });
    if (fit?.webWidthMm !== undefined && f.cdMm > fit.webWidthMm)
      out.push({ path, message: `${path}: CD ${f.cdMm} mm is past the web width ${fit.webWidthMm} mm` });
    if (grid && f.mdMm > grid.mdFrom && f.mdMm < grid.mdTo && f.cdMm > grid.cdFrom && f.cdMm < grid.cdTo)
      out.push({
        path,
        message: `${path}: (${f.mdMm}, ${f.cdMm}) mm lies inside the cell grid (MD ${round(grid.mdFrom)} to ${round(grid.mdTo)}, CD ${round(grid.cdFrom)} to ${round(grid.cdTo)} mm); expected in the border`,
      });
    fiducials.slice(0, i).forEach((g, j) => {
      if (finite(g?.mdMm) && finite(g?.cdMm) && Math.hypot(g.mdMm - f.mdMm, g.cdMm - f.cdMm) < 1)
        out.push({ path, message: `${path}: within 1 mm of fiducials[${j}]; expected distinct marks` });
    });
  });
  return out;
}

/** The outline of the grid's active areas in sheet mm. */
export function gridOutline(spec: Omit<PatternLayoutSpec, 'kerfMm' | 'fiducials' | 'maxOffsetMm' | 'maxRotationDeg'>) {
  return {
    mdFrom: spec.firstCellMdMm - spec.cellMdMm / 2,
    mdTo: spec.firstCellMdMm + (spec.rows - 1) * spec.pitchMdMm + spec.cellMdMm / 2,
    cdFrom: spec.firstCellCdMm - spec.cellCdMm / 2,
    cdTo: spec.firstCellCdMm + (spec.cols - 1) * spec.pitchCdMm + spec.cellCdMm / 2,
  };
}

/** Problems with a measured alignment as a measurement (not as registration); empty when it is one. */
export function alignmentProblems(a: SheetAlignment): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const key of ['offsetMdMm', 'offsetCdMm'] as const) {
    if (!(finite(a[key]) && Math.abs(a[key]) <= MAX_ALIGNMENT_OFFSET_MM))
      out.push({
        path: key,
        message: `${key}: expected a number from -${MAX_ALIGNMENT_OFFSET_MM} to ${MAX_ALIGNMENT_OFFSET_MM} mm, got ${a[key]}`,
      });
  }
  if (!(finite(a.rotationDeg) && Math.abs(a.rotationDeg) <= MAX_ALIGNMENT_ROTATION_DEG))
    out.push({
      path: 'rotationDeg',
      message: `rotationDeg: expected a number from -${MAX_ALIGNMENT_ROTATION_DEG} to ${MAX_ALIGNMENT_ROTATION_DEG} degrees, got ${a.rotationDeg}`,
    });
  return out;
}

/**
 * How the measured alignment breaks the layout's tolerance, one phrase per axis past it with both
 * numbers (µm for offsets); empty when the sheet registers.
 */
export function misregistration(a: SheetAlignment, tolerance: Pick<PatternLayoutSpec, 'maxOffsetMm' | 'maxRotationDeg'>): string[] {
  const out: string[] = [];
  const um = (mm: number) => `${round(mm * 1000)} µm`;
  if (Math.abs(a.offsetMdMm) > tolerance.maxOffsetMm) out.push(`MD offset ${um(a.offsetMdMm)} past ±${um(tolerance.maxOffsetMm)}`);
  if (Math.abs(a.offsetCdMm) > tolerance.maxOffsetMm) out.push(`CD offset ${um(a.offsetCdMm)} past ±${um(tolerance.maxOffsetMm)}`);
  if (Math.abs(a.rotationDeg) > tolerance.maxRotationDeg)
    out.push(`rotation ${round(a.rotationDeg)}° past ±${round(tolerance.maxRotationDeg)}°`);
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
