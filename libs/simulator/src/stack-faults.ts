import { hashSeed, Rng } from './prng';

/**
 * The physics of the end of the line, as the simulator plays it: which stacks it builds with an open
 * or a shorted layer (the ground truth the stack final test is checked against), what a stack test
 * rig measures on a stack (its layers in parallel, plus rig noise), and what a cycler writes for a
 * sample stack. Pure and seeded: the same inputs give the same stacks, spectra and files.
 */

export type StackFaultKind = 'OPEN_LAYER' | 'SHORTED_LAYER';

/** One injected fault: stack `stack` (index into the built stacks) has layer `layer` (1 = bottom) open or shorted. */
export interface StackFault {
  stack: number;
  kind: StackFaultKind;
  layer: number;
}

/**
 * Which stacks get a fault, and which layer: `open` stacks with one layer not connected and `shorted`
 * stacks with one layer shorted, on distinct stacks drawn from `stackCount`, each at a random layer
 * of its `layers`. Refuses more faults than stacks (every faulty stack has exactly one fault, so
 * that the final test's one verdict per stack can be checked against it).
 */
export function planStackFaults(stackCount: number, layers: number, counts: { open: number; shorted: number }, seed: number): StackFault[] {
  for (const [name, v] of [
    ['stackCount', stackCount],
    ['layers', layers],
    ['open', counts.open],
    ['shorted', counts.shorted],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${v}`);
  }
  if (counts.open + counts.shorted > stackCount) {
    throw new RangeError(
      `${counts.open} open and ${counts.shorted} shorted layers need ${counts.open + counts.shorted} stacks (one fault per stack), only ${stackCount} were built`,
    );
  }
  if (counts.open + counts.shorted > 0 && layers < 1) throw new RangeError('a faulty stack needs at least one layer');
  const rng = new Rng(hashSeed(seed, 0x57ac));
  // Fisher-Yates over the stack indices: the first open + shorted are the faulty ones.
  const order = Array.from({ length: stackCount }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const faults: StackFault[] = [];
  for (let k = 0; k < counts.open + counts.shorted; k++) {
    faults.push({ stack: order[k], kind: k < counts.open ? 'OPEN_LAYER' : 'SHORTED_LAYER', layer: 1 + rng.int(layers) });
  }
  return faults.sort((a, b) => a.stack - b.stack);
}

/** A layer as the stack rig sees it: its cell's noiseless spectrum and its true open-circuit voltage. */
export interface LayerSpectrum {
  frequenciesHz: readonly number[];
  zReOhm: readonly number[];
  zImOhm: readonly number[];
  ocvV: number;
}

export interface StackMeasurement {
  ocvV: number;
  frequenciesHz: number[];
  zReOhm: number[];
  zImOhm: number[];
  /** The short's resistance, for a shorted layer (truth). */
  shortOhm?: number;
}

/**
 * What a stack test rig measures on `layers` connected in parallel: Z = 1 / Σ (1 / Z_i) at each of
 * the layers' frequencies (all layers share one frequency list), times (1 + σ(ε1 + jε2)) of complex
 * rig noise; the OCV is the layers' mean (parallel cells settle together) plus 1 mV of noise.
 * - An open layer (a tab not bonded) is not in the sum.
 * - A shorted layer (a short pressed through at lamination) carries a few ohms in parallel with its
 *   cell, and the short drains the whole stack to a few millivolts.
 */
export function synthesizeStackTest(
  layers: readonly LayerSpectrum[],
  fault: { kind: StackFaultKind; layer: number } | null,
  seed: number,
  noiseRel = 0.01,
): StackMeasurement {
  if (layers.length === 0) throw new RangeError('a stack has at least one layer');
  const f = layers[0].frequenciesHz;
  for (const [i, l] of layers.entries()) {
    if (l.frequenciesHz.length !== f.length || l.frequenciesHz.some((v, k) => v !== f[k]))
      throw new RangeError(`layer ${i + 1} was measured at other frequencies than layer 1`);
    if (l.zReOhm.length !== f.length || l.zImOhm.length !== f.length)
      throw new RangeError(`layer ${i + 1} has ${l.zReOhm.length}/${l.zImOhm.length} values for ${f.length} frequencies`);
  }
  if (fault && !(Number.isInteger(fault.layer) && fault.layer >= 1 && fault.layer <= layers.length))
    throw new RangeError(`fault layer ${fault.layer} is not a layer of a ${layers.length}-layer stack`);
  if (fault?.kind === 'OPEN_LAYER' && layers.length === 1) throw new RangeError('a one-layer stack with its layer open has no spectrum');
  if (!(noiseRel >= 0 && noiseRel < 0.5)) throw new RangeError(`noiseRel must be in [0, 0.5), got ${noiseRel}`);
  const rng = new Rng(hashSeed(seed, 0x5747));
  const shortOhm = fault?.kind === 'SHORTED_LAYER' ? rng.logUniform(1, 20) : undefined;
  const yRe = new Float64Array(f.length);
  const yIm = new Float64Array(f.length);
  layers.forEach((l, i) => {
    const isFault = fault !== null && fault.layer === i + 1;
    if (isFault && fault.kind === 'OPEN_LAYER') return;
    for (let k = 0; k < f.length; k++) {
      const d = l.zReOhm[k] ** 2 + l.zImOhm[k] ** 2;
      yRe[k] += l.zReOhm[k] / d;
      yIm[k] -= l.zImOhm[k] / d;
      if (isFault && shortOhm !== undefined) yRe[k] += 1 / shortOhm;
    }
  });
  const zReOhm: number[] = [];
  const zImOhm: number[] = [];
  for (let k = 0; k < f.length; k++) {
    const d = yRe[k] ** 2 + yIm[k] ** 2;
    const re = yRe[k] / d;
    const im = -yIm[k] / d;
    const e1 = noiseRel * rng.normal();
    const e2 = noiseRel * rng.normal();
    zReOhm.push(round6(re * (1 + e1) - im * e2));
    zImOhm.push(round6(im * (1 + e1) + re * e2));
  }
  const meanOcv = layers.reduce((s, l) => s + l.ocvV, 0) / layers.length;
  const ocvV = shortOhm !== undefined ? rng.uniform(0.002, 0.02) : meanOcv + 0.001 * rng.normal();
  return { ocvV: round6(ocvV), frequenciesHz: [...f], zReOhm, zImOhm, ...(shortOhm !== undefined ? { shortOhm } : {}) };
}

function round6(v: number): number {
  return Number(v.toPrecision(6));
}

/** The generic cycler layout the MES reads (docs/contracts.md): one row per cycle. */
export const CYCLER_CSV_HEADER = 'cycle,charge_mah,discharge_mah,ce_pct,discharge_energy_mwh,end_voltage_v';

/**
 * A sample stack's cycler export in the generic layout. The first discharge is the stack's capacity
 * less the lithium the first plating on the anodeless collector takes (CE about 88 %); afterwards CE
 * is about 99.9 % and the discharge fades linearly, faster for stacks of higher layer ASR (more
 * polarisation, more lithium lost per cycle), so retention correlates with the layers' sheet-test ASR.
 */
export function synthesizeCyclerCsv(
  stack: { capacityMah: number; meanLayerAsrOhmCm2: number },
  cycles: number,
  seed: number,
  referenceAsrOhmCm2 = 200,
): string {
  if (!Number.isInteger(cycles) || cycles < 1 || cycles > 100_000) throw new RangeError(`cycles must be 1-100000, got ${cycles}`);
  if (!(stack.capacityMah > 0) || !(stack.meanLayerAsrOhmCm2 > 0))
    throw new RangeError('a cycled stack needs a positive capacity and layer ASR');
  const rng = new Rng(hashSeed(seed, 0xc7c1));
  const fadePerCycle = 0.0006 * (stack.meanLayerAsrOhmCm2 / referenceAsrOhmCm2) * rng.logNormal(0.1);
  const lines = [CYCLER_CSV_HEADER];
  for (let n = 1; n <= cycles; n++) {
    const ce = n === 1 ? 88 + 2 * rng.next() : Math.min(99.99, 99.9 + 0.03 * rng.normal());
    const discharge = stack.capacityMah * (n === 1 ? 0.97 : 0.96) * Math.max(0, 1 - fadePerCycle * (n - 1)) * (1 + 0.002 * rng.normal());
    const charge = discharge / (ce / 100);
    const energy = discharge * (3.85 + 0.02 * rng.normal());
    const endV = 3.0 + 0.005 * rng.normal();
    lines.push(`${n},${charge.toFixed(5)},${discharge.toFixed(5)},${ce.toFixed(2)},${energy.toFixed(5)},${endV.toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What the final test said about one stack. */
export interface StackFinding {
  bin: string | null;
  suspectLayer: number | null;
}

export interface FaultComparisonRow {
  stack: string;
  injected: string;
  found: string;
  /** The verdict matches the truth: PASS for a good stack, the injected kind for a faulty one. */
  agrees: boolean;
  /** For an open layer the test names a layer: whether it is the injected one (null when it names none). */
  layerAgrees: boolean | null;
}

export interface FaultComparison {
  rows: FaultComparisonRow[];
  injected: number;
  found: number;
  /** Faulty stacks whose fault the test missed or binned as another kind. */
  missed: number;
  /** Good stacks the test did not pass. */
  falseAlarms: number;
  /** The final test found exactly the injected faults (every row agrees). */
  exact: boolean;
}

/** Injected faults against the final test's bins, one row per stack (stacks without a test show bin "-"). */
export function compareStackFaults(
  stacks: readonly { barcode: string; fault: { kind: StackFaultKind; layer: number } | null; finding: StackFinding | null }[],
): FaultComparison {
  const rows: FaultComparisonRow[] = [];
  let missed = 0;
  let falseAlarms = 0;
  for (const s of stacks) {
    const bin = s.finding?.bin ?? null;
    const suspect = s.finding?.suspectLayer ?? null;
    const expected = s.fault ? s.fault.kind : 'PASS';
    const agrees = bin === expected;
    if (!agrees) {
      if (s.fault) missed++;
      else falseAlarms++;
    }
    rows.push({
      stack: s.barcode,
      injected: s.fault ? `${s.fault.kind} layer ${s.fault.layer}` : 'none',
      found: bin === null ? '-' : suspect !== null ? `${bin} layer ${suspect}` : bin,
      agrees,
      layerAgrees: s.fault && agrees && suspect !== null ? suspect === s.fault.layer : null,
    });
  }
  return {
    rows,
    injected: stacks.filter((s) => s.fault).length,
    found: stacks.filter((s) => s.finding?.bin && s.finding.bin !== 'PASS').length,
    missed,
    falseAlarms,
    exact: missed === 0 && falseAlarms === 0,
  };
}

/** The comparison as a printable table. */
export function formatFaultTable(c: FaultComparison): string[] {
  const head = ['stack', 'injected', 'found by the stack test', 'check'];
  const body = c.rows.map((r) => [
    r.stack,
    r.injected,
    r.found,
    r.agrees ? (r.layerAgrees === false ? 'ok (other layer named)' : 'ok') : r.injected === 'none' ? 'FALSE ALARM' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((x, i) => x.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    `stack test vs truth: ${c.injected} faults injected, ${c.found} stacks binned as faulty, ${c.missed} missed, ${c.falseAlarms} false alarms` +
      (c.exact ? ': the final test found exactly the injected faults' : ''),
  ];
}
