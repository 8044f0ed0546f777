/**
 * The binary form of a rig's sheet test: an Apache Arrow IPC stream (or file), for rigs that hold
 * their measurements in columns already (pyarrow, Arrow C++, arrow-rs, MATLAB, the Arrow C data
 * interface from LabVIEW or C#). Arrow was chosen over Protocol Buffers, MessagePack or a format of
 * our own because it is columnar (a spectrum column is one float array, not 2,500 small messages),
 * self-describing (types and lengths are in the schema), and kept by the Apache Software Foundation
 * with libraries in every language a rig is written in.
 *
 * The contract (docs/contracts.md "Rig ingest", binary body), in short:
 * - schema metadata `mes.sheetTest`: the JSON body's header as a JSON object (testId, sheet,
 *   startedAt, temperatureC, frequenciesHz when the test measured spectra), without `cells`;
 * - one row per cell, in one or more record batches: `row` and `col` (integer types), `status`
 *   (optional; utf8 or dictionary of utf8; null or absent means OK), `ocvV` (float; null for a
 *   NO_CONTACT cell), `zReOhm` and `zImOhm` (fixed-size lists of float32 or float64 with one value per
 *   frequency; null for a NO_CONTACT cell; absent for an OCV-only test).
 *
 * A stream is read into columns (readSheetTestArrow) and judged column by column by the JSON body's
 * rules (acceptArrowSheetTest, which lets the JSON validator decide whenever it is unsure); the hash
 * and the stored encoding are taken from the same column form as a JSON body's (columns.ts). So a test
 * means the same whichever form it came in: the same errors at the same `cells[i]` paths (i is the
 * row of the stream), and the same content hash for the same values (float32 values enter the hash
 * as the doubles they are, so a re-post with float64 columns of the float32-rounded values is "the
 * same content").
 */
import {
  DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
  type Data,
  type Float,
  type Vector,
} from 'apache-arrow';
import { columnsOfBody, headerOf, type SheetTestColumns } from './columns';
import {
  CELL_STATUS_CODE,
  MAX_ABS_IMPEDANCE_OHM,
  MAX_GRID_INDEX,
  MAX_PROBLEM_DETAILS,
  OCV_MAX_V,
  OCV_MIN_V,
  type SheetTestBody,
  type SheetTestHeader,
  type SheetTestProblem,
} from './types';
import { validateSheetTestBody, validateSheetTestHeader } from './validate';

/** The IANA media types of the Arrow IPC stream and file formats. */
export const ARROW_STREAM_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';
export const ARROW_FILE_MEDIA_TYPE = 'application/vnd.apache.arrow.file';
/** The schema metadata key that holds the header. */
export const ARROW_HEADER_KEY = 'mes.sheetTest';

/** The cells of an Arrow stream as it sent them (unvalidated), in columns that can cross threads. */
export interface ArrowSheetTest {
  /** The header object from the schema metadata (unvalidated, but an object without `cells`). */
  header: Record<string, unknown>;
  count: number;
  /** The list size of zReOhm and zImOhm: the header's frequency count (0: no spectrum columns). */
  points: number;
  /** As sent (integer columns; 64-bit ones as the nearest double). */
  rows: Float64Array;
  cols: Float64Array;
  /** The status column's strings (null where null), or null when there is no such column. */
  status: (string | null)[] | null;
  ocv: Float64Array;
  /** 1 where ocvV is not null. */
  ocvValid: Uint8Array;
  /** count × points values; meaningless where the row's list is null. */
  zRe: Float64Array;
  zIm: Float64Array;
  /** 1 where the row's list is not null. */
  reValid: Uint8Array;
  imValid: Uint8Array;
}

export type ArrowReading = { ok: true; test: ArrowSheetTest } | { ok: false; details: SheetTestProblem[]; problems: number };
export type ArrowDecoding = { ok: true; body: Record<string, unknown> } | { ok: false; details: SheetTestProblem[]; problems: number };

const COLUMNS = ['row', 'col', 'status', 'ocvV', 'zReOhm', 'zImOhm'] as const;

/**
 * The columns of an Arrow IPC body, checked for the contract's shape only (header present, columns
 * of the right types, spectra as long as the frequency list, no null points inside a spectrum); the
 * values are judged by acceptArrowSheetTest. Refuses with a path per problem.
 */
