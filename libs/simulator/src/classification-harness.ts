/**
 * The as-made test chain on simulated sheets: simulator → `@mes/eis` extractCellFeatures →
 * `@mes/binning` rule set, with one retest of the soft-bin-0 cells merged by `mergeRetest`.
 * Used by the classification spec (in worker threads) and usable from benchmarks.
 */
import { binSheet, defaultAsMadeRuleSet, mergeRetest, toBinningInput, type BinningInput, type CellBin, type RuleSet } from '@mes/binning';
import { extractCellFeatures } from '@mes/eis';
import { simulateSheet, type RigCell, type SimulatedSheet, type SimulateSheetOptions, type TruthKind } from './simulate-sheet';

export interface ClassifiedCell {
  kind: TruthKind;
  physicalKind: string;
  /** Bin of the first test insertion. */
  first: CellBin;
  /** After the retest of soft-bin-0 cells, merged with mergeRetest. */
  final: CellBin;
  /** Features that decided the first bin (for diagnosis). */
  input: BinningInput;
}

export function cellInput(sim: SimulatedSheet, cell: RigCell): BinningInput {
  if (cell.status !== 'OK') return toBinningInput(cell, null);
  const f = extractCellFeatures(
    { freqHz: sim.frequenciesHz, zRe: cell.zReOhm, zIm: cell.zImOhm },
    { ocvV: cell.ocvV, activeAreaCm2: sim.cellActiveAreaCm2, temperatureC: sim.temperatureC },
  );
  return toBinningInput(cell, f);
}

/** Runs one sheet through the chain. The re-bin uses the latest valid data of every cell of the sheet. */
export function classifySheet(options: SimulateSheetOptions, ruleSet?: RuleSet): ClassifiedCell[] {
  const sim = simulateSheet({ ...options, retest: 0 });
  const rs = ruleSet ?? defaultAsMadeRuleSet(sim.cellActiveAreaCm2);
  const ctx = { activeAreaCm2: sim.cellActiveAreaCm2 };
  const inputs = sim.cells.map((c) => cellInput(sim, c));
  const first = binSheet(rs, inputs, ctx);
  const final = first.slice();
  const retestIdx = first.flatMap((b, i) => (b.softBin === 0 ? [i] : []));
  if (retestIdx.length > 0) {
    const again = simulateSheet({ ...options, retest: 1 });
    const merged = inputs.slice();
    for (const i of retestIdx) merged[i] = cellInput(again, again.cells[i]);
    const rebinned = binSheet(rs, merged, ctx);
    for (const i of retestIdx) final[i] = mergeRetest(first[i], rebinned[i]);
  }
  return sim.truth.map((t, i) => ({
    kind: t.kind,
    physicalKind: t.physicalKind,
    first: first[i],
    final: final[i],
    input: inputs[i],
  }));
}
