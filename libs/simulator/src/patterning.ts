import { Rng } from './prng';

/** What the simulated patterning tool measures from the fiducials after writing a sheet. */
export interface SimulatedAlignment {
  offsetMdMm: number;
  offsetCdMm: number;
  rotationDeg: number;
  /** Ground truth: the simulator pushed this sheet past the layout tolerance on purpose. */
  misregistered: boolean;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * The alignment of one patterned sheet [EST]: offsets scatter normally with a sixth of the layout's
 * offset tolerance (and rotation with a sixth of its rotation tolerance), so a registered sheet
 * stays well inside; with probability `misregistrationRate` the web slipped and one axis lands
 * between 1.5 and 3 times the tolerance. Rounded to 0.1 µm and 0.0001°, as a tool reports.
 */
export function simulateAlignment(
  rng: Rng,
  tolerance: { maxOffsetMm: number; maxRotationDeg: number },
  misregistrationRate: number,
): SimulatedAlignment {
  const clamp = (x: number, limit: number) => Math.max(-limit, Math.min(limit, x));
  // Clamped to ±0.9 of the tolerance: a sheet counts as registered unless the simulator meant it not to.
  const a = {
    offsetMdMm: round4(clamp((rng.normal() * tolerance.maxOffsetMm) / 6, 0.9 * tolerance.maxOffsetMm)),
    offsetCdMm: round4(clamp((rng.normal() * tolerance.maxOffsetMm) / 6, 0.9 * tolerance.maxOffsetMm)),
    rotationDeg: round4(clamp((rng.normal() * tolerance.maxRotationDeg) / 6, 0.9 * tolerance.maxRotationDeg)),
    misregistered: false,
  };
  if (rng.next() < misregistrationRate) {
    const sign = rng.next() < 0.5 ? -1 : 1;
    const axis = rng.int(3);
    const factor = rng.uniform(1.5, 3);
    if (axis === 0) a.offsetMdMm = round4(sign * factor * tolerance.maxOffsetMm);
    else if (axis === 1) a.offsetCdMm = round4(sign * factor * tolerance.maxOffsetMm);
    else a.rotationDeg = round4(sign * factor * tolerance.maxRotationDeg);
    a.misregistered = true;
  }
  return a;
}

/** The laser's settings as the tool reports them for one sheet [EST]: on target within a percent. */
export function simulatePatterningTool(rng: Rng): Record<string, number | string> {
  const near = (target: number) => Math.round(target * (1 + 0.01 * (2 * rng.next() - 1)) * 100) / 100;
  return { laser_power_w: near(10), pulse_rate_khz: near(100), scan_speed_mm_s: near(1000), passes: 2, source: 'SIM' };
}
