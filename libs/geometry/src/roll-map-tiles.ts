import type { SheetLayout } from './sheet-layout';

/**
 * Roll maps are kept as tiles of one base step: by default one sheet length along MD and one cell
 * pitch across (the map a roll is usually looked at with). A map whose steps are whole multiples of
 * the base steps is a sum of whole tiles; any other step needs the cells themselves.
 */
export interface RollMapBase {
  mdStepMm: number;
  cdStepMm: number;
}

export function rollMapBase(layout: Pick<SheetLayout, 'sheetLengthMdMm' | 'pitchCdMm'>): RollMapBase {
  return { mdStepMm: layout.sheetLengthMdMm, cdStepMm: layout.pitchCdMm };
}

/**
 * How many base tiles make one bin of `stepMm` (an exact whole multiple of `baseMm`, so that
 * floor(x / step) = floor(floor(x / base) / k)); null when the step is not one.
 */
export function tilesPerBin(stepMm: number, baseMm: number): number | null {
  if (!(stepMm > 0) || !(baseMm > 0) || !Number.isFinite(stepMm) || !Number.isFinite(baseMm)) return null;
  const k = Math.round(stepMm / baseMm);
  return k >= 1 && k * baseMm === stepMm ? k : null;
}
