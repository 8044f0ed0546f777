/**
 * @mes/interop: the formats other tools read and write. STDF V4 (yield management), SEMI E142
 * substrate maps (pickers), lab potentiostat impedance files. Plain TypeScript; see README.md here.
 */
export { writeStdf, StdfWriter, PART_FLG, TEST_FLG, PARM_FLG, OPT_FLAG } from './stdf/stdf-writer';
export type { StdfSheetTest, StdfLot, StdfWafer, StdfCell, StdfBin, StdfHardBin, StdfParametricTest } from './stdf/stdf-writer';
export { STDF_PARAMETERS, ruleSetLimits, stdfParametricTests } from './stdf/sheet-test-stdf';
export { writeE142, readE142, readPickResult, E142FormatError, E142_NAMESPACE, E142_NULL_BIN } from './e142/e142';
export type { E142Map, E142BinDefinition, PickedCell } from './e142/e142';
/** For tests only: an STDF reader written from the specification, sharing no code with writeStdf. */
export { readStdfRecords, stdfParts } from './testing/stdf-reader';
export type { StdfRecord, StdfPart } from './testing/stdf-reader';
export {
  parseImpedanceFile,
  detectImpedanceFormat,
  parseGamryDta,
  parseBiologicMpt,
  parseZplotZ,
  parseAutolabTxt,
  parseVersaStudioPar,
  parseParstatTxt,
  parsePowerSuiteTxt,
  parseChiTxt,
  parsePlainCsv,
  ImpedanceFileError,
  IMPEDANCE_FORMATS,
} from './instruments/impedance-file';
export type { ImpedanceFormat, LabSpectrum } from './instruments/impedance-file';
export * as impedanceFixtures from './instruments/impedance-fixtures';
export { labSheetTestBody, MAX_FREQUENCIES } from './instruments/lab-sheet-test';
export type { LabCellMeasurement } from './instruments/lab-sheet-test';
