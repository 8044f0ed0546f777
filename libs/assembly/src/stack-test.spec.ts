import { classifyStack, expectedParallel, interpolateSpectrum, type Spectrum } from './stack-test';

const freqs = [1e5, 1e4, 1e3, 100, 10, 1, 0.1];
/** R0 + R1 || C, a layer's spectrum. */
function layer(r0: number, r1: number, c: number, at = freqs): Spectrum {
  const re: number[] = [];
  const im: number[] = [];
  for (const f of at) {
    const w = 2 * Math.PI * f;
    const d = 1 + (w * r1 * c) ** 2;
    re.push(r0 + r1 / d);
    im.push((-w * r1 * r1 * c) / d);
  }
  return { frequenciesHz: at, zReOhm: re, zImOhm: im };
}

describe('expected parallel impedance', () => {
  it('is the resistance over N for N equal resistive layers and exact for RC layers', () => {
    const r = { frequenciesHz: freqs, zReOhm: freqs.map(() => 100), zImOhm: freqs.map(() => 0) };
    const z = expectedParallel([r, r, r, r], freqs);
    z.zReOhm.forEach((v) => expect(v).toBeCloseTo(25, 10));
    z.zImOhm.forEach((v) => expect(v).toBeCloseTo(0, 10));
    // Two identical RC layers in parallel: R0/2 + (R1/2) || 2C.
    const two = expectedParallel([layer(10, 200, 1e-6), layer(10, 200, 1e-6)], freqs);
    const same = layer(5, 100, 2e-6);
    two.zReOhm.forEach((v, k) => expect(v).toBeCloseTo(same.zReOhm[k], 9));
    two.zImOhm.forEach((v, k) => expect(v).toBeCloseTo(same.zImOhm[k], 9));
  });

  it('interpolates a layer measured at other frequencies, in log f', () => {
    const s = { frequenciesHz: [1000, 10], zReOhm: [10, 30], zImOhm: [0, -20] };
    const z = interpolateSpectrum(s, [100, 1e4, 1]);
    [20, 10, 30].forEach((v, k) => expect(z.zReOhm[k]).toBeCloseTo(v, 12));
    [-10, 0, -20].forEach((v, k) => expect(z.zImOhm[k]).toBeCloseTo(v, 12));
  });
});

describe('stack binning', () => {
  const layers = Array.from({ length: 6 }, (_, i) => layer(8 + i * 0.2, 300 + i * 5, 1e-6));
  const measure = (ls: Spectrum[], ocvV = 0.3) => ({ ...expectedParallel(ls, freqs), frequenciesHz: freqs, ocvV });

  it('passes a stack that measures its expectation', () => {
    const v = classifyStack(measure(layers), layers);
    expect(v.bin).toBe('PASS');
    expect(v.deviation).toBeLessThan(1e-9);
  });

  it('finds an open layer: the measurement matches the expectation without one layer', () => {
    const v = classifyStack(measure(layers.filter((_, i) => i !== 2)), layers);
    expect(v.bin).toBe('OPEN_LAYER');
    expect(v.suspectLayer).toBe(3);
    expect(v.reason).toMatch(/without layer 3: one layer is not connected/);
  });

  it('finds a shorted layer by its low OCV or its low impedance', () => {
    expect(classifyStack(measure(layers, 0.02), layers).bin).toBe('SHORTED_LAYER');
    const shorted = [...layers.slice(1), { frequenciesHz: freqs, zReOhm: freqs.map(() => 0.5), zImOhm: freqs.map(() => 0) }];
    const v = classifyStack(measure(shorted, 0.3), layers);
    expect(v.bin).toBe('SHORTED_LAYER');
    expect(v.reason).toMatch(/of the expected parallel impedance: a shorted layer/);
  });

  it('calls anything else a mismatch', () => {
    const v = classifyStack(measure(layers.map((l) => ({ ...l, zReOhm: l.zReOhm.map((x) => x * 1.6) }))), layers);
    expect(v.bin).toBe('MISMATCH');
  });
});
