/**
 * Every BullMQ queue and job of the MES, with its payload: producers and workers import these
 * names only from here, and the worker checks at start that each job name has exactly one handler.
 */
export const QUEUES = {
  sheetTests: 'sheet-tests',
} as const;

export const JOBS = {
  /** A committed sheet test: split it into fit-cells chunks (the ingest and its sweeper add this one). */
  binSheetTest: 'bin-sheet-test',
  /** Features of one chunk of a sheet test's cells; the chunk that completes the last cells bins the sheet. */
  fitCells: 'fit-cells',
  /** A binned sheet test moves its sheet on: track-out, low-yield hold, or wait for a retest. */
  finishSheetTest: 'finish-sheet-test',
  /** Re-bin the tests of a rebin request (a sheet, a roll or a date range) from their stored features. */
  rebin: 'rebin',
  /** An inspection came for a sheet already binned: bin its tests again at their rule set version with the defects. */
  rebinInspectedSheet: 'rebin-inspected-sheet',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

/**
 * W3C trace context (traceparent, tracestate) of the span that added a job, when tracing is on:
 * the job's span is started as its child, so one trace runs from the rig's POST to DONE.
 */
export type JobTraceContext = Record<string, string>;

export interface BinSheetTestPayload {
  sheetTestId: string;
  /** Travels from the rig's request into the job's logs. */
  correlationId?: string;
  trace?: JobTraceContext;
}

/** Cells `offset .. offset + limit - 1` of the test, in (row, col) order. */
export interface FitCellsPayload {
  sheetTestId: string;
  chunk: number;
  offset: number;
  limit: number;
  correlationId?: string;
  trace?: JobTraceContext;
}

export interface FinishSheetTestPayload {
  sheetTestId: string;
  correlationId?: string;
  trace?: JobTraceContext;
}

export interface RebinPayload {
  /** The stored rebin request (its scope and who asked). */
  requestId: string;
  /** The request that asked for it, for the log lines of the job. */
  correlationId?: string;
  trace?: JobTraceContext;
}

export interface RebinInspectedSheetPayload {
  /** The stored inspection (test_data.inspections.id). */
  inspectionUuid: string;
  sheet: string;
}

export interface JobPayloads {
  'bin-sheet-test': BinSheetTestPayload;
  'fit-cells': FitCellsPayload;
  'finish-sheet-test': FinishSheetTestPayload;
  rebin: RebinPayload;
  'rebin-inspected-sheet': RebinInspectedSheetPayload;
}

/**
 * Largest chunk of cells one fit-cells job takes. A 2,500-cell sheet becomes 8 chunks of 313 cells
 * (about 0.2 s of fitting each): enough chunks for two or four workers to finish together, few enough
 * that the per-job overhead (a Redis round trip, one query, one insert) stays small.
 */
export const SHEET_TEST_CHUNK_CELLS = 320;

/** The chunks of a test of `cellCount` cells, of near-equal size, none larger than `maxCells`. */
export function sheetTestChunks(cellCount: number, maxCells = SHEET_TEST_CHUNK_CELLS): { chunk: number; offset: number; limit: number }[] {
  if (!Number.isInteger(cellCount) || cellCount < 0) throw new Error(`cellCount must be a whole number >= 0, got ${cellCount}`);
  if (!Number.isInteger(maxCells) || maxCells < 1) throw new Error(`maxCells must be a whole number >= 1, got ${maxCells}`);
  const n = Math.ceil(cellCount / maxCells);
  const chunks: { chunk: number; offset: number; limit: number }[] = [];
  for (let i = 0; i < n; i++) {
    const offset = Math.floor((i * cellCount) / n);
    chunks.push({ chunk: i, offset, limit: Math.floor(((i + 1) * cellCount) / n) - offset });
  }
  return chunks;
}

/** BullMQ job ids: keyed by what they do, so adding a job twice is harmless (ids never contain ':'). */
export const JOB_IDS = {
  binSheetTest: (sheetTestId: string) => sheetTestId,
  fitCells: (sheetTestId: string, chunk: number) => `${sheetTestId}.fit.${chunk}`,
  finishSheetTest: (sheetTestId: string) => `${sheetTestId}.finish`,
  rebin: (requestId: string) => `rebin.${requestId}`,
  rebinInspectedSheet: (inspectionUuid: string) => `inspected.${inspectionUuid}`,
};

/** Retries, backoff and retention, set once for every job. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/**
 * Whether a job failed only because PostgreSQL or Redis was away (the reason BullMQ keeps is the
 * error's message). Such a job is not the test's fault: the worker leaves the test as it is and the
 * producer's sweeper takes the job up again once storage is back.
 */
export function isOutageFailure(reason: string): boolean {
  return /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|database system is (shutting down|starting up)|timeout exceeded when trying to connect|connection is closed/i.test(
    reason,
  );
}

/** Throws when a worker's handler table misses a job name or has one that does not exist. */
export function assertHandlersComplete(handled: readonly string[]): void {
  const known = Object.values(JOBS) as string[];
  const missing = known.filter((j) => !handled.includes(j));
  const unknown = handled.filter((j) => !known.includes(j));
  const twice = handled.filter((j, i) => handled.indexOf(j) !== i);
  const problems = [
    ...missing.map((j) => `no handler for job ${j}`),
    ...unknown.map((j) => `handler for unknown job ${j}`),
    ...twice.map((j) => `two handlers for job ${j}`),
  ];
  if (problems.length) throw new Error(`Job handlers do not match the queue contracts: ${problems.join('; ')}`);
}

export * from './analytics';
