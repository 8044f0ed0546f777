/**
 * The body of `POST /api/v1/sheet-tests` (docs/contracts.md "Rig ingest") and the limits the
 * validator holds it to. Limits that the contract leaves open are chosen here and documented.
 */

export type CellStatus = 'OK' | 'NO_CONTACT';

/** A measured cell. `status` may be left out (it defaults to OK). */
export interface OkCell {
  row: number;
  col: number;
  status?: 'OK';
  /** Open-circuit voltage, V; required for an OK cell (see README.md). */
  ocvV: number;
  /** Present exactly when the test has `frequenciesHz`; one value per frequency. */
  zReOhm?: number[];
  zImOhm?: number[];
}

/** The rig could not contact the cell: no values at all (soft bin 0). */
export interface NoContactCell {
  row: number;
  col: number;
  status: 'NO_CONTACT';
}

export type SheetTestCell = OkCell | NoContactCell;

export interface SheetTestBody {
  testId: string;
  sheet: string;
  startedAt: string;
  temperatureC: number;
  /** Absent for an OCV-only test. */
  frequenciesHz?: number[];
  cells: SheetTestCell[];
}

/** The body without its cells: what a test sent in columns (an Arrow stream) carries as its header. */
export type SheetTestHeader = Omit<SheetTestBody, 'cells'>;

export interface SheetGrid {
  rows: number;
  cols: number;
}

/** One problem, in the `{ path, message }` shape of `DomainError` details (@mes/service-core). */
export interface SheetTestProblem {
  path: string;
  message: string;
}

export type SheetTestValidation =
  | { ok: true; value: SheetTestBody }
  | {
      ok: false;
      /** At most MAX_PROBLEM_DETAILS problems, then one summary entry (path '') when there were more. */
      details: SheetTestProblem[];
      /** How many problems were found in all (listed or not). */
      problems: number;
    };

export const TEST_ID_MAX_LENGTH = 64;
/** The rig's chamber range; the contract only says "finite". Wider than any real test, narrow enough to catch K/°F mix-ups. */
export const TEMPERATURE_MIN_C = -40;
export const TEMPERATURE_MAX_C = 150;
export const MAX_FREQUENCIES = 200;
export const OCV_MIN_V = -1;
export const OCV_MAX_V = 6;
/**
 * Largest row or col index accepted before the sheet's grid is known (rows and cols are stored as
 * int2 / Int16Array). Every real sheet is far smaller; the grid check then applies the real bounds.
 */
export const MAX_GRID_INDEX = 32767;
/**
 * Largest impedance magnitude accepted: spectra are stored as float32 (see encoding.ts), and a finite
 * double beyond float32's range would be stored as Infinity. Real cells stay below 1e12 Ω.
 */
export const MAX_ABS_IMPEDANCE_OHM = 3.4028234663852886e38;
/** Problems listed in a refusal before the rest are only counted. */
export const MAX_PROBLEM_DETAILS = 50;

/** Codes of `EncodedSheetCells.status`. */
export const CELL_STATUS_CODE = { OK: 0, NO_CONTACT: 1 } as const satisfies Record<CellStatus, number>;
export const CELL_STATUS_BY_CODE: readonly CellStatus[] = ['OK', 'NO_CONTACT'];
