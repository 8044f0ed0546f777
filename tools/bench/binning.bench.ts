/**
 * Benchmark: bin one 2,500-cell sheet in one worker (one thread): EIS feature extraction of every
 * spectrum (one createFeatureExtractor per sheet; median of 3 runs, and the same with faultFitStarts 1,
 * and as the worker does it, each fit warm-started from the last good one of its 320-cell chunk, with
 * the worker's extractor options),
 * then the default as-made rule set. The sheet comes from the line simulator (50 x 50 cells of
 * 5 x 5 mm at 5.5 mm pitch, 1 MHz → 1 Hz at 8 points per decade).
 *
 * Standalone: node -r @swc-node/register tools/bench/binning.bench.ts
 */
import { binSheetWithStats, defaultAsMadeRuleSet, toBinningInput, type BinningInput } from '@mes/binning';
import { createFeatureExtractor, WarmStart } from '@mes/eis';
import { BINNING_EXTRACTOR_OPTIONS } from '@mes/binning-worker';
import { SHEET_TEST_CHUNK_CELLS } from '@mes/queue-contracts';
import { simulateSheet, type SimulatedSheet } from '@mes/simulator';

const ROWS = 50;
const COLS = 50;
const AREA_CM2 = 0.25;

/**
 * Features of every cell with one extractor per sheet (one frequency list). With `warm`, as a binning
 * worker does: each fit starts from the last good one of its chunk of SHEET_TEST_CHUNK_CELLS cells.
 */
function extractAll(sim: SimulatedSheet, faultFitStarts?: number, warm = false): BinningInput[] {
  const extractor = createFeatureExtractor(sim.frequenciesHz, { faultFitStarts });
  let warmStart: WarmStart | undefined;
  return sim.cells.map((cell, i) => {
    if (warm && i % SHEET_TEST_CHUNK_CELLS === 0) warmStart = new WarmStart();
    if (cell.status !== 'OK') return toBinningInput(cell, null);
    const f = extractor.extract(cell.zReOhm, cell.zImOhm, {
      ocvV: cell.ocvV,
      activeAreaCm2: sim.cellActiveAreaCm2,
      temperatureC: sim.temperatureC,
      warmStart,
    });
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

  // feature extraction: median of 3 runs (the machine is shared), alternating with the variant with
  // one fit start for cells whose model-free signature is SHORT / OPEN / LEAKY
  const RUNS = 3;
  const featureMs: number[] = [];
  const featureFastMs: number[] = [];
  const featureWarmMs: number[] = [];
  let inputs: BinningInput[] = [];
  let inputsFast: BinningInput[] = [];
  let inputsWarm: BinningInput[] = [];
  for (let r = 0; r < RUNS; r++) {
    const a = performance.now();
    inputs = extractAll(sim);
    const b = performance.now();
    inputsFast = extractAll(sim, 1);
    const c = performance.now();
    inputsWarm = extractAll(sim, BINNING_EXTRACTOR_OPTIONS.faultFitStarts, true);
    featureWarmMs.push(performance.now() - c);
    featureFastMs.push(c - b);
    featureMs.push(b - a);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const featuresMs = median(featureMs);
  const featuresFastMs = median(featureFastMs);
  const featuresWarmMs = median(featureWarmMs);
  const t2 = performance.now();
  const { results } = binSheetWithStats(ruleSet, inputs, { activeAreaCm2: AREA_CM2 });
  const t3 = performance.now();
  const fast = binSheetWithStats(ruleSet, inputsFast, { activeAreaCm2: AREA_CM2 }).results;
  const warmBins = binSheetWithStats(ruleSet, inputsWarm, { activeAreaCm2: AREA_CM2 }).results;
  let sameBins = 0;
  let sameBinsWarm = 0;
  for (let i = 0; i < results.length; i++) {
    if (fast[i].softBin === results[i].softBin) sameBins++;
    if (warmBins[i].softBin === results[i].softBin) sameBinsWarm++;
  }

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
    'binning.featuresMs': round(featuresMs),
    'binning.featuresPerCellUs': round((featuresMs * 1000) / results.length),
    'binning.featuresFaultFitStarts1Ms': round(featuresFastMs),
    'binning.featuresPerCellFaultFitStarts1Us': round((featuresFastMs * 1000) / results.length),
    'binning.sameSoftBinFaultFitStarts1Pct': round((100 * sameBins) / results.length),
    // As the worker fits (WarmStart per chunk, BINNING_EXTRACTOR_OPTIONS); target 150 µs per cell on one core.
    'binning.featuresPerCellWarmStartUs': round((featuresWarmMs * 1000) / results.length),
    'binning.sameSoftBinWarmStartPct': round((100 * sameBinsWarm) / results.length),
    'binning.rulesMs': round(t3 - t2),
    'binning.rulesBestOf20Ms': round(rulesMs),
    'binning.sheetTotalMs': round(featuresMs + t3 - t2),
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
