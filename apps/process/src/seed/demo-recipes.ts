import type { ParameterDefinition, TraceBand } from '@mes/process';

/** A NUMBER parameter with a target and spec limits. */
const num = (
  name: string,
  unit: string,
  target: number,
  lowerLimit: number | null,
  upperLimit: number | null,
  required = true,
): ParameterDefinition => ({
  name,
  unit,
  type: 'NUMBER',
  target,
  lowerLimit,
  upperLimit,
  required,
  allowedValues: null,
});
const choice = (name: string, allowedValues: string[], target: string, required = true): ParameterDefinition => ({
  name,
  unit: null,
  type: 'ENUM',
  target,
  lowerLimit: null,
  upperLimit: null,
  required,
  allowedValues,
});
const text = (name: string, required = true): ParameterDefinition => ({
  name,
  unit: null,
  type: 'TEXT',
  target: null,
  lowerLimit: null,
  upperLimit: null,
  required,
  allowedValues: null,
});
const band = (channel: string, setpointParameter: string, tolerancePct: number, minDurationS: number): TraceBand => ({
  channel,
  setpointParameter,
  setpoint: null,
  tolerancePct,
  minDurationS,
});

export interface DemoRecipe {
  name: string;
  operation: string;
  description: string;
  parameters: ParameterDefinition[];
  traceBands: TraceBand[];
}

const INTERLAYER_MATERIALS = ['Pt', 'Au', 'Ag', 'Al', 'Sn', 'ZnO', 'Al2O3'];
const INTERLAYER_METHODS = ['TE', 'MS', 'EBEAM', 'ALD'];

/**
 * The demo line's recipes (docs/domain.md "Operations"; figures from the seeds where they give them, else
 * typical values marked there [SK]/[EST]). All are released as version 1.
 */
