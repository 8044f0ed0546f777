/** Boltzmann constant in eV/K. */
export const BOLTZMANN_EV_PER_K = 8.617333262e-5;
const T25_K = 298.15;

/**
 * Factor that converts a thermally activated resistance measured at temperatureC to its value at 25 °C:
 * R25 = R(T) * arrheniusFactorTo25C(T, Ea), with R(T) ∝ exp(Ea / (kB T)). Above 25 °C the factor is > 1
 * (the cell was measured warm, so its resistance reads low). With Ea = 0.55 eV it is ≈ 7 % per °C near 25 °C.
 */
export function arrheniusFactorTo25C(temperatureC: number, eaEv = 0.55): number {
  if (!Number.isFinite(temperatureC) || temperatureC <= -273.15) {
    throw new RangeError(`temperatureC must be a finite temperature above absolute zero (got ${temperatureC})`);
  }
  if (!Number.isFinite(eaEv)) throw new RangeError(`eaEv must be finite (got ${eaEv})`);
  const tK = temperatureC + 273.15;
  return Math.exp((eaEv / BOLTZMANN_EV_PER_K) * (1 / T25_K - 1 / tK));
}
