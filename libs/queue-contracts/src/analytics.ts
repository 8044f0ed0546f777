/**
 * The yield-analytics queue: SPC points, events and holds, and spatial pattern results, kept up to
 * date as sheets finish binning. Its own queue (and handler check), so the binning worker's handler
 * table is not affected.
 */
export const ANALYTICS_QUEUE = 'yield-analytics';

export const ANALYTICS_JOBS = {
  /** A sheet's current results changed (binned or re-binned): its patterns and its points on every chart of its product. */
  analyzeSheet: 'analyze-sheet',
  /** Re-classify a roll's map from its tested sheets (debounced: many sheets of a roll land in a row). */
  analyzeRoll: 'analyze-roll',
  /**
   * A cross-stage correlation of a roll: cell metric against the process values at each cell. Requested
   * by an engineer, or (`refresh`) queued by the sweeper when the roll's results changed since.
   */
  correlateRoll: 'correlate-roll',
  /** A new chart's points from the product's sheets already tested (so a baseline can be chosen from history). */
  backfillChart: 'backfill-chart',
} as const;

export type AnalyticsJobName = (typeof ANALYTICS_JOBS)[keyof typeof ANALYTICS_JOBS];

export interface AnalyzeSheetPayload {
  sheet: string;
  /** The sheet test whose results landed (for the logs; the job reads the newest results). */
  sheetTestId: string;
  /** The trace context of the span that asked (see JobTraceContext). */
  trace?: Record<string, string>;
}

export interface AnalyzeRollPayload {
  roll: string;
  trace?: Record<string, string>;
}

export interface CorrelateRollPayload {
  roll: string;
  /** ASR, OCV, R_OHMIC or R_CT. */
  metric: string;
  /** Computed again because the roll's results changed: the stored result stays shown until replaced. */
  refresh?: boolean;
  trace?: Record<string, string>;
}

export interface BackfillChartPayload {
  chartId: string;
  trace?: Record<string, string>;
}

export const ANALYTICS_JOB_IDS = {
  /** Deduplication id of a sheet's pending analysis (one pending job per sheet). */
  analyzeSheet: (sheet: string) => `analyze-sheet.${sheet}`,
  /** Deduplication id of a roll's pending re-classification (BullMQ deduplication, not a job id). */
  analyzeRoll: (roll: string) => `analyze-roll.${roll}`,
  /** Deduplication id of a roll's pending correlation for one metric. */
  correlateRoll: (roll: string, metric: string) => `correlate-roll.${roll}.${metric}`,
  /** Deduplication id of a stored correlation's pending refresh (apart from a request's, which must not wait behind it). */
  refreshCorrelation: (roll: string, metric: string) => `refresh-correlation.${roll}.${metric}`,
  /** Deduplication id of a chart's pending backfill. */
  backfillChart: (chartId: string) => `backfill-chart.${chartId}`,
};

/** How many of a product's newest tested sheets a new chart is backfilled with. */
export const CHART_BACKFILL_SHEETS = 500;

/**
 * A stored correlation is computed again once its roll's results changed, but no sooner than this
 * many seconds after it was last computed: a roll under test costs the process service one
 * correlation (a few hundred calls) a minute, not one per sheet.
 */
export const CORRELATION_REFRESH_S = 60;

/** Wait after a sheet lands before the roll is re-classified, so a run of sheets costs one roll job. */
export const ROLL_ANALYSIS_DELAY_MS = 3_000;

/** Throws when a handler table does not match ANALYTICS_JOBS exactly. */
export function assertAnalyticsHandlersComplete(handled: readonly string[]): void {
  const known = Object.values(ANALYTICS_JOBS) as string[];
  const problems = [
    ...known.filter((j) => !handled.includes(j)).map((j) => `no handler for job ${j}`),
    ...handled.filter((j) => !known.includes(j)).map((j) => `handler for unknown job ${j}`),
  ];
  if (problems.length) throw new Error(`Analytics job handlers do not match the queue contracts: ${problems.join('; ')}`);
}
