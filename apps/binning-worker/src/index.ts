export { startBinningWorker } from './binning-worker';
export { evaluateSheetTest } from './evaluate-sheet-test';
export type { BinningWorker } from './binning-worker';
export { BINNING_EXTRACTOR_OPTIONS } from './extract-features';
