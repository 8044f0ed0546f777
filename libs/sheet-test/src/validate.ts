/**
 * Validation of the rig ingest body (docs/contracts.md "Rig ingest").
 *
 * Why hand-written loops rather than zod or class-validator: a full sheet is 2,500 cells × 50
 * frequencies × 2 = 250,000 numbers, and ingest must keep up with a raw PostgreSQL COPY. A schema
 * library walks every number through generic machinery: zod allocates a result/issue context per
 * value (closures, refinements, path arrays), class-validator needs class instances
 * (class-transformer copies the whole body first) and runs decorator metadata per element. Both cost
 * tens of milliseconds and megabytes of garbage per sheet; these loops read each number once with a
 * `typeof` and two comparisons and allocate nothing unless something is wrong. Messages and paths are
 * built only for problems that will be listed (at most MAX_PROBLEM_DETAILS), so a 50 MB body of
 * garbage yields a short answer in linear time.
 * `npm run bench -- sheet-test` measures it (docs/CONVENTIONS.md "Errors": the one exception to
 * class-validator for external input, with the trace batch parser of @mes/process).
 *
 * Two steps, so that the service can refuse a bad body before it looks up the sheet:
 * `validateSheetTestBody(body)` checks everything that does not depend on the sheet's grid;
 * `checkGrid(value, grid)` then checks row/col bounds and the cell count. `validateSheetTestBody(body,
 * grid)` does both in one pass.
 *
 * The value handed back is the body object itself (not a copy), typed; a missing `status` stays missing
 * and means OK.
 */
import { gridProblems, type SheetTestColumns } from './columns';
import { parseTimestamp } from './timestamp';
import {
  MAX_ABS_IMPEDANCE_OHM,
  MAX_FREQUENCIES,
  MAX_GRID_INDEX,
  MAX_PROBLEM_DETAILS,
  OCV_MAX_V,
  OCV_MIN_V,
  TEMPERATURE_MAX_C,
  TEMPERATURE_MIN_C,
  TEST_ID_MAX_LENGTH,
  type SheetGrid,
  type SheetTestBody,
  type SheetTestHeader,
  type SheetTestProblem,
  type SheetTestValidation,
} from './types';

const TOP_FIELDS = 'testId, sheet, startedAt, temperatureC, frequenciesHz and cells';
const CELL_FIELDS = 'row, col, status, ocvV, zReOhm and zImOhm';
const TIMESTAMP_EXAMPLE = 'such as 2026-11-22T10:00:00Z or 2026-11-22T11:00:00.250+01:00';

/** Collects problems: counts all of them, keeps the first MAX_PROBLEM_DETAILS. */
class Problems {
  readonly list: SheetTestProblem[] = [];
  total = 0;

  /** Counts one problem; true when it is to be listed (then call `add`, building path and message only then). */
  take(): boolean {
    this.total++;
    return this.total <= MAX_PROBLEM_DETAILS;
  }

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  result(value: unknown): SheetTestValidation {
    if (this.total === 0) return { ok: true, value: value as SheetTestBody };
    const details = this.list;
    if (this.total > details.length) {
      const more = this.total - details.length;
      details.push({ path: '', message: `${more} more problem${more === 1 ? '' : 's'} not listed (only the first ${details.length} are)` });
    }
    return { ok: false, details, problems: this.total };
  }
}

