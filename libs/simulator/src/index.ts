export { simulateSheet, toSheetTestBody, DEFAULT_DEFECTS, DEFAULT_FREQUENCIES, DEFAULT_PROCESS, DEFAULT_ROLL } from './simulate-sheet';
export type {
  CellTruth,
  DefectRates,
  FrequencyPlan,
  PhysicalKind,
  ProcessConditions,
  RigCell,
  RollGeometry,
  SimulatedSheet,
  SimulateSheetOptions,
  TruthKind,
} from './simulate-sheet';
export {
  arrheniusResistanceRatio,
  INTERFACE_ASR_25C_OHM_CM2,
  INTERLAYERS,
  liponConductivity,
  liponGeometricCapacitance,
  predictedCapacityMah,
  thicknessProfile,
  LIPON_EA_EV,
  LIPON_SIGMA_25C_S_PER_CM,
} from './physics';
export type { Interlayer } from './physics';
export { Rng, hashSeed } from './prng';
export { formatLineRunSummary, LineDriver, LineDriverError, lineRunTruth } from './line-driver';
export type {
  BinCount,
  CellTruthEntry,
  LineDriverErrorCode,
  LineDriverOptions,
  LineRunResult,
  ProductInfo,
  RollRun,
  RouteStepInfo,
  SheetRun,
  SheetTestOutcome,
} from './line-driver';
export { injectPattern, patternOverlay, PatternSpecError, simulatePatternMap, withLinePatterns } from './pattern-injection';
export type {
  PatternKindName,
  PatternMap,
  PatternMapOptions,
  PatternOverlay,
  PatternSheetGeometry,
  PatternSpec,
} from './pattern-injection';
export { EndOfLine, formatEndOfLineSummary } from './end-of-line';
export type { BuiltStack, CycledStack, EndOfLineOptions, EndOfLineResult, SingulatedSheet } from './end-of-line';
export {
  compareStackFaults,
  CYCLER_CSV_HEADER,
  formatFaultTable,
  planStackFaults,
  synthesizeCyclerCsv,
  synthesizeStackTest,
} from './stack-faults';
export type {
  FaultComparison,
  FaultComparisonRow,
  LayerSpectrum,
  StackFault,
  StackFaultKind,
  StackFinding,
  StackMeasurement,
} from './stack-faults';
export { LIVING_LINE_ROLL, seedLivingLine } from './living-line';
export type { LivingLineOptions, LivingLineOutcome } from './living-line';
export { simulateInspection, DEFAULT_INSPECTION_RATES } from './inspect-sheet';
export type { InspectionRates, SimulatedDefect, DefectTruth, SimulatedInspection } from './inspect-sheet';
export { simulateAlignment, simulatePatterningTool, type SimulatedAlignment } from './patterning';
