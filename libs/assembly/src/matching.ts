/**
 * Stack matching (parallel layers share one voltage: a low-impedance layer carries more current, a
 * small one is driven harder, so layers are matched in ASR and predicted capacity).
 */

export interface MatchingRules {
  /** Every layer's ASR within ± this percentage of the stack's mean ASR (default 10). */
  asrSpreadPct: number;
  /** Every layer's predicted capacity within ± this percentage of the stack's mean (default 5). */
  capacitySpreadPct: number;
  /** When set, all layers come from one roll and lie within this MD span (mm) of each other. */
  maxMdSpanMm: number | null;
}

export const DEFAULT_MATCHING: MatchingRules = { asrSpreadPct: 10, capacitySpreadPct: 5, maxMdSpanMm: null };

/** What matching needs to know about a singulated cell. */
export interface MatchCell {
  id: string;
  asrOhmCm2: number;
  capacityMah: number;
  rollBarcode: string;
  mdMm: number;
}

/** N = ceil(target / smallest layer capacity): the stack reaches its target even with its weakest layer. */
export function layerCount(targetMah: number, minLayerCapacityMah: number): number {
  if (!(targetMah > 0) || !(minLayerCapacityMah > 0))
    throw new RangeError(`layer count needs positive capacities, got target ${targetMah} and layer ${minLayerCapacityMah}`);
  // A hair of tolerance so that 1.0 / 0.1 is 10 layers, not 11 from floating-point noise.
  return Math.ceil(targetMah / minLayerCapacityMah - 1e-9);
}

/** Where a layer's capacity came from: the thickness-based prediction at its roll position, or the product's nominal value. */
export type CapacitySource = 'PREDICTED' | 'NOMINAL';

export interface LayerPlan {
  layers: number;
  /** The smallest layer capacity N was computed from, and where it came from. */
  layerCapacityMah: number;
  source: CapacitySource;
}

/**
 * N for a stack drawn from these cells: ceil(target / the smallest capacity among them), each cell
 * counted at its predicted capacity where one is known and at the nominal one where not; with no
 * cells at all, the nominal capacity.
 */
export function planLayers(
  targetMah: number,
  nominalMah: number,
  cells: readonly { capacityMah: number; capacitySource: CapacitySource }[],
): LayerPlan {
  let smallest: { capacityMah: number; capacitySource: CapacitySource } = { capacityMah: nominalMah, capacitySource: 'NOMINAL' };
  let any = false;
  for (const c of cells) {
    if (!(c.capacityMah > 0)) continue;
    if (!any || c.capacityMah < smallest.capacityMah) smallest = c;
    any = true;
  }
  return { layers: layerCount(targetMah, smallest.capacityMah), layerCapacityMah: smallest.capacityMah, source: smallest.capacitySource };
}

/** Why a set of layers breaks the rules (the first broken rule, naming the layer), or null. */
export function matchProblem(cells: readonly MatchCell[], rules: MatchingRules): string | null {
  if (cells.length === 0) return null;
  const asr = spreadProblem(
    cells.map((c) => c.asrOhmCm2),
    rules.asrSpreadPct,
  );
  if (asr)
    return `ASR ${fmt(cells[asr.index].asrOhmCm2)} Ω·cm² of ${cells[asr.index].id} is ${asr.pct.toFixed(1)} % from the stack mean ${fmt(asr.mean)} (allowed ±${rules.asrSpreadPct} %)`;
  const cap = spreadProblem(
    cells.map((c) => c.capacityMah),
    rules.capacitySpreadPct,
  );
  if (cap)
    return `predicted capacity ${fmt(cells[cap.index].capacityMah)} mAh of ${cells[cap.index].id} is ${cap.pct.toFixed(1)} % from the stack mean ${fmt(cap.mean)} (allowed ±${rules.capacitySpreadPct} %)`;
  if (rules.maxMdSpanMm !== null) {
    const roll = cells[0].rollBarcode;
    const other = cells.find((c) => c.rollBarcode !== roll);
    if (other) return `${other.id} comes from roll ${other.rollBarcode}, the stack's first layer from ${roll} (one roll segment required)`;
    const md = cells.map((c) => c.mdMm);
    const span = Math.max(...md) - Math.min(...md);
    if (span > rules.maxMdSpanMm) return `the layers span ${fmt(span)} mm of roll ${roll} (allowed ${rules.maxMdSpanMm} mm)`;
  }
  return null;
}

