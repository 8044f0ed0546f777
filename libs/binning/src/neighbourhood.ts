/**
 * Good die in bad neighbourhood, as semiconductor test does it: defects cluster, and a passing cell next to shorts
 * or outliers is more likely to fail later. An optional rule of a rule set, off unless the rule set
 * has a `neighbourhood` entry: after grading, a passing cell with at least `minBadNeighbours` cells
 * within `radius` (Chebyshev, on the sheet grid) whose soft bin is one of `badSoftBins` is downgraded
 * to `softBin`, and its result names the neighbours that decided.
 */
import type { CellBin, NeighbourhoodRule } from './types';

/**
 * Downgrades passing cells by their neighbours; `results` must carry row and col. Decided on the
 * results as graded (a downgraded cell does not make its own neighbours bad: no cascade).
 */
export function applyNeighbourhoodRule(
  rule: NeighbourhoodRule,
  results: CellBin[],
  target: { hardBin: number; name: string; pass: boolean },
): CellBin[] {
  const at = new Map<string, CellBin>();
  for (const r of results) if (r.row !== undefined && r.col !== undefined) at.set(`${r.row},${r.col}`, r);
  const bad = new Set(rule.badSoftBins);
  return results.map((r) => {
    if (!r.pass || r.row === undefined || r.col === undefined || r.softBin >= rule.softBin) return r;
    const neighbours: string[] = [];
    for (let dr = -rule.radius; dr <= rule.radius; dr++) {
      for (let dc = -rule.radius; dc <= rule.radius; dc++) {
        if (!dr && !dc) continue;
        const n = at.get(`${r.row + dr},${r.col + dc}`);
        if (n && bad.has(n.softBin)) neighbours.push(`(${n.row},${n.col}) bin ${n.softBin}`);
      }
    }
    if (neighbours.length < rule.minBadNeighbours) return r;
    return {
      ...r,
      softBin: rule.softBin,
      hardBin: target.hardBin,
      binName: target.name,
      pass: target.pass,
      ruleId: rule.id,
      ruleKind: 'neighbourhood',
      metric: null,
      value: neighbours.join('; '),
      limit: null,
      reason: `${neighbours.length} bad neighbour${neighbours.length > 1 ? 's' : ''} within ${rule.radius}: ${neighbours.join(', ')} (was bin ${r.softBin}: ${r.reason})`,
    };
  });
}
