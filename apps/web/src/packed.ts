/** Decodes a map's `valuesFloat32` (base64 of little-endian float32, NaN where there is no value). */
export function unpackFloat32(base64: string): Float32Array {
  const bin = atob(base64);
  if (bin.length % 4 !== 0) throw new RangeError(`packed float32 values take a multiple of 4 bytes, got ${bin.length}`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
