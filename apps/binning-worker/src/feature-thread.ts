/**
 * Entry of a fitting thread (see FittingThreads): answers each FeatureRequest with the cells' features.
 * Pure computation, no I/O: the worker's main thread reads and writes the database.
 */
import { parentPort } from 'node:worker_threads';
import type { FeatureExtractor } from '@mes/eis';
import { extractFeatures, type FeatureRequest } from './extract-features';

const extractors = new Map<string, FeatureExtractor>();
const port = parentPort;
if (!port) throw new Error('feature-thread.ts runs only as a worker thread');
port.on('message', (msg: { id: number; request: FeatureRequest }) => {
  try {
    port.postMessage({ id: msg.id, features: extractFeatures(msg.request, extractors) });
  } catch (e) {
    port.postMessage({ id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
