export * from './types';
export { validateSheetTestBody, validateSheetTestHeader, checkGrid, checkGridColumns, validationMessage, describeValue } from './validate';
export { parseTimestamp, timestampEpochMs } from './timestamp';
export type { ParsedTimestamp } from './timestamp';
export {
  encodeSpectrum,
  decodeSpectrum,
  encodeFrequencies,
  decodeFrequencies,
  encodeSheetCells,
  encodeColumns,
  cellSpectrum,
  HOST_IS_LITTLE_ENDIAN,
} from './encoding';
export type { EncodedSheetCells } from './encoding';
export { copyRowsText, copyRowsBinary, copyTextEscape } from './copy';
export type { CopyLeadingValue } from './copy';
export { contentHash, contentHashOfColumns, CONTENT_HASH_VERSION } from './content-hash';
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
export { columnsOfBody, headerOf } from './columns';
export type { SheetTestColumns } from './columns';
export {
  acceptArrowSheetTest,
  arrowSheetTestBody,
  readSheetTestArrow,
  decodeSheetTestArrow,
  encodeSheetTestArrow,
  ARROW_STREAM_MEDIA_TYPE,
  ARROW_FILE_MEDIA_TYPE,
  ARROW_HEADER_KEY,
} from './arrow';
export type { ArrowDecoding, ArrowReading, ArrowSheetTest } from './arrow';