/** A short description of a wrong value for a message; never long, whatever the value. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string': {
      if (v.length === 0) return 'an empty string';
      const shown = v.length > 40 ? `${v.slice(0, 40)}…` : v;
      return `the string ${JSON.stringify(shown)}`;
    }
    case 'number':
      return String(v);
    case 'boolean':
      return String(v);
    case 'object':
      return Array.isArray(v) ? `an array of ${v.length}` : 'an object';
    default:
      return `a ${typeof v}`;
  }
}

function shortKey(k: string): string {
  return k.length > 40 ? `${k.slice(0, 40)}…` : k;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTestIdChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 46 || // .
    c === 95 || // _
    c === 58 || // :
    c === 45 // -
  );
}

function describeChar(s: string, i: number): string {
  const c = s.charCodeAt(i);
  if (c === 32) return 'a space';
  if (c < 32 || c === 127) return `the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(String.fromCodePoint(s.codePointAt(i) ?? c));
}

function checkTestId(v: unknown, p: Problems): void {
  const what = `1 to ${TEST_ID_MAX_LENGTH} characters of A-Z a-z 0-9 . _ : -`;
  const expected = `expected ${what}`;
  if (typeof v !== 'string') {
    if (p.take()) p.add('testId', v === undefined ? `required: ${what}` : `${expected}, got ${describeValue(v)}`);
    return;
  }
  if (v.length === 0 || v.length > TEST_ID_MAX_LENGTH) {
    if (p.take()) p.add('testId', `${expected}, got ${v.length} characters`);
    return;
  }
  for (let i = 0; i < v.length; i++) {
    if (!isTestIdChar(v.charCodeAt(i))) {
      if (p.take()) p.add('testId', `${expected}, got ${describeChar(v, i)} at position ${i + 1}`);
      return;
    }
  }
}

function checkSheet(v: unknown, p: Problems): void {
  if (typeof v === 'string' && v.length > 0) return;
  if (p.take())
    p.add(
      'sheet',
      v === undefined ? 'required: the sheet barcode' : `expected the sheet barcode (a non-empty string), got ${describeValue(v)}`,
    );
}

function checkStartedAt(v: unknown, p: Problems): void {
  if (typeof v === 'string' && parseTimestamp(v) !== null) return;
  if (!p.take()) return;
  if (v === undefined) p.add('startedAt', `required: an ISO-8601 timestamp with zone ${TIMESTAMP_EXAMPLE}`);
  else p.add('startedAt', `expected an ISO-8601 timestamp with zone ${TIMESTAMP_EXAMPLE}, got ${describeValue(v)}`);
}

function checkTemperature(v: unknown, p: Problems): void {
  if (typeof v === 'number' && v >= TEMPERATURE_MIN_C && v <= TEMPERATURE_MAX_C) return;
  if (!p.take()) return;
  const expected = `a number from ${TEMPERATURE_MIN_C} to ${TEMPERATURE_MAX_C} (°C)`;
  p.add('temperatureC', v === undefined ? `required: ${expected}` : `expected ${expected}, got ${describeValue(v)}`);
}

/**
 * Checks `frequenciesHz` and returns how many values every OK cell's spectra must have:
 * 0 when the field is absent (OCV-only test: no spectra allowed), the array's length when it is an
 * array (even a wrong one: cells are still held to it), -1 when it is unusable (then spectra are only
 * checked for being arrays of finite numbers).
 */
function checkFrequencies(v: unknown, p: Problems): number {
  if (v === undefined) return 0;
  if (!Array.isArray(v)) {
    if (p.take())
      p.add(
        'frequenciesHz',
        `expected an array of 1 to ${MAX_FREQUENCIES} distinct positive frequencies (Hz), or no field for an OCV-only test; got ${describeValue(v)}`,
      );
    return -1;
  }
  const n = v.length;
  if (n === 0 || n > MAX_FREQUENCIES) {
    if (p.take())
      p.add(
        'frequenciesHz',
        `expected 1 to ${MAX_FREQUENCIES} frequencies${n === 0 ? ' (leave the field out for an OCV-only test)' : ''}, got ${n}`,
      );
    if (n === 0) return -1;
  }
  let bad = 0;
  let firstBad = -1;
  for (let i = 0; i < n; i++) {
    const f: unknown = v[i];
    // NaN fails both comparisons; so do Infinity and anything not a number
    if (typeof f !== 'number' || !(f > 0 && f < Infinity)) {
      if (bad++ === 0) firstBad = i;
    }
  }
  if (bad > 0) {
    if (p.take())
      p.add(`frequenciesHz[${firstBad}]`, `expected a finite positive number (Hz), got ${describeValue(v[firstBad])}${moreBad(bad)}`);
    return n;
  }
  if (n <= MAX_FREQUENCIES) {
    // at most 200 values: the quadratic scan (≤ 20,000 comparisons) is cheaper than a Set or a sort
    for (let i = 1; i < n; i++) {
      const f = v[i] as number;
      for (let j = 0; j < i; j++) {
        if (v[j] === f) {
          if (p.take())
            p.add(`frequenciesHz[${i}]`, `${f} Hz is given twice (first at frequenciesHz[${j}]); expected distinct frequencies`);
          break;
        }
      }
    }
  }
  return n;
}

