/**
 * @mes/eis: impedance models, equivalent-circuit fitting and Kramers-Kronig validity, in plain TypeScript
 * (no framework imports, no runtime dependencies). See README.md in this folder.
 */
export type { Spectrum, ComplexArrays } from './spectrum';
export { logFrequencies } from './frequencies';
export { arrheniusFactorTo25C, BOLTZMANN_EV_PER_K } from './arrhenius';
export { CircuitSyntaxError } from './circuit/circuit-syntax-error';
export type { Circuit, CircuitElement, CircuitNode } from './circuit/circuit';
export { ELEMENT_SPECS } from './circuit/elements';
export type { ElementType, ParamKind, ElementSpec } from './circuit/elements';
export { parseCircuit } from './circuit/parse-circuit';
export { evaluateCircuit, evaluateCircuitJacobian } from './circuit/evaluate-circuit';
export type { CircuitJacobian } from './circuit/evaluate-circuit';
export type { FitOptions, FitResult } from './fit/fit-types';
export { EisFitter, createFitter, fitCircuit } from './fit/eis-fitter';
export type { KramersKronigOptions, KramersKronigResult, KkFitType } from './validity/kramers-kronig';
export { kramersKronigTest } from './validity/kramers-kronig';
export { KramersKronigSolver } from './validity/kk-solver';
export type { CellConditions, CellFeatures, CellSignature, FeatureExtractorOptions, SignatureThresholds } from './features/cell-features';
export {
  DEFAULT_FEATURE_CIRCUIT,
  DEFAULT_SIGNATURE_THRESHOLDS,
  classifySignature,
  createFeatureExtractor,
  extractCellFeatures,
  FeatureExtractor,
  WarmStart,
} from './features/cell-features';
export type { SyntheticNoise } from './synthetic';
export { synthesizeSpectrum } from './synthetic';
