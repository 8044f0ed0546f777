/**
 * `npm run bench`: every benchmark in one run, printing figures and their ratio to the targets.
 * Needs PostgreSQL and Redis as npm test does (each bench makes and drops a database of its own).
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { benchTracking } from './tracking.bench';

/** `byNameOnly`: too long for the whole run; `npm run bench <name>` runs it. */
type Bench = { name: string; file: string; fn: string; byNameOnly?: boolean };

// Benchmarks of the science libraries join when their files exist (they arrive with their issues).
const OPTIONAL: Bench[] = [
  { name: 'Station scans at line rate and saturated (whole MES)', file: 'scan.bench.ts', fn: 'benchScans' },
  { name: 'Maps in a frame: rollMap and sheetMap, list and packed (whole MES)', file: 'maps.bench.ts', fn: 'benchMaps' },
  { name: 'EIS fitting', file: 'eis-fit.bench.ts', fn: 'benchEisFit' },
  { name: 'LM fitter against an npm LM library', file: 'lm-library.bench.ts', fn: 'benchLmLibrary' },
  { name: 'Binning', file: 'binning.bench.ts', fn: 'benchBinning' },
  { name: 'Inspection: accepting and mapping defects, binning with visual rules', file: 'inspection.bench.ts', fn: 'benchInspection' },
  { name: 'Sheet test ingest (validation and encoding)', file: 'sheet-test.bench.ts', fn: 'benchSheetTestValidation' },
  { name: 'Sheet test ingest, binning and maps (whole MES)', file: 'ingest.bench.ts', fn: 'benchIngest' },
  { name: 'Process data: trace ingest and cell provenance (whole MES)', file: 'process.bench.ts', fn: 'benchProcess' },
  { name: 'Assembly: pick maps, stack proposal, where-used', file: 'assembly.bench.ts', fn: 'benchAssembly' },
  { name: 'Interop: instrument files, STDF V4, roll CSV export', file: 'interop.bench.ts', fn: 'benchInterop' },
  { name: 'Web UI in headless Chromium (whole MES)', file: 'web.bench.ts', fn: 'benchWeb' },
  { name: 'Yield analytics: pattern recall, SPC update, classification', file: 'analytics.bench.ts', fn: 'benchAnalytics' },
  { name: 'Watching the line: log lines, job correlation, /metrics', file: 'observability.bench.ts', fn: 'benchObservability' },
  {
    name: 'A year of a line in the database: the everyday operations empty and loaded (SCALE_CELLS, default 10^8)',
    file: 'scale.bench.ts',
    fn: 'benchScale',
    byNameOnly: true,
  },
  {
    name: 'The line at once: 20 rigs, 50 stations, 5 engineers (whole MES, 10 min)',
    file: 'load.bench.ts',
    fn: 'benchLoad',
    byNameOnly: true,
  },
];

async function main(): Promise<void> {
  const only = process.argv[2];
  console.log(`Benchmarks on ${require('node:os').cpus().length} cores, Node ${process.version}`);
  if (!only || only === 'tracking') {
    console.log('\n== Tracking ==');
    await benchTracking();
  }
  for (const b of OPTIONAL) {
    if (only ? !b.file.startsWith(only) : b.byNameOnly) continue;
    const file = path.join(__dirname, b.file);
    if (!existsSync(file)) continue;
    console.log(`\n== ${b.name} ==`);
    const mod = (await import(file)) as Record<string, () => Promise<unknown>>;
    await mod[b.fn]();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
