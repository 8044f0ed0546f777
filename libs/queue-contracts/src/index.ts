/**
 * Every BullMQ queue and job of the MES, with its payload: producers and workers import these
 * names only from here, and the worker checks at start that each job name has exactly one handler.
 */
export const QUEUES = {
  sheetTests: 'sheet-tests',
} as const;

export const JOBS = {
  /** Compute features and bins for one committed sheet test. */
  binSheetTest: 'bin-sheet-test',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface BinSheetTestPayload {
  sheetTestId: string;
  /** Travels from the rig's request into the job's logs. */
  correlationId?: string;
}

export interface JobPayloads {
  'bin-sheet-test': BinSheetTestPayload;
}

/** Retries, backoff and retention, set once for every job. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

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
