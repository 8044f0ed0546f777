import { binSheet, defaultAsMadeRuleSet, toBinningInput, type CellBin, type CellDefect, type RuleSet } from '@mes/binning';
import { createFeatureExtractor, WarmStart, type CellFeatures } from '@mes/eis';
import { BINNING_EXTRACTOR_OPTIONS } from './extract-features';

export interface StoredCell {
  row: number;
  col: number;
  status: 'OK' | 'NO_CONTACT';
  ocvV: number | null;
  zReOhm: ArrayLike<number> | null;
  zImOhm: ArrayLike<number> | null;
}

export interface EvaluatedCell {
  row: number;
  col: number;
  ocvV: number | null;
  features: CellFeatures | null;
  bin: CellBin;
}

/** The rule set a sheet is binned with: the product's default as-made rule set for now. */
export function ruleSetFor(cellAreaCm2: number): RuleSet {
  return defaultAsMadeRuleSet(cellAreaCm2);
}

/**
 * Bins of a whole sheet from its cells' features, in the order given (dynamic limits need every
 * cell), with each cell's active-area defects when the sheet was inspected (the visual rules).
 */
export function binFittedCells(
  ruleSet: RuleSet,
  cellAreaCm2: number,
  cells: { row: number; col: number; status: 'OK' | 'NO_CONTACT'; ocvV: number | null; features: Parameters<typeof toBinningInput>[1] }[],
  defects: readonly (readonly CellDefect[] | null)[] | null = null,
): CellBin[] {
  return binSheet(
    ruleSet,
    cells.map((c) => toBinningInput({ row: c.row, col: c.col, status: c.status, ocvV: c.ocvV }, c.features)),
    defects ? { activeAreaCm2: cellAreaCm2, defects } : { activeAreaCm2: cellAreaCm2 },
  );
}

/**
 * Features and bins of a whole sheet in this thread (one extractor per sheet: its Kramers-Kronig basis
 * and fitter are reused across the cells). The worker does the same in chunks on its fitting threads.
 */
export function evaluateSheetTest(
  test: { frequenciesHz: number[] | null; cellAreaCm2: number; temperatureC: number },
  cells: StoredCell[],
  ruleSet: RuleSet = ruleSetFor(test.cellAreaCm2),
): EvaluatedCell[] {
  const extractor = test.frequenciesHz ? createFeatureExtractor(test.frequenciesHz, BINNING_EXTRACTOR_OPTIONS) : null;
  const warmStart = new WarmStart(); // the sheet's cells in order, each fit started from the last good one
  const features = cells.map((c) => {
    if (c.status !== 'OK' || !extractor || !c.zReOhm || !c.zImOhm) return null;
    return extractor.extract(c.zReOhm, c.zImOhm, {
      ocvV: c.ocvV ?? undefined,
      activeAreaCm2: test.cellAreaCm2,
      temperatureC: test.temperatureC,
      warmStart,
    });
  });
  const bins = binFittedCells(
    ruleSet,
    test.cellAreaCm2,
    cells.map((c, i) => ({ ...c, features: features[i] })),
  );
  return cells.map((c, i) => ({ row: c.row, col: c.col, ocvV: c.ocvV, features: features[i], bin: bins[i] }));
}