export function readSheetTestArrow(bytes: Uint8Array): ArrowReading {
  const problems: SheetTestProblem[] = [];
  const refuse = (path: string, message: string): ArrowReading => ({ ok: false, details: [{ path, message }], problems: 1 });
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    return refuse('', `not a complete Arrow IPC stream or file: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (table.schema.fields.length === 0) return refuse('', 'not an Arrow IPC stream or file: no schema with columns was found in the body');

  const headerJson = table.schema.metadata.get(ARROW_HEADER_KEY);
  if (headerJson === undefined)
    return refuse(
      `schema.metadata.${ARROW_HEADER_KEY}`,
      'missing: expected the header (testId, sheet, startedAt, temperatureC, frequenciesHz) as a JSON object',
    );
  let header: unknown;
  try {
    header = JSON.parse(headerJson);
  } catch (e) {
    return refuse(`schema.metadata.${ARROW_HEADER_KEY}`, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return refuse(
      `schema.metadata.${ARROW_HEADER_KEY}`,
      'expected a JSON object with testId, sheet, startedAt, temperatureC and frequenciesHz',
    );
  if ('cells' in header) return refuse(`schema.metadata.${ARROW_HEADER_KEY}.cells`, 'not allowed: the cells are the rows of the stream');

  const schemaFields = new Map(table.schema.fields.map((f) => [f.name, f.type as DataType]));
  for (const name of schemaFields.keys())
    if (!(COLUMNS as readonly string[]).includes(name))
      problems.push({ path: `columns.${name}`, message: `unknown column: expected ${COLUMNS.join(', ')}` });
  const need = (name: string, ok: (t: DataType) => boolean, expected: string, required: boolean) => {
    const t = schemaFields.get(name);
    if (t === undefined) {
      if (required) problems.push({ path: `columns.${name}`, message: `missing: expected a column of ${expected}` });
    } else if (!ok(t)) problems.push({ path: `columns.${name}`, message: `expected ${expected}, got ${String(t)}` });
  };
  const isText = (t: DataType) =>
    DataType.isUtf8(t) || DataType.isLargeUtf8(t) || (DataType.isDictionary(t) && DataType.isUtf8(t.dictionary));
  const frequencies = (header as { frequenciesHz?: unknown }).frequenciesHz;
  const points = Array.isArray(frequencies) ? frequencies.length : 0;
  const isSpectrum = (t: DataType) => DataType.isFixedSizeList(t) && DataType.isFloat(t.children[0].type) && t.listSize === points;
  const spectrumType = `fixed-size lists of ${points} float32 or float64 values (one per frequency of the header)`;
  need('row', DataType.isInt, 'integers', true);
  need('col', DataType.isInt, 'integers', true);
  need('status', isText, 'utf8 strings ("OK" or "NO_CONTACT")', false);
  need('ocvV', DataType.isFloat, 'floats (V)', true);
  need('zReOhm', isSpectrum, spectrumType, points > 0);
  need('zImOhm', isSpectrum, spectrumType, points > 0);
  if (points === 0 && (schemaFields.has('zReOhm') || schemaFields.has('zImOhm')) && problems.length === 0)
    problems.push({ path: 'columns.zReOhm', message: 'spectra were sent but the header has no frequenciesHz' });
  if (problems.length) return { ok: false, details: problems.slice(0, MAX_PROBLEM_DETAILS), problems: problems.length };

  const count = table.numRows;
  const out: ArrowSheetTest = {
    header: header as Record<string, unknown>,
    count,
    points,
    rows: new Float64Array(count),
    cols: new Float64Array(count),
    status: schemaFields.has('status') ? new Array<string | null>(count) : null,
    ocv: new Float64Array(count),
    ocvValid: new Uint8Array(count),
    zRe: new Float64Array(count * points),
    zIm: new Float64Array(count * points),
    reValid: new Uint8Array(count),
    imValid: new Uint8Array(count),
  };
  let at = 0;
  for (const batch of table.batches) {
    const n = batch.numRows;
    copyNumbers(batch.getChild('row') as Vector, out.rows, at);
    copyNumbers(batch.getChild('col') as Vector, out.cols, at);
    const ocv = batch.getChild('ocvV') as Vector;
    copyNumbers(ocv, out.ocv, at);
    for (let i = 0; i < n; i++) out.ocvValid[at + i] = ocv.isValid(i) ? 1 : 0;
    const status = batch.getChild('status') as Vector | null;
    if (status && out.status) for (let i = 0; i < n; i++) out.status[at + i] = (status.get(i) as string | null) ?? null;
    for (const [name, values, valid] of [
      ['zReOhm', out.zRe, out.reValid],
      ['zImOhm', out.zIm, out.imValid],
    ] as const) {
      if (!points) continue;
      const list = batch.getChild(name) as Vector;
      const data = list.data[0] as Data;
      const child = data.children[0];
      for (let i = 0; i < n; i++) valid[at + i] = list.isValid(i) ? 1 : 0;
      // Writers may mark the points of a null list null too (a NO_CONTACT cell): only a listed spectrum counts.
      if (child.nullCount > 0)
        for (let i = 0; i < n; i++) {
          if (!valid[at + i]) continue;
          for (let j = (data.offset + i) * points; j < (data.offset + i + 1) * points; j++)
            if (!child.getValid(j))
              return refuse(
                `columns.${name}`,
                `null point in the spectrum of row ${at + i}: an OK cell has a value at every frequency (a NO_CONTACT cell has a null list instead)`,
              );
        }
      const flat = child.values as Float32Array | Float64Array;
      const from = child.offset + data.offset * points;
      values.set(flat.subarray(from, from + n * points), at * points);
    }
    at += n;
  }
  return { ok: true, test: out };
}

/** A numeric column of one batch into `into` at `at` (64-bit integers as the nearest double). */
function copyNumbers(v: Vector, into: Float64Array, at: number): void {
  const values = v.toArray() as ArrayLike<number | bigint>;
  for (let i = 0; i < v.length; i++) into[at + i] = Number(values[i]);
}

/** The JSON body an Arrow stream stands for (unvalidated: for validateSheetTestBody). */
export function arrowSheetTestBody(t: ArrowSheetTest): Record<string, unknown> {
  const cells: Record<string, unknown>[] = new Array(t.count);
  const p = t.points;
  for (let i = 0; i < t.count; i++) {
    const cell: Record<string, unknown> = { row: t.rows[i], col: t.cols[i] };
    const s = t.status?.[i];
    if (s !== null && s !== undefined) cell.status = s;
    if (t.ocvValid[i]) cell.ocvV = t.ocv[i];
    if (p && t.reValid[i]) cell.zReOhm = Array.from(t.zRe.subarray(i * p, (i + 1) * p));
    if (p && t.imValid[i]) cell.zImOhm = Array.from(t.zIm.subarray(i * p, (i + 1) * p));
    cells[i] = cell;
  }
  return { ...t.header, cells };
}

/** readSheetTestArrow, then the JSON body it stands for: the plain path, one object per cell. */
export function decodeSheetTestArrow(bytes: Uint8Array): ArrowDecoding {
  const r = readSheetTestArrow(bytes);
  return r.ok ? { ok: true, body: arrowSheetTestBody(r.test) } : r;
}

/**
 * The header and columns of an Arrow test whose values all pass the JSON body's rules, checked
 * column by column without an object per cell. The check is at least as strict as
 * validateSheetTestBody: whenever it is unsure (any value out of place), the body is made and the
 * JSON validator decides, so a refusal has exactly the JSON body's problems and paths (and a body it
 * would take is taken). The columns are `t`'s own arrays, with the NO_CONTACT cells' slots set to NaN.
 */
export function acceptArrowSheetTest(
  t: ArrowSheetTest,
): { ok: true; header: SheetTestHeader; columns: SheetTestColumns } | { ok: false; details: SheetTestProblem[]; problems: number } {
  const header = validateSheetTestHeader(t.header);
  const fast = header.ok && header.points === t.points ? fastColumns(t) : null;
  if (header.ok && fast) return { ok: true, header: header.value, columns: fast };
  const body = arrowSheetTestBody(t);
  const checked = validateSheetTestBody(body);
  if (!checked.ok) return checked;
  return { ok: true, header: headerOf(checked.value), columns: columnsOfBody(checked.value) };
}

/**
 * The columns when every value passes, else null. Sets the value slots of NO_CONTACT cells to NaN in
 * t's arrays as it goes: those slots hold no value (null ocvV, null lists), so a body made from t
 * afterwards is the same.
 */
function fastColumns(t: ArrowSheetTest): SheetTestColumns | null {
  const { count, points, rows, cols, ocv, zRe, zIm } = t;
  if (count < 1) return null;
  const seen = new Set<number>();
  const status = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const r = rows[i];
    const c = cols[i];
    if (!(Number.isInteger(r) && Number.isInteger(c) && r >= 0 && c >= 0 && r <= MAX_GRID_INDEX && c <= MAX_GRID_INDEX)) return null;
    const key = r * (MAX_GRID_INDEX + 1) + c;
    if (seen.has(key)) return null;
    seen.add(key);
    const s = t.status?.[i] ?? null;
    const lists = points > 0 ? t.reValid[i] + t.imValid[i] : 0;
    if (s === 'NO_CONTACT') {
      if (t.ocvValid[i] || lists) return null;
      status[i] = CELL_STATUS_CODE.NO_CONTACT;
      ocv[i] = NaN;
      zRe.fill(NaN, i * points, (i + 1) * points);
      zIm.fill(NaN, i * points, (i + 1) * points);
      continue;
    }
    if (s !== null && s !== 'OK') return null;
    if (!t.ocvValid[i] || !(ocv[i] >= OCV_MIN_V && ocv[i] <= OCV_MAX_V)) return null;
    if (points > 0) {
      if (lists !== 2) return null;
      for (let j = i * points; j < (i + 1) * points; j++) {
        const a = zRe[j];
        const b = zIm[j];
        if (!(a <= MAX_ABS_IMPEDANCE_OHM && a >= -MAX_ABS_IMPEDANCE_OHM && b <= MAX_ABS_IMPEDANCE_OHM && b >= -MAX_ABS_IMPEDANCE_OHM))
          return null;
      }
    }
  }
  return { count, points, rows: Int16Array.from(rows), cols: Int16Array.from(cols), status, ocv, zRe, zIm };
}

/**
 * A sheet test as an Arrow IPC stream of the contract's shape (for rigs written in TypeScript, the
 * simulator, tests and benches). `spectra` chooses the float type of zReOhm and zImOhm: float32 is
 * what the MES stores (half the bytes on the wire), float64 what a rig measured.
 */
export function encodeSheetTestArrow(body: SheetTestBody, options: { spectra?: 'float32' | 'float64' } = {}): Uint8Array {
  const { cells, ...header } = body;
  const n = cells.length;
  const points = body.frequenciesHz?.length ?? 0;
  const rows = new Int16Array(n);
  const cols = new Int16Array(n);
  const ocv = new Float64Array(n);
  const ocvValid = new Uint8Array(Math.ceil(n / 8));
  const status = new Array<string | null>(n);
  const float: Float = options.spectra === 'float64' ? new Float64() : new Float32();
  const values = () => (options.spectra === 'float64' ? new Float64Array(n * points) : new Float32Array(n * points));
  const re = values();
  const im = values();
  const listValid = new Uint8Array(Math.ceil(n / 8));
  let noContact = 0;
  let statusGiven = false;
  for (let i = 0; i < n; i++) {
    const c = cells[i];
    rows[i] = c.row;
    cols[i] = c.col;
    status[i] = (c.status as string | undefined) ?? null;
    if (status[i] !== null && status[i] !== 'OK') statusGiven = true;
    if (c.status === 'NO_CONTACT') {
      noContact++;
      continue;
    }
    ocv[i] = c.ocvV;
    ocvValid[i >> 3] |= 1 << (i & 7);
    if (points && c.zReOhm && c.zImOhm) {
      re.set(c.zReOhm, i * points);
      im.set(c.zImOhm, i * points);
      listValid[i >> 3] |= 1 << (i & 7);
    }
  }
  const fields: Field[] = [new Field('row', new Int16(), false), new Field('col', new Int16(), false)];
  const columns: Data[] = [makeVector(rows).data[0], makeVector(cols).data[0]];
  if (statusGiven) {
    fields.push(new Field('status', new Utf8(), true));
    columns.push(vectorFromArray(status, new Utf8()).data[0]);
  }
  fields.push(new Field('ocvV', new Float64(), true));
  columns.push(makeData({ type: new Float64(), length: n, nullCount: noContact, data: ocv, nullBitmap: ocvValid }));
  if (points) {
    const listType = new FixedSizeList<Float>(points, new Field('item', float, false));
    const nulls = n - cells.filter((c) => c.status !== 'NO_CONTACT' && c.zReOhm).length;
    for (const [name, data] of [
      ['zReOhm', re],
      ['zImOhm', im],
    ] as const) {
      fields.push(new Field(name, listType, true));
      const child = makeData({ type: float, length: n * points, nullCount: 0, data });
      columns.push(makeData({ type: listType, length: n, nullCount: nulls, nullBitmap: listValid, child }));
    }
  }
  const schema = new Schema(fields, new Map([[ARROW_HEADER_KEY, JSON.stringify(header)]]));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children: columns }));
  return tableToIPC(new Table(schema, batch), 'stream');
}
