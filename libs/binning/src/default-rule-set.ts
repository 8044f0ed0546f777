import { BinDefinition, HardBinDefinition, RuleSet, VisualRule } from './types';

/** Hard bins of the contract example: 0 RETEST, 1 PASS, 2 REJECT. */
export const DEFAULT_HARD_BINS: HardBinDefinition[] = [
  { hardBin: 0, name: 'RETEST' },
  { hardBin: 1, name: 'PASS' },
  { hardBin: 2, name: 'REJECT' },
];

/** Soft bins of the bin contract (docs/contracts.md "Bins") (15 VISUAL is assigned by inspection, kept here so results can carry it). */
export const DEFAULT_BINS: BinDefinition[] = [
  { softBin: 0, hardBin: 0, name: 'RIG_FAULT', pass: false },
  { softBin: 1, hardBin: 1, name: 'PASS_A', pass: true },
  { softBin: 2, hardBin: 1, name: 'PASS_B', pass: true },
  { softBin: 3, hardBin: 1, name: 'PASS_C', pass: true },
  { softBin: 10, hardBin: 2, name: 'FAIL_SHORT', pass: false },
  { softBin: 11, hardBin: 2, name: 'FAIL_LEAKY', pass: false },
  { softBin: 12, hardBin: 2, name: 'FAIL_OPEN', pass: false },
  { softBin: 13, hardBin: 2, name: 'FAIL_HIGH_Z', pass: false },
  { softBin: 14, hardBin: 2, name: 'FAIL_OCV', pass: false },
  { softBin: 15, hardBin: 2, name: 'FAIL_VISUAL', pass: false },
  { softBin: 16, hardBin: 2, name: 'FAIL_OUTLIER', pass: false },
  { softBin: 17, hardBin: 2, name: 'FAIL_FIT', pass: false },
];

export const DEFAULT_AS_MADE_RULE_SET_NAME = 'as-made-ocv-eis';

/**
 * What the inspection decides by default. A particle or pinhole through the ~1 µm LiPON bridges the
 * electrodes sooner or later even when the cell tests fine today; 50 µm is well above the AOI's noise
 * floor and below the size that shorts most cells at once. A few small particles are tolerated, more
 * than three mark a contaminated cell: the lowest pass grade.
 */
export const DEFAULT_VISUAL_RULES: readonly VisualRule[] = [
  {
    kind: 'visualFail',
    id: 'visual-large-defect',
    softBin: 15,
    classes: ['PARTICLE', 'PINHOLE', 'DELAMINATION', 'PATTERN_DEFECT'],
    minSizeUm: 50,
    description: 'any particle, pinhole, delamination or pattern defect of 50 µm or more in the active area: FAIL_VISUAL',
  },
  {
    kind: 'visualCount',
    id: 'visual-small-particles',
    softBin: 3,
    classes: ['PARTICLE', 'DEBRIS'],
    maxSizeUm: 50,
    maxCount: 3,
    description: 'more than 3 particles or debris under 50 µm in the active area: down to PASS_C',
  },
];

/**
 * Default rule set for the as-made (uncharged, blocking) sheet test with OCV + EIS down to ~1 Hz.
 *
 * Thresholds are [EST] starting points for an as-made cell (docs/domain.md "Measurements"); replace them with line data.
 * Only the open-circuit limit depends on the cell area (a blocking capacitance scales with area); the
 * short and leak limits are resistances of a local defect, which does not scale with area.
 */
