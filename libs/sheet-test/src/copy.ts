/**
 * The cells of one sheet test as the data of one PostgreSQL `COPY ... FROM STDIN`, in text or binary
 * format, so the service stores a whole sheet in one statement (all cells or none, inside its
 * transaction).
 *
 * Columns of every row, in this order: the `leading` values (the same on every row, e.g. the sheet
 * test's id), then `row`, `col`, `status`, `ocv_v`, `spectrum`:
 *
 *     COPY test_data.cell_measurement (sheet_test_id, row, col, status, ocv_v, spectrum) FROM STDIN
 *     COPY ... FROM STDIN WITH (FORMAT binary)
 *
 * - text format: tab-separated lines; `\N` for null; the spectrum as bytea hex `\\x...` (the backslash
 *   doubled because COPY text treats it as an escape). Column types are free (anything that parses
 *   the text): int2/int4 for row/col, text or an enum for status, float8 or numeric for ocv_v.
 * - binary format: PostgreSQL's binary COPY stream. The column types must be exactly int2, int2, text
 *   (or an enum: its binary form is the label), float8, bytea; leading columns as declared in
 *   `CopyLeadingValue`.
 *
 * ocv_v is null for NO_CONTACT cells; spectrum is null for NO_CONTACT cells and OCV-only tests. The
 * spectrum bytes are `encodeSpectrum`'s (float32 LE, zRe half then zIm half).
 * Measured (tools/bench/sheet-test.bench.ts): see the README of this library.
 */
import type { EncodedSheetCells } from './encoding';
import { CELL_STATUS_BY_CODE } from './types';

/** A leading column value: null, or a typed value (the type matters for the binary format only). */
export type CopyLeadingValue =
  | null
  | { type: 'text'; value: string }
  | { type: 'uuid'; value: string }
  | { type: 'int4'; value: number }
  | { type: 'int8'; value: number | bigint }
  | { type: 'float8'; value: number }
  | { type: 'timestamptz'; value: Date };

/** PostgreSQL's timestamp epoch (2000-01-01 UTC) in Unix milliseconds: binary timestamps count microseconds from it. */
const PG_EPOCH_MS = 946_684_800_000;

function validTime(d: Date): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('a timestamptz column value must be a valid Date');
  return ms;
}

/** Escapes a value for COPY text format: backslash, and the characters that end a field or a row. */
export function copyTextEscape(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c === 92) rep = '\\\\';
    else if (c === 9) rep = '\\t';
    else if (c === 10) rep = '\\n';
    else if (c === 13) rep = '\\r';
    if (rep !== null) {
      out += s.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}

function leadingText(v: CopyLeadingValue): string {
  if (v === null) return '\\N';
  switch (v.type) {
    case 'text':
    case 'uuid':
      return copyTextEscape(v.value);
    case 'int4':
    case 'int8':
    case 'float8':
      if (typeof v.value === 'number' && !Number.isFinite(v.value))
        throw new RangeError(`a ${v.type} column value must be finite, got ${v.value}`);
      return String(v.value);
    case 'timestamptz':
      return new Date(validTime(v.value)).toISOString();
  }
}

/**
 * The COPY text-format data for every cell: one line per cell, each ending in `\n` (no `\.` end
 * marker: with `FROM STDIN` over the protocol the end of the data is the end of the stream).
 */
export function copyRowsText(encoded: EncodedSheetCells, leading: readonly CopyLeadingValue[] = []): string {
  let prefix = '';
  for (const v of leading) prefix += `${leadingText(v)}\t`;
  const labels = CELL_STATUS_BY_CODE;
  // one hex string for the whole sheet; each cell's part is a cheap slice of it
  const hex = encoded.points > 0 ? encoded.spectra.toString('hex') : '';
  const hexPerCell = 16 * encoded.points;
  const lines = new Array<string>(encoded.count);
  for (let i = 0; i < encoded.count; i++) {
    const ok = encoded.status[i] === 0;
    const ocv = ok ? String(encoded.ocv[i]) : '\\N';
    const spectrum = ok && hexPerCell > 0 ? `\\\\x${hex.slice(i * hexPerCell, (i + 1) * hexPerCell)}` : '\\N';
    lines[i] = `${prefix}${encoded.rows[i]}\t${encoded.cols[i]}\t${labels[encoded.status[i]]}\t${ocv}\t${spectrum}\n`;
  }
  return lines.join('');
}

