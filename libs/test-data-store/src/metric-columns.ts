/**
 * The per-cell values a heat map can show, and the column that holds each in current_cell_results.
 * The worker keeps a count and a sum of every one of them in the sheet map tiles and roll map rows
 * (columns n_<column> and sum_<column>), and the API reads those same columns: one list for both.
 */
export const METRIC_COLUMNS = {
  OCV_V: 'ocv_v',
  R_OHMIC_OHM: 'r_ohmic_ohm',
  R_CT_OHM: 'r_ct_ohm',
  ASR_OHM_CM2: 'asr_ohm_cm2',
  SOFT_BIN: 'soft_bin',
} as const;

export type MetricName = keyof typeof METRIC_COLUMNS;
export type MetricColumn = (typeof METRIC_COLUMNS)[MetricName];

/** The metric columns in the order the map aggregates store them. */
export const TILE_METRICS: readonly MetricColumn[] = Object.values(METRIC_COLUMNS);
