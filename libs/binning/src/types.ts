/**
 * Types of the binning library.
 *
 * A rule set is plain data (JSON-serialisable) so that it can be stored, versioned and re-applied
 * to old measurements. Everything that evaluates it lives in `bin-sheet.ts`.
 */
/** Measurement status reported by the rig for one cell (rig ingest contract). */
export type CellStatus = 'OK' | 'NO_CONTACT';

/** Spectrum class reported by the EIS feature extraction. */
export type SpectrumSignature = 'NORMAL' | 'SHORT' | 'LEAKY' | 'OPEN' | 'NOISY';

export const SPECTRUM_SIGNATURES: readonly SpectrumSignature[] = ['NORMAL', 'SHORT', 'LEAKY', 'OPEN', 'NOISY'];

/**
 * Numeric per-cell values a rule can test. All come from {@link BinningInput}; `asrOhmCm2` falls back
 * to (rOhmicOhm + rLiponOhm + rCtOhm) x active area when the features did not provide it (rLiponOhm
 * counted as 0 when absent), likewise `asr25COhmCm2`.
 */
export const NUMERIC_METRICS = [
  'ocvV',
  'rOhmicOhm',
  'rLiponOhm',
  'rCtOhm',
  'asrOhmCm2',
  'rOhmic25COhm',
  'rLipon25COhm',
  'rCt25COhm',
  'asr25COhmCm2',
  'lowFreqAbsZOhm',
  'lowFreqPhaseDeg',
  'fitRelRms',
  'kkMaxResidual',
] as const;

export type NumericMetric = (typeof NUMERIC_METRICS)[number];

/**
 * What the rules need to know about one measured cell. Every value may be null (not measured, or the
 * extraction could not produce it). This is deliberately independent of `@mes/eis` internals: a
 * `CellFeatures` object from `@mes/eis` fits it structurally (see {@link toBinningInput}).
 */
export interface BinningInput {
  /** Grid position; optional, only used to label results. */
  row?: number;
  col?: number;
  status: CellStatus;
  ocvV: number | null;
  /** High-frequency real-axis intercept (series / contact resistance). */
  rOhmicOhm: number | null;
  /** Width of the faster (LiPON bulk) arc; optional. */
  rLiponOhm?: number | null;
  /** Width of the charge-transfer / interface arc. */
  rCtOhm: number | null;
  /** Area-specific resistance at the test temperature. */
  asrOhmCm2: number | null;
  /** The same resistances normalised to 25 °C (optional: older feature sets may lack them). */
  rOhmic25COhm?: number | null;
  rLipon25COhm?: number | null;
  rCt25COhm?: number | null;
  asr25COhmCm2?: number | null;
  /** |Z| and phase (degrees, capacitive negative) at the lowest measured frequency. */
  lowFreqAbsZOhm: number | null;
  lowFreqPhaseDeg: number | null;
  /** Relative RMS residual of the equivalent-circuit fit. */
  fitRelRms: number | null;
  fitConverged: boolean | null;
  /** Largest Kramers-Kronig residual (relative to |Z|). */
  kkMaxResidual: number | null;
  signature: SpectrumSignature | null;
}

/** One soft bin of a rule set and the hard bin it maps to. */
export interface BinDefinition {
  softBin: number;
  hardBin: number;
  name: string;
  /** True for the pass grades (soft bins 1..9); false for fail bins and soft bin 0. */
  pass: boolean;
}

export interface HardBinDefinition {
  hardBin: number;
  name: string;
}

/** A one-sided or two-sided numeric condition; null values never satisfy it. */
export interface MetricCondition {
  metric: NumericMetric;
  /** Holds only when value > above. */
  above?: number;
  /** Holds only when value < below. */
  below?: number;
}

interface RuleBase {
  /** Unique within the rule set; recorded with every result this rule decides. */
  id: string;
  /** Soft bin given to a cell that fails this rule. */
  softBin: number;
  description?: string;
}

/** NO_CONTACT, or a required value missing: the measurement failed, not the cell. */
export interface MeasurementRule extends RuleBase {
  kind: 'measurement';
  /** Values that must be present for the measurement to count as valid. */
  requireMetrics?: NumericMetric[];
}

/** Fails when the extracted spectrum signature is one of `signatures`. */
export interface SignatureRule extends RuleBase {
  kind: 'signature';
  signatures: SpectrumSignature[];
}

/**
 * Fixed spec window: fails when the value is below `lower` or above `upper`.
 * With `when`, the rule only applies to cells meeting every condition (e.g. "low |Z| AND resistive phase").
 */
export interface StaticLimitRule extends RuleBase {
  kind: 'staticLimit';
  metric: NumericMetric;
  lower?: number;
  upper?: number;
  when?: MetricCondition[];
  /** What a null value does: 'skip' (default) passes this rule, 'fail' fails it. */
  onMissing?: 'skip' | 'fail';
}

/** Open-circuit voltage window. */
export interface OcvWindowRule extends RuleBase {
  kind: 'ocvWindow';
  lower: number;
  upper: number;
  onMissing?: 'skip' | 'fail';
}

/** Equivalent-circuit fit and Kramers-Kronig quality. */
export interface FitQualityRule extends RuleBase {
  kind: 'fitQuality';
  /** Fail when the fit did not converge (null counts as not converged). */
  requireConverged: boolean;
  maxFitRelRms?: number;
  maxKkResidual?: number;
}

/**
 * Part-average testing: limits = median ± k·σ̂ over the cells of the sheet that passed every earlier
 * rule, with σ̂ = 1.4826·MAD (the MAD scaled to a normal σ). With `scale: 'log'` the statistics are
 * taken on ln(value), which suits resistances (multiplicative spread); the value must then be > 0.
 */