const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

function leadingBinary(v: CopyLeadingValue): Buffer {
  if (v === null) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(-1, 0);
    return b;
  }
  let data: Buffer;
  switch (v.type) {
    case 'text':
      data = Buffer.from(v.value, 'utf8');
      break;
    case 'uuid': {
      const h = v.value.replace(/-/g, '');
      if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new RangeError(`expected a uuid, got ${JSON.stringify(v.value)}`);
      data = Buffer.from(h, 'hex');
      break;
    }
    case 'int4':
      data = Buffer.alloc(4);
      data.writeInt32BE(v.value, 0);
      break;
    case 'int8':
      data = Buffer.alloc(8);
      data.writeBigInt64BE(BigInt(v.value), 0);
      break;
    case 'float8':
      data = Buffer.alloc(8);
      data.writeDoubleBE(v.value, 0);
      break;
    case 'timestamptz':
      data = Buffer.alloc(8);
      data.writeBigInt64BE(BigInt(validTime(v.value) - PG_EPOCH_MS) * 1000n, 0);
      break;
  }
  const b = Buffer.alloc(4 + data.length);
  b.writeInt32BE(data.length, 0);
  data.copy(b, 4);
  return b;
}

/** The COPY binary-format data for every cell: signature, header, one tuple per cell, trailer. */
export function copyRowsBinary(encoded: EncodedSheetCells, leading: readonly CopyLeadingValue[] = []): Buffer {
  const prefix = Buffer.concat(leading.map(leadingBinary));
  const fields = leading.length + 5;
  const labels = CELL_STATUS_BY_CODE.map((s) => Buffer.from(s, 'latin1'));
  const spectrumBytes = 8 * encoded.points;
  let size = 19 + 2;
  for (let i = 0; i < encoded.count; i++) {
    const ok = encoded.status[i] === 0;
    size +=
      2 + prefix.length + 6 + 6 + 4 + labels[encoded.status[i]].length + (ok ? 12 : 4) + (ok && spectrumBytes > 0 ? 4 + spectrumBytes : 4);
  }
  const out = Buffer.allocUnsafe(size);
  let o = BINARY_SIGNATURE.copy(out, 0);
  o = out.writeInt32BE(0, o); // flags
  o = out.writeInt32BE(0, o); // header extension length
  for (let i = 0; i < encoded.count; i++) {
    o = out.writeInt16BE(fields, o);
    o += prefix.copy(out, o);
    o = out.writeInt32BE(2, o);
    o = out.writeInt16BE(encoded.rows[i], o);
    o = out.writeInt32BE(2, o);
    o = out.writeInt16BE(encoded.cols[i], o);
    const label = labels[encoded.status[i]];
    o = out.writeInt32BE(label.length, o);
    o += label.copy(out, o);
    const ok = encoded.status[i] === 0;
    if (ok) {
      o = out.writeInt32BE(8, o);
      o = out.writeDoubleBE(encoded.ocv[i], o);
    } else {
      o = out.writeInt32BE(-1, o);
    }
    if (ok && spectrumBytes > 0) {
      o = out.writeInt32BE(spectrumBytes, o);
      o += encoded.spectra.copy(out, o, i * spectrumBytes, (i + 1) * spectrumBytes);
    } else {
      o = out.writeInt32BE(-1, o);
    }
  }
  o = out.writeInt16BE(-1, o);
  if (o !== size) throw new Error(`internal: COPY binary size ${o} != ${size}`);
  return out;
}
