/**
 * Entry of a fitting thread (see FittingThreads): answers each FeatureRequest with the cells' features.
 * Pure computation, no I/O: the worker's main thread reads and writes the database.
 */
import { parentPort } from 'node:worker_threads';
import type { FeatureExtractor } from '@mes/eis';
import { encodeSpectrum } from '@mes/sheet-test';
import { simulateSheet } from '@mes/simulator';
import { extractFeatures, type FeatureRequest } from './extract-features';

const extractors = new Map<string, FeatureExtractor>();
const port = parentPort;
if (!port) throw new Error('feature-thread.ts runs only as a worker thread');

// Warm-up before the first chunk: fit a small simulated sheet (every kind of cell the simulator makes),
// so the first sheet after a start does not pay for compiling the fitting code (messages wait meanwhile).
const warmUp = simulateSheet({ seed: 1, sheetIndex: 0, rows: 12, cols: 12, cellActiveAreaCm2: 0.25 });
extractFeatures({
  frequenciesHz: warmUp.frequenciesHz,
  cellAreaCm2: 0.25,
  temperatureC: 25,
  cells: warmUp.cells.map((c) =>
    c.status === 'OK'
      ? { status: 'OK' as const, ocvV: c.ocvV, spectrum: encodeSpectrum(c.zReOhm, c.zImOhm) }
      : { status: 'NO_CONTACT' as const, ocvV: null, spectrum: null },
  ),
});

port.on('message', (msg: { id: number; request: FeatureRequest }) => {
  try {
    port.postMessage({ id: msg.id, features: extractFeatures(msg.request, extractors) });
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
