export * from './types';
export { validateSheetTestBody, checkGrid, validationMessage, describeValue } from './validate';
export { parseTimestamp, timestampEpochMs } from './timestamp';
export type { ParsedTimestamp } from './timestamp';
export {
  encodeSpectrum,
  decodeSpectrum,
  encodeFrequencies,
  decodeFrequencies,
  encodeSheetCells,
  cellSpectrum,
  HOST_IS_LITTLE_ENDIAN,
} from './encoding';
export type { EncodedSheetCells } from './encoding';
export { copyRowsText, copyRowsBinary, copyTextEscape } from './copy';
export type { CopyLeadingValue } from './copy';
export { contentHash, CONTENT_HASH_VERSION } from './content-hash';
export * from './bins';
export {
  validateInspectionBody,
  inspectionValidationMessage,
  inspectionContentHash,
  checkDefectsOnSheet,
  INSPECTION_ID_MAX_LENGTH,
  MAX_DEFECTS_PER_INSPECTION,
  MAX_DEFECT_SIZE_UM,
} from './inspection';
export type { InspectionBody, InspectionDefect, InspectionValidation } from './inspection';
