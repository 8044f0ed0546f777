import { logFrequencies } from '../frequencies';
import type { Spectrum } from '../spectrum';
import { synthesizeSpectrum } from '../synthetic';
import { DEFAULT_FEATURE_CIRCUIT } from '../features/cell-features';
import { mulberry32 } from '../util/random';

/** One cell of the population: its spectrum and test conditions. */
export interface PopulationCell {
  kind: 'normal' | 'short' | 'open' | 'leaky' | 'noisy';
  spectrum: Spectrum;
  ocvV: number;
}

export const POPULATION_AREA_CM2 = 0.25;

/**
 * A reproducible population of as-made cells on one 50-point sweep (1 MHz to 1 Hz, as the rigs
 * measure): mostly good cells spread as a sheet spreads, and shorted, open, leaky and noisy cells. The
 * features of these cells on an earlier implementation are kept in feature-reference.json, so a
 * faster fitter or KK solver is checked against what the plain one gave (see reference-features.spec.ts).
 */
export function featurePopulation(count: number): PopulationCell[] {
  const u = mulberry32(20261203);
  const area = POPULATION_AREA_CM2;
  const freq = logFrequencies(1e6, 1, 49 / 6);
  const s = (x: number, rel: number) => x * (1 + rel * (2 * u() - 1));
  const cells: PopulationCell[] = [];
  for (let i = 0; i < count; i++) {
    const pick = u();
    const seed = 9000 + i;
    if (pick < 0.04) {
      // a short through the electrolyte: a few ohms in parallel with the cell's geometric capacitance
      const spectrum = synthesizeSpectrum('R0-p(R1,C1)', [s(2, 0.5), s(8, 0.8), s(2e-8, 0.5)], freq, { relative: 0.01, seed });
      cells.push({ kind: 'short', spectrum, ocvV: s(0.01, 1) });
    } else if (pick < 0.07) {
      // no contact to the cell: stray picofarads of the fixture
      const spectrum = synthesizeSpectrum('R0-C1', [s(3, 0.5), s(2e-12, 0.5)], freq, { relative: 0.01, seed });
      cells.push({ kind: 'open', spectrum, ocvV: NaN });
    } else {
      const r1 = s(60, 0.1) / area;
      const r2 = s(100, 0.3) / area;
      const p = [s(5, 0.3) / area, r1, s(5.4e-7, 0.2) ** 0.92 / r1, 0.92, r2, s(1e-4, 0.3) ** 0.8 / r2, 0.8, 1e-6 * area, 0.9];
      if (pick < 0.1) {
        // a leak through the electrolyte: the blocking tail bends back to the real axis
        const spectrum = synthesizeSpectrum(
          `${DEFAULT_FEATURE_CIRCUIT.replace('-CPE3', '')}-p(R3,CPE3)`,
          [...p.slice(0, 7), s(2e5, 0.5), ...p.slice(7)],
          freq,
          {
            relative: 0.01,
            seed,
          },
        );
        cells.push({ kind: 'leaky', spectrum, ocvV: s(0.3, 0.5) });
      } else if (pick < 0.12) {
        cells.push({
          kind: 'noisy',
          spectrum: synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, p, freq, { relative: 0.08, seed }),
          ocvV: s(0.4, 0.2),
        });
      } else {
        cells.push({
          kind: 'normal',
          spectrum: synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, p, freq, { relative: 0.01, seed }),
          ocvV: s(0.4, 0.2),
        });
      }
    }
  }
  return cells;
}