function moreBad(bad: number): string {
  return bad > 1 ? ` (and ${bad - 1} more bad value${bad === 2 ? '' : 's'} in this array)` : '';
}

/** One spectrum array of a cell: `n` finite values within float32 range (n = -1: any length). */
function checkSpectrum(v: unknown, n: number, i: number, field: string, p: Problems): void {
  if (!Array.isArray(v)) {
    if (!p.take()) return;
    const what = n > 0 ? `${n} numbers (one per frequency)` : 'numbers';
    if (v === undefined) p.add(`cells[${i}].${field}`, `required for an OK cell: ${what}`);
    else p.add(`cells[${i}].${field}`, `expected an array of ${what}, got ${describeValue(v)}`);
    return;
  }
  const len = v.length;
  if (n >= 0 && len !== n) {
    if (p.take()) p.add(`cells[${i}].${field}`, `expected ${n} value${n === 1 ? '' : 's'}, got ${len}`);
  }
  let bad = 0;
  let firstBad = -1;
  for (let j = 0; j < len; j++) {
    const z: unknown = v[j];
    if (typeof z !== 'number' || !(z <= MAX_ABS_IMPEDANCE_OHM && z >= -MAX_ABS_IMPEDANCE_OHM)) {
      if (bad++ === 0) firstBad = j;
    }
  }
  if (bad > 0 && p.take()) {
    const z: unknown = v[firstBad];
    const why = typeof z === 'number' && Number.isFinite(z) ? ' (beyond float32 range, ±3.4e38 Ω)' : '';
    p.add(`cells[${i}].${field}[${firstBad}]`, `expected a finite number (Ω), got ${describeValue(z)}${why}${moreBad(bad)}`);
  }
}

function checkIndex(v: unknown, i: number, field: 'row' | 'col', max: number, p: Problems): boolean {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return true;
  if (p.take()) {
    p.add(
      `cells[${i}].${field}`,
      v === undefined ? `required: an integer from 0 to ${max}` : `expected an integer from 0 to ${max}, got ${describeValue(v)}`,
    );
  }
  return false;
}

function checkGridArgument(grid: SheetGrid): void {
  const { rows, cols } = grid;
  if (
    !Number.isInteger(rows) ||
    !Number.isInteger(cols) ||
    rows < 1 ||
    cols < 1 ||
    rows > MAX_GRID_INDEX + 1 ||
    cols > MAX_GRID_INDEX + 1
  ) {
    throw new RangeError(`a sheet grid has 1 to ${MAX_GRID_INDEX + 1} rows and cols, got ${rows} x ${cols}`);
  }
}

function checkCellCount(count: number, grid: SheetGrid, p: Problems): void {
  const max = grid.rows * grid.cols;
  if (count > max && p.take()) p.add('cells', `expected 1 to ${max} cells (the sheet is a ${grid.rows} x ${grid.cols} grid), got ${count}`);
}

/**
 * (row, col) → first cell index, for duplicate detection before the grid is known: open addressing
 * over two Int32Arrays (a Map of 2,500 numbers costs about as much as all other cell checks together).
 */
