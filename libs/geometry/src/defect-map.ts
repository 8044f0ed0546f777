import type { SheetLayout } from './sheet-layout';

/** What an inspection (AOI) station reports it saw (docs/contracts.md "Inspection results"). */
export const DEFECT_CLASSES = ['PARTICLE', 'PINHOLE', 'SCRATCH', 'DELAMINATION', 'PATTERN_DEFECT', 'DEBRIS'] as const;
export type DefectClass = (typeof DEFECT_CLASSES)[number];

/**
 * Where the pattern really sits on the sheet, measured from the fiducials: the printed grid is the
 * layout's nominal grid turned by `rotationDeg` (counter-clockwise from MD towards CD) about the
 * grid's centre, then shifted by the offsets. Zero everywhere means the pattern is where the layout says.
 */
export interface SheetAlignment {
  offsetMdMm: number;
  offsetCdMm: number;
  rotationDeg: number;
}

export const NO_MISALIGNMENT: SheetAlignment = { offsetMdMm: 0, offsetCdMm: 0, rotationDeg: 0 };

/**
 * ACTIVE: inside a cell's active area (edges count as inside); KERF: between cells, inside the grid's
 * outline; BORDER: on the sheet outside the grid. The nearest cell is given for every zone, so a
 * defect "next to" a cell can be found.
 */
export const DEFECT_ZONES = ['ACTIVE', 'KERF', 'BORDER'] as const;
export type DefectZone = (typeof DEFECT_ZONES)[number];
export const ZONE_ACTIVE = 0;
export const ZONE_KERF = 1;
export const ZONE_BORDER = 2;

export interface DefectPlace {
  zone: DefectZone;
  /** The cell whose active area holds the defect, or the nearest cell for KERF and BORDER. */
  row: number;
  col: number;
}

/** Every defect of a sheet mapped at once (parallel arrays; zone codes are ZONE_*). */
export interface DefectPlaces {
  zone: Uint8Array;
  row: Int16Array;
  col: Int16Array;
}

// Cell edges are inclusive with a tolerance far below any AOI's resolution, so a defect reported
// exactly on an active-area edge is not lost to floating-point rounding of the alignment.
const EDGE_EPS_MM = 1e-9;

/**
 * Maps defects in sheet millimetres (MD from the sheet's leading edge, CD from the web's operator
 * side) to the cells of the layout with the alignment undone: O(1) per defect, no search.
 */
export function mapDefects(layout: SheetLayout, alignment: SheetAlignment, mdMm: ArrayLike<number>, cdMm: ArrayLike<number>): DefectPlaces {
  const n = mdMm.length;
  if (cdMm.length !== n) throw new RangeError(`mapDefects: ${n} MD positions but ${cdMm.length} CD positions`);
  const out: DefectPlaces = { zone: new Uint8Array(n), row: new Int16Array(n), col: new Int16Array(n) };
  const { rows, cols, pitchMdMm, pitchCdMm, firstCellMdMm, firstCellCdMm } = layout;
  const halfMd = layout.cellMdMm / 2 + EDGE_EPS_MM;
  const halfCd = layout.cellCdMm / 2 + EDGE_EPS_MM;
  // Centre of the nominal grid: the alignment turns the pattern about it.
  const cMd = firstCellMdMm + ((rows - 1) * pitchMdMm) / 2;
  const cCd = firstCellCdMm + ((cols - 1) * pitchCdMm) / 2;
  const theta = (alignment.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const gridMdLo = firstCellMdMm - halfMd;
  const gridMdHi = firstCellMdMm + (rows - 1) * pitchMdMm + halfMd;
  const gridCdLo = firstCellCdMm - halfCd;
  const gridCdHi = firstCellCdMm + (cols - 1) * pitchCdMm + halfCd;
  for (let i = 0; i < n; i++) {
    // Undo the shift, then turn back by -theta about the grid centre: the defect in nominal coordinates.
    const dMd = mdMm[i] - alignment.offsetMdMm - cMd;
    const dCd = cdMm[i] - alignment.offsetCdMm - cCd;
    const md = cMd + cos * dMd + sin * dCd;
    const cd = cCd - sin * dMd + cos * dCd;
    let r = Math.round((md - firstCellMdMm) / pitchMdMm);
    let c = Math.round((cd - firstCellCdMm) / pitchCdMm);
    r = r < 0 ? 0 : r >= rows ? rows - 1 : r;
    c = c < 0 ? 0 : c >= cols ? cols - 1 : c;
    out.row[i] = r;
    out.col[i] = c;
    const inCell = Math.abs(md - (firstCellMdMm + r * pitchMdMm)) <= halfMd && Math.abs(cd - (firstCellCdMm + c * pitchCdMm)) <= halfCd;
    out.zone[i] = inCell ? ZONE_ACTIVE : md >= gridMdLo && md <= gridMdHi && cd >= gridCdLo && cd <= gridCdHi ? ZONE_KERF : ZONE_BORDER;
  }
  return out;
}

/** One defect; see {@link mapDefects}. */
export function mapDefect(layout: SheetLayout, alignment: SheetAlignment, mdMm: number, cdMm: number): DefectPlace {
  const p = mapDefects(layout, alignment, [mdMm], [cdMm]);
  return { zone: DEFECT_ZONES[p.zone[0]], row: p.row[0], col: p.col[0] };
}

/**
 * Where a point given in the layout's nominal coordinates lands on the sheet once the pattern is
 * printed with `alignment` (the forward transform mapDefects undoes; the simulator places defects with it).
 */
export function alignedPosition(
  layout: SheetLayout,
  alignment: SheetAlignment,
  mdMm: number,
  cdMm: number,
): { mdMm: number; cdMm: number } {
  const cMd = layout.firstCellMdMm + ((layout.rows - 1) * layout.pitchMdMm) / 2;
  const cCd = layout.firstCellCdMm + ((layout.cols - 1) * layout.pitchCdMm) / 2;
  const theta = (alignment.rotationDeg * Math.PI) / 180;
  const dMd = mdMm - cMd;
  const dCd = cdMm - cCd;
  return {
    mdMm: cMd + Math.cos(theta) * dMd - Math.sin(theta) * dCd + alignment.offsetMdMm,
    cdMm: cCd + Math.sin(theta) * dMd + Math.cos(theta) * dCd + alignment.offsetCdMm,
  };
}
