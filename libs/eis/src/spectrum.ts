/**
 * A measured or simulated impedance spectrum: Z(f) = zRe + j*zIm in ohms at each frequency in hertz.
 * The three arrays have the same length; the order of the frequencies is free (rigs usually sweep
 * from high to low). Capacitive behaviour gives negative zIm.
 */
export interface Spectrum {
  freqHz: ArrayLike<number>;
  zRe: ArrayLike<number>;
  zIm: ArrayLike<number>;
}

/** Real and imaginary parts of an impedance over a frequency vector (ohms). */
export interface ComplexArrays {
  re: Float64Array;
  im: Float64Array;
}

/** Throws a RangeError when the three arrays of a spectrum do not have the same length. */
export function assertSpectrumShape(spectrum: Spectrum): number {
  const n = spectrum.freqHz.length;
  if (spectrum.zRe.length !== n || spectrum.zIm.length !== n) {
    throw new RangeError(`spectrum arrays differ in length: freqHz ${n}, zRe ${spectrum.zRe.length}, zIm ${spectrum.zIm.length}`);
  }
  return n;
}
