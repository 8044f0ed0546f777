import { classifyStack, comparableFrequencies, expectedParallel, interpolateSpectrum, type Spectrum } from './stack-test';

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

describe('stack binning on whole spectra', () => {
  const layers = Array.from({ length: 6 }, (_, i) => layer(8 + i * 0.2, 300 + i * 5, 1e-6));
  const measure = (ls: Spectrum[], ocvV = 0.3, at = freqs) => ({ ...expectedParallel(ls, at), frequenciesHz: at, ocvV });

  it('passes a stack that measures its expectation, and keeps what it compared', () => {
    const v = classifyStack(measure(layers), layers);
    expect(v.bin).toBe('PASS');
    expect(v.deviation).toBeLessThan(1e-9);
    expect(v.reason).toMatch(/^spectrum within 0\.0 % \(RMS at 7 frequencies\) of 1\/Σ\(1\/Z\) of its 6 layers' spectra/);
    expect(v.comparison.frequenciesHz).toEqual(freqs);
    expect(v.comparison.measuredZReOhm).toEqual(measure(layers).zReOhm);
    expect(v.comparison.expectedZReOhm.map((x, k) => x - v.comparison.measuredZReOhm[k]).every((d) => Math.abs(d) < 1e-9)).toBe(true);
    expect(v.comparison.lowFrequencyRatio).toBeCloseTo(1, 9);
    // One all-layers hypothesis and one per missing layer, each off by the ~1/(N-1) an open layer adds.
    expect(v.comparison.hypotheses.map((h) => [h.hypothesis, h.layer])).toEqual([
      ['ALL_LAYERS', null],
      ...layers.map((_, i) => ['LAYER_MISSING', i + 1]),
    ]);
    v.comparison.hypotheses.slice(1).forEach((h) => expect(h.deviation).toBeGreaterThan(0.15));
  });

  it('finds one open layer of N: the measurement matches the expectation without it', () => {
    const v = classifyStack(measure(layers.filter((_, i) => i !== 2)), layers);
    expect(v.bin).toBe('OPEN_LAYER');
    expect(v.suspectLayer).toBe(3);
    expect(v.deviation).toBeGreaterThan(0.15);
    expect(v.comparison.hypotheses.find((h) => h.layer === 3)!.deviation).toBeLessThan(1e-9);
    expect(v.reason).toMatch(/without layer 3 \(RMS at 7 frequencies\): one layer is not connected/);
    expect(v.comparison.lowFrequencyRatio).toBeCloseTo(1.2, 1);
  });

  it('finds a shorted layer by its low impedance, or by a low OCV', () => {
    const short = { frequenciesHz: freqs, zReOhm: freqs.map(() => 0.5), zImOhm: freqs.map(() => 0) };
    const v = classifyStack(measure([...layers.slice(1), short]), layers);
    expect(v.bin).toBe('SHORTED_LAYER');
    expect(v.comparison.lowFrequencyRatio).toBeLessThan(0.2);
    expect(v.reason).toMatch(/^\|Z\| at 0\.1 Hz is \d+\.\d % of the expected parallel impedance of its 6 layers: a shorted layer$/);
    const lowOcv = classifyStack(measure(layers, 0.02), layers);
    expect(lowOcv.bin).toBe('SHORTED_LAYER');
    expect(lowOcv.reason).toBe('OCV 0.02 V is below 0.1 V: a shorted layer drains the stack');
  });

  it('calls anything else a mismatch, with how far off the closest hypothesis is', () => {
    const v = classifyStack(measure(layers.map((l) => ({ ...l, zReOhm: l.zReOhm.map((x) => x * 1.6) }))), layers);
    expect(v.bin).toBe('MISMATCH');
    expect(v.suspectLayer).toBeNull();
    expect(v.reason).toMatch(/off the closest one-open-layer expectation \(without layer \d\)$/);
    // Halfway between all layers and one missing: neither hypothesis fits.
    const half = measure(layers);
    const open = measure(layers.slice(1));
    const between = {
      ...half,
      zReOhm: half.zReOhm.map((x, k) => (x + open.zReOhm[k]) / 2),
      zImOhm: half.zImOhm.map((x, k) => (x + open.zImOhm[k]) / 2),
    };
    expect(classifyStack(between, layers).bin).toBe('MISMATCH');
  });

  it('compares at the stack’s frequencies when the layers were measured at others, and leaves out what no layer covers', () => {
    // Layers on a rig's grid of 7 points a decade, the stack at 7 points between and beyond them.
    const layerGrid = Array.from({ length: 43 }, (_, i) => 1e5 / 10 ** (i / 7));
    const fine = Array.from({ length: 6 }, (_, i) => layer(8 + i * 0.2, 300 + i * 5, 1e-6, layerGrid));
    const stackAt = [2e5, 5e4, 5e3, 500, 50, 5, 0.5];
    const truth = Array.from({ length: 6 }, (_, i) => layer(8 + i * 0.2, 300 + i * 5, 1e-6, stackAt));
    const v = classifyStack(measure(truth, 0.3, stackAt), fine);
    expect(v.comparison.frequenciesHz).toEqual([5e4, 5e3, 500, 50, 5, 0.5]);
    expect(v.comparison.frequenciesLeftOut).toEqual([2e5]);
    // Linear in log f between grid points a seventh of a decade apart: within 1 % of the true spectrum.
    expect(v.bin).toBe('PASS');
    expect(v.deviation).toBeGreaterThan(0);
    expect(v.deviation).toBeLessThan(0.01);
    const open = classifyStack(
      measure(
        truth.filter((_, i) => i !== 4),
        0.3,
        stackAt,
      ),
      fine,
    );
    expect(open).toMatchObject({ bin: 'OPEN_LAYER', suspectLayer: 5 });
  });

  it('refuses to judge when fewer than three measured frequencies lie inside every layer’s range', () => {
    expect(comparableFrequencies([1e6, 5e5, 1e4, 0.01], layers)).toMatchObject({
      inside: [1e4],
      leftOut: [1e6, 5e5, 0.01],
      loHz: 0.1,
      hiHz: 1e5,
    });
    const far = { frequenciesHz: [1e6, 5e5, 1e4, 0.01], zReOhm: [1, 1, 1, 1], zImOhm: [0, 0, 0, 0], ocvV: 0.3 };
    expect(() => classifyStack(far, layers)).toThrow(/only 1 measured frequencies lie inside every layer's range; at least 3 are needed/);
  });
});
