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

/** Metrics a chart or a pattern map can follow: the current result's columns. */
export const MAP_METRICS = { ASR: 'asr_ohm_cm2', OCV: 'ocv_v', R_OHMIC: 'r_ohmic_ohm', R_CT: 'r_ct_ohm' } as const;
export type MapMetric = keyof typeof MAP_METRICS;

/** The metric columns in the order the map aggregates store them. */
export const TILE_METRICS: readonly MetricColumn[] = Object.values(METRIC_COLUMNS);

/** The resistances of one cell as its results and maps report them (ohm, ohm, ohm·cm²); null = no value. */
export interface ReportedResistances {
  rOhmicOhm: number | null;
  rCtOhm: number | null;
  asrOhmCm2: number | null;
}

/**
 * What a cell's result stores for its resistances. An OPEN cell has no finite resistance: its fit
 * runs off to ~1e20 ohm, and one such cell averaged into a roll-map bin made the bin, and the map's
 * colour scale, meaningless. Its charge-transfer resistance and ASR are therefore "no value" (the
 * cell's bin says why), as are those of a fit that did not converge; the ohmic intercept is read
 * from the spectrum itself and stays. The cell's full features keep the fitted numbers.
 */
export function reportedResistances(
  f: { signature: string; fitConverged: boolean; rOhmicOhm: number; rCtOhm: number; asrOhmCm2: number } | null | undefined,
): ReportedResistances {
  const value = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  if (!f) return { rOhmicOhm: null, rCtOhm: null, asrOhmCm2: null };
  const fitted = f.signature !== 'OPEN' && f.fitConverged;
  return {
    rOhmicOhm: f.signature === 'OPEN' ? null : value(f.rOhmicOhm),
    rCtOhm: fitted ? value(f.rCtOhm) : null,
    asrOhmCm2: fitted ? value(f.asrOhmCm2) : null,
  };
}