function spreadProblem(values: readonly number[], pct: number): { index: number; pct: number; mean: number } | null {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  let worst = -1;
  let worstDev = 0;
  for (let i = 0; i < values.length; i++) {
    const dev = Math.abs(values[i] - mean) / mean;
    if (dev > worstDev) {
      worstDev = dev;
      worst = i;
    }
  }
  // 1e-9: a layer exactly on the limit is inside it.
  return worst >= 0 && worstDev * 100 > pct + 1e-9 ? { index: worst, pct: worstDev * 100, mean } : null;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/**
 * As many complete stacks of `n` layers as possible from `cells` under `rules`.
 *
 * Exact maximisation is a set-packing problem (NP-hard for n >= 3), so this is a greedy sweep, run
 * four ways and the best kept. One sweep orders the cells along a primary axis (log of predicted
 * capacity or of ASR, ascending or descending); the first remaining cell anchors the next stack and
 * its partners come from the remaining cells whose primary value could share a stack with it (at
 * most (1+p)/(1-p) apart for a ±p rule). Among those, ordered by the other axis, the n-cell window
 * that contains the anchor with the smallest spread and passes every rule is taken. An anchor that
 * fits no stack is left over: its possible partners only get fewer as the sweep goes on. Each sweep
 * is O(m log m) for sorting plus a window walk per anchor, so 10,000 cells take a few tens of ms.
 * With a same-segment rule each roll is cut into MD chunks no longer than the span (two chunkings,
 * half a span apart, the better kept) and each chunk is swept alone. Against exhaustive search on small pools (matching.spec.ts) it finds the optimum in
 * most pools and never misses it by more than one stack.
 */
export function proposeStacks(cells: readonly MatchCell[], n: number, rules: MatchingRules = DEFAULT_MATCHING): MatchCell[][] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a stack needs a whole number of layers >= 1, got ${n}`);
  if (rules.maxMdSpanMm === null) return bestSweep([...cells], n, rules);
  // One roll segment: each roll is cut into consecutive MD chunks no longer than the span, so any
  // cells of one chunk may share a stack, and each chunk is swept alone. Two chunkings, the second
  // shifted by half a span, so a good group cut by one boundary is whole in the other; the better wins.
  const span = rules.maxMdSpanMm;
  const byRoll = new Map<string, MatchCell[]>();
  for (const c of cells) (byRoll.get(c.rollBarcode) ?? byRoll.set(c.rollBarcode, []).get(c.rollBarcode)!).push(c);
  const out: MatchCell[][] = [];
  for (const roll of byRoll.values()) {
    let best: MatchCell[][] = [];
    const origin = roll.reduce((m, c) => Math.min(m, c.mdMm), Infinity);
    for (const shift of [0, span / 2]) {
      const chunks = new Map<number, MatchCell[]>();
      for (const c of roll) {
        const k = Math.floor((c.mdMm - origin + shift) / span);
        (chunks.get(k) ?? chunks.set(k, []).get(k)!).push(c);
      }
      const got = [...chunks.values()].flatMap((chunk) => bestSweep(chunk, n, rules));
      if (got.length > best.length) best = got;
    }
    out.push(...best);
  }
  return out;
}

/** The best of four sweeps (primary axis capacity or ASR, ascending or descending). */
function bestSweep(pool: MatchCell[], n: number, rules: MatchingRules): MatchCell[][] {
  const usable = pool.filter((c) => c.capacityMah > 0 && c.asrOhmCm2 > 0);
  let best: MatchCell[][] = [];
  for (const axis of ['capacity', 'asr'] as const) {
    for (const descending of [false, true]) {
      if (best.length === Math.floor(usable.length / n)) return best;
      const got = sweep(usable, n, rules, axis, descending);
      if (got.length > best.length) best = got;
    }
  }
  return best;
}

function sweep(cells: readonly MatchCell[], n: number, rules: MatchingRules, axis: 'capacity' | 'asr', descending: boolean): MatchCell[][] {
  const sign = descending ? -1 : 1;
  const prim = (c: MatchCell) => sign * Math.log(axis === 'capacity' ? c.capacityMah : c.asrOhmCm2);
  const sec = (c: MatchCell) => (axis === 'capacity' ? c.asrOhmCm2 : c.capacityMah);
  const p = (axis === 'capacity' ? rules.capacitySpreadPct : rules.asrSpreadPct) / 100;
  const reach = Math.log((1 + p) / (1 - p)) + 1e-12;
  const order = [...cells].sort((a, b) => prim(a) - prim(b) || sec(a) - sec(b));
  const keys = order.map(prim);
  const secs = order.map(sec);
  const used = new Uint8Array(order.length);
  // The remaining cells inside the anchor's primary window, kept sorted by the secondary value.
  const window: number[] = [];
  const insert = (i: number) => {
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (secs[window[mid]] < secs[i] || (secs[window[mid]] === secs[i] && window[mid] < i)) lo = mid + 1;
      else hi = mid;
    }
    window.splice(lo, 0, i);
  };
  const positionOf = (i: number) => {
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (secs[window[mid]] < secs[i] || (secs[window[mid]] === secs[i] && window[mid] < i)) lo = mid + 1;
      else hi = mid;
    }
    return window[lo] === i ? lo : -1;
  };
  const remove = (i: number) => {
    const at = positionOf(i);
    if (at >= 0) window.splice(at, 1);
  };
  const stacks: MatchCell[][] = [];
  let next = 0; // first index not yet added to the window
  for (let a = 0; a < order.length; a++) {
    if (used[a]) continue;
    while (next < order.length && keys[next] <= keys[a] + reach) {
      if (!used[next]) insert(next);
      next++;
    }
    const candidates = window;
    let best: number[] | null = null;
    if (candidates.length >= n) {
      const at = positionOf(a);
      let bestSpread = Infinity;
      for (let s = Math.max(0, at - n + 1); s <= at && s + n <= candidates.length; s++) {
        const spread = secs[candidates[s + n - 1]] / secs[candidates[s]];
        if (spread >= bestSpread) continue;
        const members = candidates.slice(s, s + n);
        if (
          matchProblem(
            members.map((i) => order[i]),
            rules,
          ) === null
        ) {
          best = members;
          bestSpread = spread;
        }
      }
    }
    for (const i of best ?? [a]) {
      used[i] = 1;
      remove(i);
    }
    if (best) stacks.push(best.map((i) => order[i]));
  }
  return stacks;
}

/** The most disjoint valid stacks of n from a small pool, by trying every combination (for tests and benches). */
export function exhaustiveMaxStacks(cells: readonly MatchCell[], n: number, rules: MatchingRules): number {
  const valid: number[] = [];
  const m = cells.length;
  if (m > 20) throw new RangeError('exhaustive search is for pools of at most 20 cells');
  const combo = (start: number, chosen: number[]) => {
    if (chosen.length === n) {
      if (
        matchProblem(
          chosen.map((i) => cells[i]),
          rules,
        ) === null
      )
        valid.push(chosen.reduce((mask, i) => mask | (1 << i), 0));
      return;
    }
    for (let i = start; i < m; i++) combo(i + 1, [...chosen, i]);
  };
  combo(0, []);
  let best = 0;
  const search = (from: number, usedMask: number, count: number) => {
    best = Math.max(best, count);
    if (count + Math.floor((m - popcount(usedMask)) / n) <= best) return;
    for (let k = from; k < valid.length; k++) if ((valid[k] & usedMask) === 0) search(k + 1, usedMask | valid[k], count + 1);
  };
  search(0, 0, 0);
  return best;
}

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}
