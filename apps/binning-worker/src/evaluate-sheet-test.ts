import { binSheet, defaultAsMadeRuleSet, toBinningInput, type CellBin, type RuleSet } from '@mes/binning';
import { createFeatureExtractor, type CellFeatures } from '@mes/eis';

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
 * Features of every measured cell (one extractor per sheet: its Kramers-Kronig basis and fitter are
 * reused across the cells), then the sheet's bins in one pass (dynamic limits need the whole sheet).
 */
export function evaluateSheetTest(
  test: { frequenciesHz: number[] | null; cellAreaCm2: number; temperatureC: number },
  cells: StoredCell[],
  ruleSet: RuleSet = ruleSetFor(test.cellAreaCm2),
): EvaluatedCell[] {
  const extractor = test.frequenciesHz ? createFeatureExtractor(test.frequenciesHz) : null;
  const features = cells.map((c) => {
    if (c.status !== 'OK' || !extractor || !c.zReOhm || !c.zImOhm) return null;
    return extractor.extract(c.zReOhm, c.zImOhm, { ocvV: c.ocvV ?? undefined, activeAreaCm2: test.cellAreaCm2, temperatureC: test.temperatureC });
  });
  const bins = binSheet(
    ruleSet,
    cells.map((c, i) => toBinningInput({ row: c.row, col: c.col, status: c.status, ocvV: c.ocvV }, features[i])),
    { activeAreaCm2: test.cellAreaCm2 },
  );
  return cells.map((c, i) => ({ row: c.row, col: c.col, ocvV: c.ocvV, features: features[i], bin: bins[i] }));
}
