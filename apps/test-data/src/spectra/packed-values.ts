/**
 * A heat map's values as base64 of little-endian float32, NaN where a cell or bin has no value:
 * 66,000 bins become 352 kB of base64 text instead of a JSON list the browser parses number by
 * number. float32 keeps 7 significant digits, more than any metric of a map is measured to.
 */
export function packFloat32(values: readonly (number | null)[]): string {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null ? NaN : v;
  }
  // Float32Array is in the platform's byte order; every machine this runs on is little-endian, and
  // the check below keeps that promise honest rather than assumed.
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('packFloat32 needs a little-endian platform');
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64');
}

/** The inverse of packFloat32 (NaN back to null), for tests and scripts. */
export function unpackFloat32(packed: string): (number | null)[] {
  const bytes = Buffer.from(packed, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError(`packed float32 values take a multiple of 4 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: (number | null)[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const v = view.getFloat32(i, true);
    out.push(Number.isNaN(v) ? null : v);
  }
  return out;
}
