import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Spectrum } from '../spectrum';

/**
 * exampleData.csv of impedance.py (MIT licence, see LICENSE-impedance.py.txt beside it): a commercial
 * Li-ion cell, frequency (Hz), Z' (Ω), Z'' (Ω); and impedance.py 1.7.1's fits of it (reference.json).
 */
export interface ReferenceFit {
  circuit: string;
  initial_guess: number[];
  param_names: string[];
  parameters: number[];
  std_errors: number[];
  rms_rel_residual: number;
  n_points: number;
}

export interface ImpedancePyReference {
  fits: ReferenceFit[];
  linKK: {
    linKK_kwargs: { c: number; max_M: number; fit_type: string; add_cap: boolean };
    n_points: number;
    M: number;
    mu: number;
    max_abs_resid_real: number;
    max_abs_resid_imag: number;
  };
}

export function loadExampleData(filter: (f: number, re: number, im: number) => boolean = () => true): Spectrum {
  const rows = readFileSync(join(__dirname, 'exampleData.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number))
    .filter(([f, re, im]) => filter(f, re, im));
  return {
    freqHz: rows.map((r) => r[0]),
    zRe: rows.map((r) => r[1]),
    zIm: rows.map((r) => r[2]),
  };
}

/** The preprocessing of reference.json: drop inductive points (positive imaginary part). */
export const dropInductive = (_f: number, _re: number, im: number): boolean => im <= 0;

export function loadReference(): ImpedancePyReference {
  return JSON.parse(readFileSync(join(__dirname, 'impedance-py-reference.json'), 'utf8')) as ImpedancePyReference;
}
