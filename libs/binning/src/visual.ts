import type { BinDefinition, CellBin, CellDefect, VisualRule } from './types';

/**
 * Applies the visual rules to the cells the electrical rules passed, in rule order: the first rule a
 * cell breaks decides, and the defect that broke it is named. A visualFail rule is decided by the
 * largest qualifying defect; a visualCount rule by the largest of the counted ones.
 * Cost: O(defects in active areas) per rule; cells without defects cost one lookup.
 */
export function applyVisualRules(
  rules: readonly VisualRule[],
  results: CellBin[],
  defects: readonly (readonly CellDefect[] | null | undefined)[],
  binDefs: ReadonlyMap<number, BinDefinition>,
): CellBin[] {
  if (defects.length !== results.length) {
    throw new RangeError(`defects are given for ${defects.length} cells, the sheet has ${results.length}`);
  }
  const classSets = rules.map((r) => new Set(r.classes));
  const out = results.slice();
  for (let i = 0; i < results.length; i++) {
    const found = defects[i];
    const current = results[i];
    if (!found || found.length === 0 || !current.pass) continue;
    for (let k = 0; k < rules.length; k++) {
      const rule = rules[k];
      const classes = classSets[k];
      let decider: CellDefect | null = null;
      let counted = 0;
      for (const d of found) {
        if (!classes.has(d.defectClass)) continue;
        if (rule.kind === 'visualFail') {
          if (d.sizeUm >= rule.minSizeUm && (!decider || d.sizeUm > decider.sizeUm)) decider = d;
        } else if (rule.maxSizeUm === undefined || d.sizeUm <= rule.maxSizeUm) {
          counted++;
          if (!decider || d.sizeUm > decider.sizeUm) decider = d;
        }
      }
      if (!decider) continue;
      if (rule.kind === 'visualCount' && (counted <= rule.maxCount || current.softBin >= rule.softBin)) continue;
      const def = binDefs.get(rule.softBin) as BinDefinition; // validated: every referenced bin exists
      const reason =
        rule.kind === 'visualFail'
          ? `${decider.defectClass} ${decider.sizeUm} µm in the active area (${decider.ref}) >= ${rule.minSizeUm} µm`
          : `${counted} defects of ${rule.classes.join('/')}${rule.maxSizeUm === undefined ? '' : ` <= ${rule.maxSizeUm} µm`} in the active area > ${rule.maxCount} (largest ${decider.ref}, ${decider.sizeUm} µm)`;
      out[i] = {
        ...current,
        softBin: rule.softBin,
        hardBin: def.hardBin,
        binName: def.name,
        pass: def.pass,
        ruleId: rule.id,
        ruleKind: rule.kind,
        metric: rule.kind === 'visualFail' ? 'defectSizeUm' : 'defectCount',
        value: rule.kind === 'visualFail' ? decider.sizeUm : counted,
        limit: rule.kind === 'visualFail' ? { lower: null, upper: rule.minSizeUm } : { lower: null, upper: rule.maxCount },
        reason,
        decidingDefect: decider.ref,
      };
      break;
    }
  }
  return out;
}
