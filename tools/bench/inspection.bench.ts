/**
 * Benchmark: an inspection station's post of 10,000 defects on a 2,500-cell sheet, accepted (the
 * single-pass validation and the content hash) and mapped to cells with an alignment; and binning a
 * 2,500-cell sheet with the default rule set with its visual rules (and that sheet's defects) against
 * the same rule set without them. Medians of repeated runs (the machine is shared).
 *
 * Standalone: node -r @swc-node/register tools/bench/inspection.bench.ts
 */
import { binSheetWithStats, defaultAsMadeRuleSet, toBinningInput, type BinningInput, type CellDefect } from '@mes/binning';
import { createFeatureExtractor } from '@mes/eis';
import { DEFECT_CLASSES, mapDefects, ZONE_ACTIVE, type SheetLayout } from '@mes/geometry';
import { inspectionContentHash, validateInspectionBody } from '@mes/sheet-test';
import { simulateSheet } from '@mes/simulator';
import { report } from './bench-util';

const ROWS = 50;
const COLS = 50;
const AREA_CM2 = 0.25;
const LAYOUT: SheetLayout = {
  rows: ROWS,
  cols: COLS,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 5.5,
  firstCellMdMm: 15.25,
  firstCellCdMm: 15.25,
  sheetLengthMdMm: 300,
};
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

function defectBody(n: number) {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  return JSON.parse(
    JSON.stringify({
      inspectionId: 'BENCH-AOI-1',
      sheet: 'S-BENCH-1',
      inspectedAt: '2026-11-22T10:00:00Z',
      alignment: { offsetMdMm: 0.04, offsetCdMm: -0.03, rotationDeg: 0.01 },
      defects: Array.from({ length: n }, (_, i) => ({
        class: DEFECT_CLASSES[i % DEFECT_CLASSES.length],
        mdMm: Math.round(rnd() * 299_000) / 1000,
        cdMm: Math.round(rnd() * 299_000) / 1000,
        sizeUm: Math.round(5 + rnd() * 200),
        image: `aoi://bench/${i}.png`,
      })),
    }),
  ) as unknown;
}

export async function benchInspection(): Promise<Record<string, number>> {
  const raw = defectBody(10_000);
  const accept = () => {
    const v = validateInspectionBody(raw);
    if (!v.ok) throw new Error(`bench body refused: ${v.details[0].message}`);
    inspectionContentHash(v.value);
    return mapDefects(
      LAYOUT,
      v.value.alignment,
      v.value.defects.map((d) => d.mdMm),
      v.value.defects.map((d) => d.cdMm),
    );
  };
  for (let i = 0; i < 3; i++) accept(); // warm-up
  const acceptMs: number[] = [];
  let places = accept();
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    places = accept();
    acceptMs.push(performance.now() - t);
  }
  const acceptP50 = median(acceptMs);
  report('inspection of 10,000 defects: validate + hash + map (p50)', acceptP50, 'ms', { value: 50, better: 'lower' });

  // Binning with and without visual rules: the sheet's features once, then the rules alone.
  const sim = simulateSheet({ seed: 2026, sheetIndex: 0, rows: ROWS, cols: COLS, cellActiveAreaCm2: AREA_CM2, pitchMm: 5.5 });
  const extractor = createFeatureExtractor(sim.frequenciesHz);
  const inputs: BinningInput[] = sim.cells.map((cell) =>
    cell.status !== 'OK'
      ? toBinningInput(cell, null)
      : toBinningInput(
          cell,
          extractor.extract(cell.zReOhm, cell.zImOhm, { ocvV: cell.ocvV, activeAreaCm2: AREA_CM2, temperatureC: sim.temperatureC }),
        ),
  );
  const v = validateInspectionBody(raw);
  if (!v.ok) throw new Error('bench body refused');
  const defects: (CellDefect[] | null)[] = new Array(ROWS * COLS).fill(null);
  for (let i = 0; i < places.zone.length; i++) {
    if (places.zone[i] !== ZONE_ACTIVE) continue;
    const k = places.row[i] * COLS + places.col[i];
    (defects[k] ??= []).push({ ref: `BENCH-AOI-1#${i}`, defectClass: v.value.defects[i].class, sizeUm: v.value.defects[i].sizeUm });
  }
  const withVisual = defaultAsMadeRuleSet(AREA_CM2);
  const withoutVisual = { ...withVisual, visual: undefined };
  const time = (fn: () => unknown) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 5; i++) binSheetWithStats(withVisual, inputs, { activeAreaCm2: AREA_CM2, defects });
  for (let i = 0; i < 31; i++) {
    a.push(time(() => binSheetWithStats(withoutVisual, inputs, { activeAreaCm2: AREA_CM2 })));
    b.push(time(() => binSheetWithStats(withVisual, inputs, { activeAreaCm2: AREA_CM2, defects })));
  }
  const plainMs = median(a);
  const visualMs = median(b);
  const visualFails = binSheetWithStats(withVisual, inputs, { activeAreaCm2: AREA_CM2, defects }).results.filter(
    (r) => r.softBin === 15,
  ).length;
  report('binning 2,500 cells without visual rules (p50)', plainMs, 'ms');
  report(`binning 2,500 cells with visual rules, 10,000 defects (p50)`, visualMs, 'ms');
  // a difference within the noise can come out negative: counted as 0.01 % for the ratio
  report('visual rules: binning slower by', Math.max(0.01, (100 * (visualMs - plainMs)) / plainMs), '%', { value: 10, better: 'lower' });
  console.log(`  (${visualFails} cells in FAIL_VISUAL with this many defects)`);
  return { acceptMs: acceptP50, binPlainMs: plainMs, binVisualMs: visualMs };
}

if (require.main === module) void benchInspection();