export const DEMO_RECIPES: DemoRecipe[] = [
  {
    name: 'INC-FOIL-SS304-20',
    operation: 'INCOMING_FOIL',
    description: 'Incoming 20 µm SS304 foil: thickness, width and roughness against the supplier certificate.',
    parameters: [
      choice('alloy', ['SS304', 'SS316L'], 'SS304'),
      num('thickness_um', 'µm', 20, 18, 22),
      num('width_mm', 'mm', 300, 299, 301),
      num('roughness_ra_nm', 'nm', 50, null, 100),
      text('supplier_lot'),
    ],
    traceBands: [],
  },
  {
    name: 'WEB-CLEAN-AR',
    operation: 'WEB_CLEAN',
    description: 'In-vacuum Ar plasma clean before the cathode.',
    parameters: [
      choice('gas', ['Ar', 'Ar/O2'], 'Ar'),
      num('power_w', 'W', 500, 450, 550),
      num('pressure_mtorr', 'mTorr', 5, 3, 8),
      num('web_speed_m_min', 'm/min', 0.5, 0.4, 0.6),
    ],
    traceBands: [band('power', 'power_w', 10, 30)],
  },
  {
    name: 'LCO-SPUTTER-10UM',
    operation: 'LCO_DEPOSITION',
    description: '~10 µm LiCoO2 by sputtering in Ar/O2 (seed 002); a few W/cm² and a few mTorr [SK].',
    parameters: [
      num('power_w', 'W', 2000, 1900, 2100),
      num('power_density_w_cm2', 'W/cm²', 3, 2.5, 3.5, false),
      num('ar_flow_sccm', 'sccm', 40, 36, 44),
      num('o2_flow_sccm', 'sccm', 4, 3, 5),
      num('pressure_mtorr', 'mTorr', 3, 2.5, 3.5),
      num('drum_temp_c', '°C', 25, 15, 40),
      num('web_speed_m_min', 'm/min', 0.05, 0.045, 0.055),
      num('rate_a_per_s', 'Å/s', 10, 8, 12),
      num('thickness_um', 'µm', 10, 9, 11),
      text('target_id', false),
    ],
    // The rate sag of seed 000 (1-1.5 down to 0.45 Å/s) is what this band catches.
    traceBands: [band('qcm_rate', 'rate_a_per_s', 20, 60), band('power', 'power_w', 5, 30), band('pressure', 'pressure_mtorr', 20, 60)],
  },
  {
    name: 'LCO-ANNEAL-600-O2',
    operation: 'LCO_ANNEAL',
    description: 'Crystallizing anneal of the cathode (500-700 °C [SK]); decides cathode utilization (seed 002).',
    parameters: [
      num('setpoint_c', '°C', 600, 580, 620),
      num('ramp_c_min', '°C/min', 5, 3, 8),
      num('dwell_min', 'min', 120, 110, 140),
      choice('atmosphere', ['O2', 'air'], 'O2'),
      num('dew_point_c', '°C', -40, -80, -30),
      choice('xrd_texture', ['012', '003', '101', '104', 'mixed'], '012', false),
    ],
    traceBands: [band('furnace_temp', 'setpoint_c', 3, 120)],
  },
  {
    name: 'LIPON-RF-2UM',
    operation: 'LIPON_DEPOSITION',
    description: 'LiPON by RF magnetron sputtering of Li3PO4 in N2 (seed 002); 1-3 µm, slow [SK].',
    parameters: [
      num('rf_power_w', 'W', 1500, 1400, 1600),
      num('n2_flow_sccm', 'sccm', 30, 25, 35),
      num('pressure_mtorr', 'mTorr', 10, 5, 20),
      num('rate_nm_min', 'nm/min', 5, 3, 8),
      num('thickness_um', 'µm', 2, 1.5, 2.5),
      num('substrate_temp_c', '°C', 40, 20, 80),
      choice('vacuum_broken', ['no', 'yes'], 'no'),
    ],
    traceBands: [band('reflected_power', 'rf_power_w', 10, 60)],
  },
  {
    name: 'INTERLAYER-PT-MS-10NM',
    operation: 'INTERLAYER',
    description: '10 nm Pt by magnetron sputtering: the best interlayer of seed 000 (Li-Pt alloy, dense even Li).',
    parameters: [
      choice('material', INTERLAYER_MATERIALS, 'Pt'),
      choice('method', INTERLAYER_METHODS, 'MS'),
      num('thickness_nm', 'nm', 10, 8, 12),
      num('rate_a_per_s', 'Å/s', 0.4, 0.3, 0.5),
      num('pressure_mtorr', 'mTorr', 5, 4, 6),
      text('target_lot', false),
    ],
    traceBands: [band('qcm_rate', 'rate_a_per_s', 20, 60)],
  },
  {
    name: 'INTERLAYER-AU-TE-10NM',
    operation: 'INTERLAYER',
    description: '10 nm Au by thermal evaporation at ~1 Å/s, ~1e-6 mbar, shutter opened once the rate is stable (seed 000).',
    parameters: [
      choice('material', INTERLAYER_MATERIALS, 'Au'),
      choice('method', INTERLAYER_METHODS, 'TE'),
      num('thickness_nm', 'nm', 10, 8, 12),
      num('rate_a_per_s', 'Å/s', 1, 0.8, 1.2),
      num('source_power_pct', '%', 28, 25, 30),
      text('source_lot', false),
    ],
    traceBands: [band('qcm_rate', 'rate_a_per_s', 20, 60)],
  },
  {
    name: 'INTERLAYER-ZNO-ALD-30NM',
    operation: 'INTERLAYER',
    description: '~30 nm ZnO by ALD from diethylzinc and water (seed 001: 0.1-2.8 Å per cycle, 60-450 °C).',
    parameters: [
      choice('material', INTERLAYER_MATERIALS, 'ZnO'),
      choice('method', INTERLAYER_METHODS, 'ALD'),
      num('thickness_nm', 'nm', 30, 27, 33),
      num('ald_cycles', 'cycles', 150, 145, 155),
      num('growth_per_cycle_a', 'Å', 2, 1.8, 2.2),
      num('temperature_c', '°C', 150, 140, 160),
      text('precursor_lot', false),
    ],
    traceBands: [band('substrate_temp', 'temperature_c', 5, 120)],
  },
  {
    name: 'NCC-CU-500NM',
    operation: 'NEG_COLLECTOR',
    description: 'Negative current collector that Li plates onto (Li-free cells, seed 001).',
    parameters: [
      choice('metal', ['Cu', 'Ni', 'Ti'], 'Cu'),
      choice('method', ['TE', 'MS', 'EBEAM'], 'MS'),
      num('thickness_nm', 'nm', 500, 450, 550),
      num('sheet_resistance_mohm_sq', 'mΩ/sq', 40, null, 60, false),
    ],
    traceBands: [],
  },
  {
    name: 'PATTERN-5050-5MM',
    operation: 'PATTERNING',
    description: 'Dry single-step patterning of the 50 x 50 grid of 5 mm cells (seed 002); tool settings [EST].',
    parameters: [
      text('layout'),
      num('laser_power_w', 'W', 10, 9, 11),
      num('pulse_rate_khz', 'kHz', 100, 90, 110),
      num('scan_speed_mm_s', 'mm/s', 1000, 900, 1100),
      num('passes', 'passes', 2, 2, 2),
      num('alignment_um', 'µm', 0, -20, 20),
    ],
    traceBands: [],
  },
];

export const DEMO_PRODUCT = 'TFB-0505';
/** The fraction of LCO capacity the demo cells deliver after a good anneal [EST]. */
export const DEMO_LCO_UTILIZATION = 0.9;
/** Sputter target life of the LCO cathode [EST]. */
export const DEMO_TARGETS = [
  { equipmentCode: 'SPT-LCO-1', targetId: 'LCO-T-0001', lifeKwh: 1500 },
  { equipmentCode: 'SPT-LPN-1', targetId: 'LPN-T-0001', lifeKwh: 800 },
];
