import { misregistration } from '@mes/geometry';
import { Rng } from './prng';
import { simulateAlignment, simulatePatterningTool } from './patterning';

const TOLERANCE = { maxOffsetMm: 0.05, maxRotationDeg: 0.02 };

describe('simulated patterning', () => {
  it('keeps registered sheets inside the tolerance, with a real scatter', () => {
    const rng = new Rng(11);
    const runs = Array.from({ length: 2000 }, () => simulateAlignment(rng, TOLERANCE, 0));
    expect(runs.every((a) => !a.misregistered && misregistration(a, TOLERANCE).length === 0)).toBe(true);
    const md = runs.map((a) => a.offsetMdMm);
    const sd = Math.sqrt(md.reduce((s, x) => s + x * x, 0) / md.length);
    expect(sd).toBeGreaterThan(0.006);
    expect(sd).toBeLessThan(0.011); // a sixth of 0.05 mm
  });

  it('misregisters about the asked fraction, each one past the tolerance the MES checks', () => {
    const rng = new Rng(5);
    const runs = Array.from({ length: 4000 }, () => simulateAlignment(rng, TOLERANCE, 0.05));
    const off = runs.filter((a) => a.misregistered);
    expect(off.length / runs.length).toBeGreaterThan(0.04);
    expect(off.length / runs.length).toBeLessThan(0.06);
    expect(off.every((a) => misregistration(a, TOLERANCE).length === 1)).toBe(true);
    expect(runs.filter((a) => !a.misregistered).every((a) => misregistration(a, TOLERANCE).length === 0)).toBe(true);
  });

  it('is repeatable for a seed and reports tool settings near their targets', () => {
    expect(simulateAlignment(new Rng(3), TOLERANCE, 0.5)).toEqual(simulateAlignment(new Rng(3), TOLERANCE, 0.5));
    const tool = simulatePatterningTool(new Rng(3));
    expect(tool.passes).toBe(2);
    expect(Math.abs((tool.laser_power_w as number) - 10)).toBeLessThanOrEqual(0.1);
  });
});
