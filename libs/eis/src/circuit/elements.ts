/** Element types of the circuit notation, with their parameters (same definitions as impedance.py). */
export type ElementType = 'R' | 'C' | 'L' | 'CPE' | 'W' | 'Wo' | 'Ws';

/**
 * How a parameter is bounded: 'positive' (0, inf) for resistances, capacitances, Q, sigma, Z0, tau and
 * inductance; 'exponent' (0, 1] for the CPE exponent n.
 */
export type ParamKind = 'positive' | 'exponent';

export interface ElementSpec {
  type: ElementType;
  /** Parameter kinds, in the order of the parameter names `<name>_0`, `<name>_1`. */
  params: readonly ParamKind[];
  /** Units of each parameter, for display. */
  units: readonly string[];
  /** Short description. */
  description: string;
}

/**
 * Z formulas (ω = 2πf, j² = -1):
 * - R: Z = R
 * - C: Z = 1 / (jωC)
 * - L: Z = jωL
 * - CPE (Q, n): Z = 1 / (Q (jω)^n)
 * - W (A_W): semi-infinite Warburg, Z = A_W (1 - j) / sqrt(ω)
 * - Wo (Z0, tau): finite-length Warburg, open (reflective) end, Z = Z0 coth(sqrt(jωτ)) / sqrt(jωτ)
 * - Ws (Z0, tau): finite-length Warburg, short (transmissive) end, Z = Z0 tanh(sqrt(jωτ)) / sqrt(jωτ)
 */
export const ELEMENT_SPECS: Readonly<Record<ElementType, ElementSpec>> = {
  R: { type: 'R', params: ['positive'], units: ['Ohm'], description: 'resistor' },
  C: { type: 'C', params: ['positive'], units: ['F'], description: 'capacitor' },
  L: { type: 'L', params: ['positive'], units: ['H'], description: 'inductor' },
  CPE: {
    type: 'CPE',
    params: ['positive', 'exponent'],
    units: ['Ohm^-1 s^n', ''],
    description: 'constant-phase element',
  },
  W: { type: 'W', params: ['positive'], units: ['Ohm s^-1/2'], description: 'semi-infinite Warburg' },
  Wo: { type: 'Wo', params: ['positive', 'positive'], units: ['Ohm', 's'], description: 'finite Warburg, open' },
  Ws: { type: 'Ws', params: ['positive', 'positive'], units: ['Ohm', 's'], description: 'finite Warburg, short' },
};

/** Element type names, longest first, so that `CPE1` is read as CPE and `Wo1` as Wo. */
export const ELEMENT_TYPES_LONGEST_FIRST: readonly ElementType[] = ['CPE', 'Wo', 'Ws', 'R', 'C', 'L', 'W'];