export interface DynamicLimitRule extends RuleBase {
  kind: 'dynamicLimit';
  metric: NumericMetric;
  k: number;
  side: 'both' | 'upper' | 'lower';
  scale: 'linear' | 'log';
  /** Below this many cells with a value the statistics are not trusted and the rule is skipped. */
  minPopulation: number;
  /** Floor for k·σ̂ in the statistic's units (ln units for 'log': 0.1 ≈ ±10 %). Guards against MAD ≈ 0. */
  minHalfWidth?: number;
  when?: MetricCondition[];
}

export type Rule = MeasurementRule | SignatureRule | StaticLimitRule | OcvWindowRule | FitQualityRule | DynamicLimitRule;

export type RuleKind = Rule['kind'];

export interface GradeBand {
  /** Upper bound of |value − median| / median for this grade (inclusive). */
  maxRelDeviation: number;
  softBin: number;
}

/**
 * Pass grades of the cells that cleared every rule: relative deviation of `metric` from the sheet
 * median of the passing cells, mapped through `bands` (ascending); beyond the last band, or with no
 * value, `otherwiseSoftBin`.
 */
export interface GradingRule {
  id: string;
  metric: NumericMetric;
  bands: GradeBand[];
  otherwiseSoftBin: number;
  /** 'both' grades on |deviation|; 'upper' only penalises values above the median. */
  side?: 'both' | 'upper';
  description?: string;
}

/**
 * A defect the inspection saw in a cell's active area (the mapping to cells is @mes/geometry's), as
 * the visual rules see it. `ref` names it in results: `<inspectionId>#<seq>`.
 */
export interface CellDefect {
  ref: string;
  defectClass: string;
  sizeUm: number;
}

/** Any defect of these classes at least `minSizeUm` in the active area fails the cell (FAIL_VISUAL). */
export interface VisualFailRule {
  kind: 'visualFail';
  id: string;
  softBin: number;
  classes: string[];
  minSizeUm: number;
  description?: string;
}

/**
 * More than `maxCount` defects of these classes (each at most `maxSizeUm`, when given) in the active
 * area of a passing cell downgrade it to `softBin` (a lower grade or a fail bin); a cell already
 * graded at or below that bin keeps its grade.
 */
export interface VisualCountRule {
  kind: 'visualCount';
  id: string;
  softBin: number;
  classes: string[];
  maxSizeUm?: number;
  maxCount: number;
  description?: string;
}

export type VisualRule = VisualFailRule | VisualCountRule;

/**
 * Good die in bad neighbourhood (applied by `neighbourhood.ts`): a passing cell with at least
 * `minBadNeighbours` bad cells within `radius` is downgraded to `softBin`.
 */
export interface NeighbourhoodRule {
  id: string;
  /** Cells within this many rows and columns count as neighbours (1 = the 8 around). */
  radius: number;
  /** Soft bins that make a neighbour bad (shorts, outliers). */
  badSoftBins: number[];
  minBadNeighbours: number;
  /** Where a downgraded cell goes: a lower pass grade or a fail bin. */
  softBin: number;
}

export interface RuleSet {
  name: string;
  /** Positive integer, bumped on every change; recorded with every result. */
  version: number;
  description?: string;
  /** Optional product binding; binSheet refuses a sheet whose cell area differs. */
  product?: { activeAreaCm2?: number; testInsertion?: string };
  bins: BinDefinition[];
  hardBins?: HardBinDefinition[];
  rules: Rule[];
  grading: GradingRule;
  /** Optional good-die-in-bad-neighbourhood downgrade after grading (off when absent). */
  neighbourhood?: NeighbourhoodRule;
  /**
   * Visual rules from the sheet's inspection, applied last to the cells the electrical rules passed
   * (an electrical fail or a rig fault keeps its bin: it says more about the cell). Off when absent.
   */
  visual?: VisualRule[];
}

export interface LimitWindow {
  lower: number | null;
  upper: number | null;
}

/** The binning result of one cell. */
export interface CellBin {
  row?: number;
  col?: number;
  softBin: number;
  hardBin: number;
  binName: string;
  pass: boolean;
  ruleSetName: string;
  ruleSetVersion: number;
  /** The rule that decided (the grading rule's id for passes). */
  ruleId: string;
  ruleKind: RuleKind | 'grading' | 'neighbourhood' | VisualRule['kind'];
  /** The value the decision was made on, and the limit it was compared with. */
  metric: string | null;
  value: number | string | boolean | null;
  limit: LimitWindow | null;
  /** Human-readable one-liner, e.g. "lowFreqAbsZOhm 312 < lower limit 10000". */
  reason: string;
  /** The defect that decided a visual bin (its `ref`); absent when an electrical rule decided. */
  decidingDefect?: string;
}

export interface SheetContext {
  activeAreaCm2: number;
  /** Each cell's active-area defects, in the order of the cells (absent: the sheet was not inspected). */
  defects?: readonly (readonly CellDefect[] | null | undefined)[];
}

/** Statistics computed once per sheet, returned for storage / display. */
export interface DynamicLimitStats {
  ruleId: string;
  metric: NumericMetric;
  population: number;
  /** False when the population was below minPopulation and the rule was skipped. */
  applied: boolean;
  median: number | null;
  /** Raw MAD in the statistic's units (ln units for log scale). */
  mad: number | null;
  lower: number | null;
  upper: number | null;
}

export interface GradingStats {
  ruleId: string;
  metric: NumericMetric;
  population: number;
  median: number | null;
}

export interface SheetStats {
  dynamicLimits: DynamicLimitStats[];
  grading: GradingStats;
}

export interface SheetBinning {
  results: CellBin[];
  stats: SheetStats;
}
