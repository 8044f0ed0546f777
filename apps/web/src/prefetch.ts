import { gql } from './api';

/**
 * Queries a page will need, started by the router before the page's code has loaded, so the
 * network and the chunk download overlap instead of queueing (the sheet page's heat map).
 */
const pending = new Map<string, { promise: Promise<unknown>; at: number }>();
/** A prefetched answer older than this is not used: the page asks again. */
const FRESH_MS = 10_000;

/** The metric a sheet page opens on: soft bins, what an engineer looks at first. */
export const DEFAULT_SHEET_METRIC = 'SOFT_BIN';

export interface SheetMaps {
  m: { rows: number; cols: number; valuesFloat32: string };
  b: { valuesFloat32: string };
}

// Maps only: the gateway forwards such an operation to test-data unchanged (no per-value shaping).
const SHEET_MAPS =
  'query($s: String!, $m: CellMetric!) { m: sheetMap(sheet: $s, metric: $m) { rows cols valuesFloat32 } b: sheetMap(sheet: $s, metric: SOFT_BIN) { valuesFloat32 } }';

export function sheetMaps(sheet: string, metric: string): Promise<SheetMaps> {
  const key = `sheetMaps:${sheet}:${metric}`;
  const hit = pending.get(key);
  pending.delete(key); // a prefetch is used once; later reads (live updates) ask again
  if (hit && Date.now() - hit.at < FRESH_MS) return hit.promise as Promise<SheetMaps>;
  return gql<SheetMaps>(SHEET_MAPS, { s: sheet, m: metric });
}

export function prefetchSheetMaps(sheet: string, metric: string): void {
  const key = `sheetMaps:${sheet}:${metric}`;
  if (pending.has(key)) return;
  const promise = gql<SheetMaps>(SHEET_MAPS, { s: sheet, m: metric });
  promise.catch(() => pending.delete(key));
  pending.set(key, { promise, at: Date.now() });
}
