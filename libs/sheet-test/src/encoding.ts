/**
 * Compact storage of a sheet test's numbers.
 *
 * Spectrum (one cell): `8 × n` bytes, little-endian IEEE-754 float32, in two halves: the n values of
 * zReOhm (in the order of the test's frequencies), then the n values of zImOhm. Two halves rather than
 * interleaved pairs so that a reader can view each part as one Float32Array without shuffling.
 * Float32 keeps 24 significant bits: a stored value differs from the posted one by at most 2^-24 of
 * it (relative error ≤ 6.0e-8, about 7 significant digits), far below any rig's measurement noise
 * (~1e-3). The conversion rounds to nearest (`Math.fround`), so decoding gives exactly
 * `Math.fround(posted)`. Magnitudes beyond 3.4e38 would become Infinity; the validator refuses them.
 * Idempotency hashes the posted doubles (content-hash.ts), never the stored float32 values.
 *
 * Frequencies (one list per test): `8 × n` bytes, little-endian float64: exact, because they key
 * every spectrum and every fit.
 */
import { columnsOfBody, type CellColumns, type SheetTestColumns } from './columns';
import { CELL_STATUS_CODE, type SheetTestBody } from './types';

/** True on little-endian hosts (every platform Node runs on in practice); big-endian ones byte-swap. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes one cell's spectrum; zRe and zIm must have the same length. */
export function encodeSpectrum(zRe: ArrayLike<number>, zIm: ArrayLike<number>): Buffer {
  const n = zRe.length;
  if (zIm.length !== n) throw new RangeError(`zRe has ${n} values and zIm ${zIm.length}; expected the same number`);
  const f32 = new Float32Array(2 * n);
  for (let j = 0; j < n; j++) {
    f32[j] = zRe[j];
    f32[n + j] = zIm[j];
  }
  const buf = Buffer.from(f32.buffer, 0, 8 * n);
  if (!HOST_IS_LITTLE_ENDIAN) buf.swap32();
  return buf;
}

/** Float32 view of `8 × n` little-endian bytes (copied when unaligned or on a big-endian host). */
function float32View(buf: Uint8Array, count: number): Float32Array {
  if (HOST_IS_LITTLE_ENDIAN && buf.byteOffset % 4 === 0) return new Float32Array(buf.buffer, buf.byteOffset, count);
  const copy = new Uint8Array(buf.subarray(0, 4 * count)); // a fresh, aligned ArrayBuffer
  if (!HOST_IS_LITTLE_ENDIAN) Buffer.from(copy.buffer).swap32();
  return new Float32Array(copy.buffer, 0, count);
}

/** Decodes a spectrum of `n` points stored by `encodeSpectrum` (values are the float32-rounded ones). */
export function decodeSpectrum(buf: Uint8Array, n: number): { zReOhm: number[]; zImOhm: number[] } {
  if (!Number.isInteger(n) || n < 0 || buf.length !== 8 * n) {
    throw new RangeError(`a spectrum of ${n} points takes ${8 * n} bytes, got ${buf.length}`);
  }
  const f32 = float32View(buf, 2 * n);
  const zReOhm = new Array<number>(n);
  const zImOhm = new Array<number>(n);
  for (let j = 0; j < n; j++) {
    zReOhm[j] = f32[j];
    zImOhm[j] = f32[n + j];
  }
  return { zReOhm, zImOhm };
}

/** Encodes a frequency list as little-endian float64 (exact). */
export function encodeFrequencies(frequenciesHz: ArrayLike<number>): Buffer {
  const f64 = Float64Array.from(frequenciesHz);
  const buf = Buffer.from(f64.buffer, 0, f64.byteLength);
  if (!HOST_IS_LITTLE_ENDIAN) buf.swap64();
  return buf;
}

/** Decodes a frequency list stored by `encodeFrequencies`; `n`, when given, must match. */
export function decodeFrequencies(buf: Uint8Array, n?: number): number[] {
  if (buf.length % 8 !== 0 || (n !== undefined && buf.length !== 8 * n)) {
    throw new RangeError(
      `a list of ${n ?? 'whole'} float64 frequencies takes ${n === undefined ? 'a multiple of 8' : 8 * n} bytes, got ${buf.length}`,
    );
  }
  const count = buf.length / 8;
  const out = new Array<number>(count);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

/**
 * Column arrays of a validated sheet test as stored (spectra as float32), ready for one bulk
 * statement (`INSERT ... SELECT FROM unnest(...)`) or one COPY (copy.ts).
 */
export interface EncodedSheetCells extends CellColumns {
  /**
   * Every cell's spectrum (`encodeSpectrum` layout), cell i at bytes [i × 8 × points, (i + 1) × 8 ×
   * points); NaN-filled for NO_CONTACT cells. Empty when points is 0. Use `cellSpectrum` for one cell.
   */
  spectra: Buffer;
}

/** Encodes the cells of a body that `validateSheetTestBody` accepted. */
export function encodeSheetCells(value: SheetTestBody): EncodedSheetCells {
  return encodeColumns(columnsOfBody(value));
}

/** Encodes a test's columns for storage: spectra to float32 (NaN-filled for NO_CONTACT cells). */
export function encodeColumns(columns: SheetTestColumns): EncodedSheetCells {
  const { count, points, zRe, zIm } = columns;
  const f32 = new Float32Array(count * 2 * points);
  for (let i = 0; i < count; i++) {
    const base = 2 * i * points;
    const from = i * points;
    for (let j = 0; j < points; j++) {
      f32[base + j] = zRe[from + j];
      f32[base + points + j] = zIm[from + j];
    }
  }
  const spectra = Buffer.from(f32.buffer, 0, f32.byteLength);
  if (!HOST_IS_LITTLE_ENDIAN) spectra.swap32();
  return { count, points, rows: columns.rows, cols: columns.cols, status: columns.status, ocv: columns.ocv, spectra };
}

/** Cell i's spectrum bytes (a view, not a copy), or null when it has none (NO_CONTACT or OCV-only). */
export function cellSpectrum(encoded: EncodedSheetCells, i: number): Buffer | null {
  if (encoded.points === 0 || encoded.status[i] !== CELL_STATUS_CODE.OK) return null;
  const size = 8 * encoded.points;
  return encoded.spectra.subarray(i * size, (i + 1) * size);
}
