import { BinningInput, MetricCondition, NumericMetric, SpectrumSignature, CellStatus } from './types';

// Bound once at module scope: global lookups are slow inside vm contexts (e.g. Jest workers).
const isFiniteNumber = Number.isFinite;

/**
 * Reads a numeric metric of a cell; null when absent or not finite.
 * `asrOhmCm2` falls back to (rOhmicOhm + rLiponOhm + rCtOhm) x area, `asr25COhmCm2` likewise from the
 * 25 °C values (a missing rLipon counts as 0: feature sets without a separate bulk arc).
 */
export function metricValue(cell: BinningInput, metric: NumericMetric, activeAreaCm2: number): number | null {
  let v = cell[metric];
  if ((v === null || v === undefined) && metric === 'asrOhmCm2') {
    v = sumTimes(cell.rOhmicOhm, cell.rLiponOhm, cell.rCtOhm, activeAreaCm2);
  } else if ((v === null || v === undefined) && metric === 'asr25COhmCm2') {
    v = sumTimes(cell.rOhmic25COhm, cell.rLipon25COhm, cell.rCt25COhm, activeAreaCm2);
  }
  return typeof v === 'number' && isFiniteNumber(v) ? v : null;
}

type Maybe = number | null | undefined;
function sumTimes(r0: Maybe, rBulk: Maybe, rCt: Maybe, k: number): number | null {
  if (typeof r0 !== 'number' || typeof rCt !== 'number') return null;
  return (r0 + (typeof rBulk === 'number' && isFiniteNumber(rBulk) ? rBulk : 0) + rCt) * k;
}

export function conditionsHold(cell: BinningInput, when: MetricCondition[] | undefined, activeAreaCm2: number): boolean {
  if (!when) return true;
  for (const c of when) {
    const v = metricValue(cell, c.metric, activeAreaCm2);
    if (v === null) return false;
    if (c.above !== undefined && !(v > c.above)) return false;
    if (c.below !== undefined && !(v < c.below)) return false;
  }
  return true;
}

/** The features object `@mes/eis` returns, structurally: only the fields binning reads. */
export interface FeaturesLike {
  rOhmicOhm?: number | null;
  rLiponOhm?: number | null;
  rCtOhm?: number | null;
  asrOhmCm2?: number | null;
  rOhmic25COhm?: number | null;
  rLipon25COhm?: number | null;
  rCt25COhm?: number | null;
  asr25COhmCm2?: number | null;
  lowFreqAbsZOhm?: number | null;
  lowFreqPhaseDeg?: number | null;
  fitRelRms?: number | null;
  fitConverged?: boolean | null;
  kkMaxResidual?: number | null;
  signature?: SpectrumSignature | string | null;
}

const nn = (v: number | null | undefined): number | null => (typeof v === 'number' && isFiniteNumber(v) ? v : null);

/**
 * Builds a {@link BinningInput} (NaN values, as `@mes/eis` reports "not available", become null) from a rig cell (status, OCV) and the extracted features (null when
 * the cell has no spectrum). Unknown signature strings become null.
 */
export function toBinningInput(
  cell: { row?: number; col?: number; status?: CellStatus; ocvV?: number | null },
  features: FeaturesLike | null | undefined,
): BinningInput {
  const f = features ?? {};
  const sig = f.signature;
  return {
    row: cell.row,
    col: cell.col,
    status: cell.status ?? 'OK',
    ocvV: nn(cell.ocvV),
    rOhmicOhm: nn(f.rOhmicOhm),
    rLiponOhm: nn(f.rLiponOhm),
    rCtOhm: nn(f.rCtOhm),
    asrOhmCm2: nn(f.asrOhmCm2),
    rOhmic25COhm: nn(f.rOhmic25COhm),
    rLipon25COhm: nn(f.rLipon25COhm),
    rCt25COhm: nn(f.rCt25COhm),
    asr25COhmCm2: nn(f.asr25COhmCm2),
    lowFreqAbsZOhm: nn(f.lowFreqAbsZOhm),
    lowFreqPhaseDeg: nn(f.lowFreqPhaseDeg),
    fitRelRms: nn(f.fitRelRms),
    fitConverged: typeof f.fitConverged === 'boolean' ? f.fitConverged : null,
    kkMaxResidual: nn(f.kkMaxResidual),
    signature: sig === 'NORMAL' || sig === 'SHORT' || sig === 'LEAKY' || sig === 'OPEN' || sig === 'NOISY' ? sig : null,
  };
}