export function defaultAsMadeRuleSet(activeAreaCm2: number, version = 1): RuleSet {
  if (!(Number.isFinite(activeAreaCm2) && activeAreaCm2 > 0)) {
    throw new Error(`activeAreaCm2 must be a positive number, got ${activeAreaCm2}`);
  }
  // Good as-made cell at 1 Hz: a blocking double layer of ~1–5 µF/cm² reads ~30–160 kΩ·cm² (DOMAIN 3.4:
  // "~1 µF reads ~160 kΩ at 1 Hz"). An open is a few pF of stray capacitance: ~10^10–10^11 Ω at 1 Hz.
  // 100 MΩ·cm² sits ≥ 600x above a good cell and ≥ 100x below an open.
  const openLowFreqAbsZOhm = 1e8 / activeAreaCm2;

  return {
    name: DEFAULT_AS_MADE_RULE_SET_NAME,
    version,
    description: `As-made sheet test (OCV + EIS 1 MHz–1 Hz), cells of ${activeAreaCm2} cm²`,
    product: { activeAreaCm2, testInsertion: 'SHEET_TEST' },
    bins: DEFAULT_BINS.map((b) => ({ ...b })),
    hardBins: DEFAULT_HARD_BINS.map((h) => ({ ...h })),
    rules: [
      {
        id: 'contact',
        kind: 'measurement',
        softBin: 0,
        requireMetrics: ['ocvV', 'lowFreqAbsZOhm', 'lowFreqPhaseDeg'],
        description: 'NO_CONTACT or no usable OCV/spectrum: the rig failed, not the cell (contract: soft bin 0)',
      },
      {
        id: 'short-signature',
        kind: 'signature',
        softBin: 10,
        signatures: ['SHORT'],
        description: 'EIS signature SHORT (DOMAIN 3.5: spectrum collapses to a small resistive point/arc)',
      },
      {
        id: 'short-low-z',
        kind: 'staticLimit',
        softBin: 10,
        metric: 'lowFreqAbsZOhm',
        lower: 1e4,
        when: [{ metric: 'lowFreqPhaseDeg', above: -45 }],
        description:
          'low-f |Z| < 10 kΩ with a resistive phase (DOMAIN 4.1 FAIL_SHORT, 3.5 "phase ≈ 0° at low f"); the phase gate ' +
          'keeps large good cells (whose capacitive |Z| at 1 Hz can fall near 10 kΩ) out',
      },
      {
        id: 'noisy-signature',
        kind: 'signature',
        softBin: 0,
        signatures: ['NOISY'],
        description: 'noisy spectrum = intermittent probe contact (DOMAIN 4.1 RIG_FAULT): retest',
      },
      {
        id: 'noisy-kk',
        kind: 'staticLimit',
        softBin: 0,
        metric: 'kkMaxResidual',
        upper: 0.3,
        description:
          'a spectrum 30 % off any causal (Kramers-Kronig) response is a broken measurement, not a cell property; ' +
          'milder violations fall to FAIL_FIT below. Placed after the short rules: a low resistive |Z| is a short ' +
          'whatever the KK residual (a probe cannot fake it), and KK fits of shunted spectra can be poor',
      },
      {
        id: 'open-signature',
        kind: 'signature',
        softBin: 12,
        signatures: ['OPEN'],
        description: 'EIS signature OPEN (DOMAIN 3.5: no arc, only stray pF)',
      },
      {
        id: 'open-high-z',
        kind: 'staticLimit',
        softBin: 12,
        metric: 'lowFreqAbsZOhm',
        upper: openLowFreqAbsZOhm,
        description: 'low-f |Z| > 100 MΩ·cm² / area: stray capacitance only, no cell behind the probe',
      },
      {
        id: 'leaky-signature',
        kind: 'signature',
        softBin: 11,
        signatures: ['LEAKY'],
        description: 'EIS signature LEAKY (DOMAIN 3.5: blocking tail bends back to the real axis)',
      },
      {
        id: 'leaky-resistive',
        kind: 'staticLimit',
        softBin: 11,
        metric: 'lowFreqAbsZOhm',
        lower: 1e6,
        when: [{ metric: 'lowFreqPhaseDeg', above: -60 }],
        description:
          'low-f |Z| < 1 MΩ (DOMAIN 4.1 FAIL_LEAKY band 10 kΩ–1 MΩ) and the tail visibly bent (phase above −60°; a ' +
          'blocking as-made cell sits near −80°)',
      },
      {
        id: 'leaky-phase-pat',
        kind: 'dynamicLimit',
        softBin: 11,
        metric: 'lowFreqPhaseDeg',
        side: 'upper',
        scale: 'linear',
        k: 6,
        minPopulation: 30,
        minHalfWidth: 5,
        description:
          'low-f phase less capacitive than the sheet (median + 6σ̂, at least 5°): a parallel leak comparable to the ' +
          'blocking reactance bends the tail before |Z| shows it',
      },
      {
        id: 'fit-quality',
        kind: 'fitQuality',
        softBin: 17,
        requireConverged: true,
        maxFitRelRms: 0.05,
        maxKkResidual: 0.08,
        description:
          'fit must converge with < 5 % relative RMS and the spectrum pass Kramers-Kronig within 8 % (DOMAIN 4.1 ' +
          'FAIL_FIT). With ~1 % rig noise a good cell shows ~1 % fit RMS and a largest KK residual of 2–4 % ' +
          '(the max over ~100 values), so both limits sit well outside noise',
      },
      {
        id: 'ocv-window',
        kind: 'ocvWindow',
        softBin: 14,
        lower: -0.05,
        upper: 1.5,
        description:
          'as-made OCV is ~0–1 V and drifting (DOMAIN 3.1 [EST]); −50 mV allows meter offset around 0, 1.5 V gives ' +
          'margin above 1 V; outside means a charged/contaminated cell or a wrong probe',
      },
      {
        id: 'high-z',
        kind: 'staticLimit',
        softBin: 13,
        metric: 'asr25COhmCm2',
        upper: 500,
        description:
          'ASR at 25 °C > 500 Ω·cm² (good cells 100–300 Ω·cm², DOMAIN 3.4; 3 µm LiPON + a poor interlayer stays ' + 'below ~350)',
      },
      {
        id: 'asr-pat',
        kind: 'dynamicLimit',
        softBin: 16,
        metric: 'asrOhmCm2',
        side: 'both',
        scale: 'log',
        k: 6,
        minPopulation: 30,
        minHalfWidth: Math.log(1.25),
        description:
          'part-average test on ASR (DOMAIN 4.2): sheet median ± 6σ̂ on ln(ASR) over the cells passing so far, ' +
          'never tighter than ±25 %',
      },
    ],
    grading: {
      id: 'asr-grade',
      metric: 'asrOhmCm2',
      side: 'both',
      bands: [
        { maxRelDeviation: 0.15, softBin: 1 },
        { maxRelDeviation: 0.3, softBin: 2 },
      ],
      otherwiseSoftBin: 3,
      description: 'DOMAIN 4.1: PASS_A within ±15 % of the sheet median ASR, PASS_B 15–30 %, PASS_C beyond',
    },
    visual: DEFAULT_VISUAL_RULES.map((r) => ({ ...r, classes: [...r.classes] })),
  };
}
