/**
 * Physical models of the simulator (docs/domain.md). Every number here is an [EST] from the
 * document unless noted; change them here, in one place.
 */

export const BOLTZMANN_EV_PER_K = 8.617333262e-5;
const T25_K = 298.15;
const EPSILON_0_F_PER_CM = 8.854e-14;

export type Interlayer = 'Pt' | 'Au' | 'Ag' | 'Al' | 'Sn' | 'ZnO' | 'Al2O3' | 'none';
export const INTERLAYERS: readonly Interlayer[] = ['Pt', 'Au', 'Ag', 'Al', 'Sn', 'ZnO', 'Al2O3', 'none'];

/**
 * Interface (charge-transfer) ASR at 25 °C by interlayer, Ω·cm². Only the ranking comes from the seeds
 * (interlayer materials: Pt best, Au/Ag good, Al2O3 dense and homogeneous, ZnO uniform with knots, Al with
 * bumps and cracks, Sn and bare LiPON islands and voids); the values are chosen so that a good cell
 * with 1.5 µm LiPON lands in the 100–300 Ω·cm² band expected of a good cell (docs/domain.md).
 */
export const INTERFACE_ASR_25C_OHM_CM2: Readonly<Record<Interlayer, number>> = {
  Pt: 50,
  Au: 65,
  Ag: 70,
  Al2O3: 90,
  ZnO: 95,
  Al: 110,
  Sn: 160,
  none: 180,
};

/** LiPON ionic conductivity at 25 °C, S/cm (~2–3e-6). */
export const LIPON_SIGMA_25C_S_PER_CM = 2.5e-6;
/** LiPON activation energy, eV (0.5–0.55). */
export const LIPON_EA_EV = 0.55;
/** Interface charge-transfer activation energy, eV [EST]. */
export const INTERFACE_EA_EV = 0.6;
/** LiPON relative permittivity [EST, typical glass value], sets the geometric capacitance of the bulk arc. */
export const LIPON_REL_PERMITTIVITY = 20;
/**
 * Interface double-layer CPE magnitude, F·s^(n−1)/cm² [EST]: puts the interface arc near 5 kHz, 1.5 decades
 * below the LiPON bulk arc (~200 kHz), so the two arcs can be told apart.
 */
export const INTERFACE_Q_PER_CM2 = 2e-6;
/**
 * Blocking (Li-free collector) CPE magnitude, F·s^(n−1)/cm² [EST]: ~37 kΩ·cm² at 1 Hz, i.e. the steep
 * blocking tail of an as-made cell starts below the interface arc without swallowing it.
 */
export const BLOCKING_Q_PER_CM2 = 5e-6;

/** R(T)/R(25 °C) for a thermally activated resistance: exp(Ea/kB · (1/T − 1/T25)). */
export function arrheniusResistanceRatio(temperatureC: number, eaEv: number): number {
  const tK = temperatureC + 273.15;
  return Math.exp((eaEv / BOLTZMANN_EV_PER_K) * (1 / tK - 1 / T25_K));
}

/** LiPON conductivity at temperatureC, S/cm. */
export function liponConductivity(temperatureC: number, sigma25 = LIPON_SIGMA_25C_S_PER_CM): number {
  return sigma25 / arrheniusResistanceRatio(temperatureC, LIPON_EA_EV);
}

/**
 * Film thickness at a web position (line estimate):
 * nominal × (1 − a·(2x/W − 1)²) × (1 − b·md/L). `a` is the CD smile (edges thinner), `b` the MD drift
 * over the roll (target erosion); noise is added by the caller.
 */
export function thicknessProfile(
  nominal: number,
  cdMm: number,
  mdMm: number,
  webWidthMm: number,
  rollLengthMm: number,
  cdSmile: number,
  mdDrift: number,
): number {
  const u = (2 * cdMm) / webWidthMm - 1;
  return nominal * (1 - cdSmile * u * u) * (1 - (mdDrift * mdMm) / rollLengthMm);
}

/** Geometric capacitance of the LiPON layer, F. */
export function liponGeometricCapacitance(thicknessUm: number, areaCm2: number): number {
  return (EPSILON_0_F_PER_CM * LIPON_REL_PERMITTIVITY * areaCm2) / (thicknessUm * 1e-4);
}

/** Capacity arithmetic (docs/domain.md "Measurements"): 68.5 µAh per cm² per µm LCO at ~94 % utilisation. */
export function predictedCapacityMah(lcoThicknessUm: number, areaCm2: number, utilisation = 0.94): number {
  return 0.0685 * lcoThicknessUm * areaCm2 * utilisation;
}
