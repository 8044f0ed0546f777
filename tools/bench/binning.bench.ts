/**
 * Benchmark: bin one 2,500-cell sheet in one worker (one thread): EIS feature extraction of every
 * spectrum, then the default as-made rule set. The sheet comes from the line simulator (50 x 50 cells of
 * 5 x 5 mm at 5.5 mm pitch, 1 MHz → 1 Hz at 8 points per decade).
 *
 * Standalone: node -r @swc-node/register tools/bench/binning.bench.ts
 */
import { binSheetWithStats, defaultAsMadeRuleSet, toBinningInput, type BinningInput } from '@mes/binning';
import { extractCellFeatures } from '@mes/eis';
import { simulateSheet, type SimulatedSheet } from '@mes/simulator';

const ROWS = 50;
const COLS = 50;
const AREA_CM2 = 0.25;

function extractAll(sim: SimulatedSheet): BinningInput[] {
  return sim.cells.map((cell) => {
    if (cell.status !== 'OK') return toBinningInput(cell, null);
    const f = extractCellFeatures(
      { freqHz: sim.frequenciesHz, zRe: cell.zReOhm, zIm: cell.zImOhm },
      { ocvV: cell.ocvV, activeAreaCm2: sim.cellActiveAreaCm2, temperatureC: sim.temperatureC },
    );
    return toBinningInput(cell, f);
  });
}

export async function benchBinning(): Promise<Record<string, number>> {
  const ruleSet = defaultAsMadeRuleSet(AREA_CM2);
  const t0 = performance.now();
  const sim = simulateSheet({ seed: 2026, sheetIndex: 0, rows: ROWS, cols: COLS, cellActiveAreaCm2: AREA_CM2, pitchMm: 5.5 });
  const simulateMs = performance.now() - t0;

  // warm-up on a small slice so that JIT compilation is not billed to the timed run
  const warm = extractAll({ ...sim, cells: sim.cells.slice(0, 100) });
  binSheetWithStats(ruleSet, warm, { activeAreaCm2: AREA_CM2 });

  const t1 = performance.now();
  const inputs = extractAll(sim);
  const t2 = performance.now();
  const { results } = binSheetWithStats(ruleSet, inputs, { activeAreaCm2: AREA_CM2 });
  const t3 = performance.now();

  let rulesMs = Infinity; // rules alone are fast: take the best of several runs
  for (let i = 0; i < 20; i++) {
    const a = performance.now();
    binSheetWithStats(ruleSet, inputs, { activeAreaCm2: AREA_CM2 });
    rulesMs = Math.min(rulesMs, performance.now() - a);
  }

  const passed = results.filter((r) => r.pass).length;
  const out: Record<string, number> = {
    'binning.cells': results.length,
    'binning.simulateSheetMs': round(simulateMs),
    'binning.featuresMs': round(t2 - t1),
    'binning.featuresPerCellUs': round(((t2 - t1) * 1000) / results.length),
    'binning.rulesMs': round(t3 - t2),
    'binning.rulesBestOf20Ms': round(rulesMs),
    'binning.sheetTotalMs': round(t3 - t1),
    'binning.passRatePct': round((100 * passed) / results.length),
  };
  console.log(`bin a ${ROWS}x${COLS} sheet in one worker:`, out);
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;

if (require.main === module) {
  benchBinning().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