class CellKeySet {
  private readonly keys: Int32Array;
  private readonly firstIndex: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(count: number) {
    let bits = 4;
    while (1 << bits < 2 * count && bits < 30) bits++;
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.firstIndex = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  /** The index first given for `key` (0 ≤ key < 2^30), or -1 after recording `index` for it. */
  firstOrAdd(key: number, index: number): number {
    let slot = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const k = this.keys[slot];
      if (k === -1) {
        this.keys[slot] = key;
        this.firstIndex[slot] = index;
        return -1;
      }
      if (k === key) return this.firstIndex[slot];
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * Checks the cells array: every cell's fields, duplicates, and (with a grid) bounds. Duplicates are
 * found through a grid-sized Int32Array when the grid is known, else through a CellKeySet.
 */
function checkCells(v: unknown, n: number, grid: SheetGrid | undefined, p: Problems): void {
  if (!Array.isArray(v)) {
    if (p.take())
      p.add(
        'cells',
        v === undefined ? 'required: an array of 1 or more cells' : `expected an array of 1 or more cells, got ${describeValue(v)}`,
      );
    return;
  }
  const count = v.length;
  if (count === 0) {
    if (p.take()) p.add('cells', 'expected 1 or more cells, got 0');
    return;
  }
  if (grid) checkCellCount(count, grid, p);
  const maxRow = grid ? grid.rows - 1 : MAX_GRID_INDEX;
  const maxCol = grid ? grid.cols - 1 : MAX_GRID_INDEX;
  const gridCols = grid ? grid.cols : 0;
  // first index + 1 of each (row, col); 0 = not seen
  const seenInGrid = grid ? new Int32Array(grid.rows * grid.cols) : null;
  const seenByKey = grid ? null : new CellKeySet(count);

  for (let i = 0; i < count; i++) {
    const c: unknown = v[i];
    if (!isPlainObject(c)) {
      if (p.take()) p.add(`cells[${i}]`, `expected an object with ${CELL_FIELDS}, got ${describeValue(c)}`);
      continue;
    }
    for (const k in c) {
      switch (k) {
        case 'row':
        case 'col':
        case 'status':
        case 'ocvV':
        case 'zReOhm':
        case 'zImOhm':
          break;
        default:
          if (p.take()) p.add(`cells[${i}].${shortKey(k)}`, `unknown field; a cell has only ${CELL_FIELDS}`);
      }
    }
    const row = c.row;
    const col = c.col;
    const rowOk = checkIndex(row, i, 'row', maxRow, p);
    const colOk = checkIndex(col, i, 'col', maxCol, p);
    if (rowOk && colOk) {
      const r = row as number;
      const k = col as number;
      let first: number;
      if (seenInGrid) {
        const at = r * gridCols + k;
        first = seenInGrid[at] - 1;
        if (first < 0) seenInGrid[at] = i + 1;
      } else {
        first = (seenByKey as CellKeySet).firstOrAdd(r * (MAX_GRID_INDEX + 1) + k, i);
      }
      if (first >= 0 && p.take())
        p.add(`cells[${i}]`, `(row ${r}, col ${k}) is given twice (first at cells[${first}]); expected each cell once`);
    }

    const status = c.status;
    if (status === 'NO_CONTACT') {
      if (c.ocvV !== undefined && p.take()) p.add(`cells[${i}].ocvV`, 'not allowed for a NO_CONTACT cell (it carries no values)');
      if (c.zReOhm !== undefined && p.take()) p.add(`cells[${i}].zReOhm`, 'not allowed for a NO_CONTACT cell (it carries no values)');
      if (c.zImOhm !== undefined && p.take()) p.add(`cells[${i}].zImOhm`, 'not allowed for a NO_CONTACT cell (it carries no values)');
      continue;
    }
    if (status !== undefined && status !== 'OK') {
      // the cell's values cannot be judged without knowing what it is
      if (p.take()) p.add(`cells[${i}].status`, `expected "OK" (the default) or "NO_CONTACT", got ${describeValue(status)}`);
      continue;
    }
    const ocv = c.ocvV;
    if (!(typeof ocv === 'number' && ocv >= OCV_MIN_V && ocv <= OCV_MAX_V) && p.take()) {
      const expected = `a number from ${OCV_MIN_V} to ${OCV_MAX_V} (V)`;
      p.add(
        `cells[${i}].ocvV`,
        ocv === undefined ? `required for an OK cell: ${expected}` : `expected ${expected}, got ${describeValue(ocv)}`,
      );
    }
    if (n === 0) {
      const why = 'not allowed: the test has no frequenciesHz (an OCV-only test)';
      if (c.zReOhm !== undefined && p.take()) p.add(`cells[${i}].zReOhm`, why);
      if (c.zImOhm !== undefined && p.take()) p.add(`cells[${i}].zImOhm`, why);
    } else {
      checkSpectrum(c.zReOhm, n, i, 'zReOhm', p);
      checkSpectrum(c.zImOhm, n, i, 'zImOhm', p);
    }
  }
}

/**
 * Checks a parsed JSON body against every rule of the rig ingest contract. Without `grid`, row and col
 * need only be integers from 0 to MAX_GRID_INDEX and distinct; call `checkGrid` once the sheet is known.
 */
export function validateSheetTestBody(body: unknown, grid?: SheetGrid): SheetTestValidation {
  if (grid) checkGridArgument(grid);
  const p = new Problems();
  if (!isPlainObject(body)) {
    p.take();
    p.add('', `expected a JSON object with ${TOP_FIELDS}, got ${describeValue(body)}`);
    return p.result(body);
  }
  const n = checkHeader(body, true, p);
  checkCells(body.cells, n, grid, p);
  return p.result(body);
}

/** The top-level fields but the cells; returns what checkFrequencies returns. */
function checkHeader(body: Record<string, unknown>, withCells: boolean, p: Problems): number {
  for (const k in body) {
    switch (k) {
      case 'testId':
      case 'sheet':
      case 'startedAt':
      case 'temperatureC':
      case 'frequenciesHz':
        break;
      default:
        // a header (a test sent in columns) has no cells field
        if ((k !== 'cells' || !withCells) && p.take()) p.add(shortKey(k), `unknown field; the body has only ${TOP_FIELDS}`);
    }
  }
  checkTestId(body.testId, p);
  checkSheet(body.sheet, p);
  checkStartedAt(body.startedAt, p);
  checkTemperature(body.temperatureC, p);
  return checkFrequencies(body.frequenciesHz, p);
}

/**
 * The header of a test sent in columns (the body without `cells`), by the same rules as the body's;
 * `points` is the spectrum length every OK cell must have (0: an OCV-only test).
 */
export function validateSheetTestHeader(
  header: unknown,
): { ok: true; value: SheetTestHeader; points: number } | { ok: false; details: SheetTestProblem[]; problems: number } {
  const p = new Problems();
  if (!isPlainObject(header)) {
    p.take();
    p.add('', `expected a JSON object with ${TOP_FIELDS.replace(' and cells', '')}, got ${describeValue(header)}`);
  } else {
    const points = checkHeader(header, false, p);
    if (p.total === 0) return { ok: true, value: header as unknown as SheetTestHeader, points };
  }
  const r = p.result(header);
  return r.ok ? { ok: false, details: [], problems: 0 } : r;
}

/**
 * The grid-dependent rules for a body that `validateSheetTestBody` accepted: every (row, col) inside
 * the sheet's `rows x cols` grid, and at most rows x cols cells (with distinct cells, the second follows
 * from the first; it is reported on its own because it is the clearer message).
 */
export function checkGrid(value: SheetTestBody, grid: SheetGrid): SheetTestValidation {
  const cells = value.cells;
  const columns = { count: cells.length, rows: Int16Array.from(cells, (c) => c.row), cols: Int16Array.from(cells, (c) => c.col) };
  const r = checkGridColumns(columns, grid);
  return r.ok ? { ok: true, value } : r;
}

/** checkGrid of a test's columns (same rules, same messages). */
export function checkGridColumns(
  columns: Pick<SheetTestColumns, 'count' | 'rows' | 'cols'>,
  grid: SheetGrid,
): { ok: true } | { ok: false; details: SheetTestProblem[]; problems: number } {
  checkGridArgument(grid);
  const p = new Problems();
  const { countOver, outside } = gridProblems(columns, grid);
  if (countOver) checkCellCount(columns.count, grid, p);
  for (const o of outside) if (p.take()) p.add(`cells[${o.index}].${o.field}`, `expected an integer from 0 to ${o.max}, got ${o.value}`);
  const r = p.result(null);
  return r.ok ? { ok: true } : r;
}

/** One line for `DomainError`'s message: the first problem and how many there are. */
export function validationMessage(details: readonly SheetTestProblem[], problems = details.length): string {
  if (details.length === 0) return 'the sheet test body is valid';
  const first = details[0];
  const where = first.path === '' ? '' : `${first.path}: `;
  const rest = problems > 1 ? ` (and ${problems - 1} more problem${problems === 2 ? '' : 's'}, see details)` : '';
  return `invalid sheet test: ${where}${first.message}${rest}`;
}
