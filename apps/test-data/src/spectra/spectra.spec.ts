import { DEFAULT_FEATURE_CIRCUIT, evaluateCircuit, extractCellFeatures, logFrequencies, parseCircuit, synthesizeSpectrum } from '@mes/eis';
import { encodeFrequencies, encodeSpectrum } from '@mes/sheet-test';
import type { SpectrumRow } from '@mes/test-data-store';
import { toSpectrum } from './cell-spectrum.service';
import { fittedCurve } from './fitted-curve';
import { packFloat32, unpackFloat32 } from './packed-values';

describe('fittedCurve', () => {
  const f = Array.from(logFrequencies(1e6, 1, 8));
  const truth = [5, 60, 1.2e-8, 0.9, 100, 1.6e-6, 0.8, 1e-6, 0.9];
  const spectrum = synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, truth, Float64Array.from(f), { relative: 0.005, seed: 3 });
  const features = extractCellFeatures(spectrum, { activeAreaCm2: 1, temperatureC: 25, ocvV: 0.4 });

  it('evaluates the stored fit at the measured frequencies, close to what was measured', () => {
    const curve = fittedCurve(DEFAULT_FEATURE_CIRCUIT, features.fitParams, f);
    expect(curve.paramNames).toEqual(parseCircuit(DEFAULT_FEATURE_CIRCUIT).paramNames);
    let worst = 0;
    for (let i = 0; i < f.length; i++) {
      const m = Math.hypot(spectrum.zRe[i], spectrum.zIm[i]);
      worst = Math.max(worst, Math.hypot(curve.atMeasured.zReOhm[i] - spectrum.zRe[i], curve.atMeasured.zImOhm[i] - spectrum.zIm[i]) / m);
    }
    expect(worst).toBeLessThan(0.05);
  });

  it('adds a finer logarithmic grid over the same span, evaluated with the same parameters', () => {
    const curve = fittedCurve(DEFAULT_FEATURE_CIRCUIT, features.fitParams, f, 20);
    expect(curve.fineFrequenciesHz.length).toBe(121);
    expect(curve.fineFrequenciesHz[0]).toBeCloseTo(1e6);
    expect(curve.fineFrequenciesHz.at(-1)).toBeCloseTo(1);
    const direct = evaluateCircuit(parseCircuit(DEFAULT_FEATURE_CIRCUIT), curve.params, [curve.fineFrequenciesHz[60]]);
    expect(curve.fineZReOhm[60]).toBeCloseTo(direct.re[0], 9);
    expect(curve.fineZImOhm[60]).toBeCloseTo(direct.im[0], 9);
  });

  it('names the parameter that is missing or not a number', () => {
    const rest = { ...features.fitParams };
    delete rest.R2;
    expect(() => fittedCurve(DEFAULT_FEATURE_CIRCUIT, rest, f)).toThrow(
      'fit parameter R2 of circuit R0-p(R1,CPE1)-p(R2,CPE2)-CPE3 is missing',
    );
    expect(() => fittedCurve(DEFAULT_FEATURE_CIRCUIT, { ...features.fitParams, R0: null }, f)).toThrow(
      'fit parameter R0 of circuit R0-p(R1,CPE1)-p(R2,CPE2)-CPE3 is not a finite number (null)',
    );
    expect(() => fittedCurve(DEFAULT_FEATURE_CIRCUIT, features.fitParams, [])).toThrow('no measured frequencies');
  });
});

describe('packed float32 maps', () => {
  it('round-trips values and nulls (float32 precision)', () => {
    const values = [3.9123456, null, -0.5, 0, 1e-7, null];
    const back = unpackFloat32(packFloat32(values));
    expect(back.map((v) => (v === null ? null : Number(v.toPrecision(7))))).toEqual([3.912346, null, -0.5, 0, 1e-7, null]);
    expect(Buffer.from(packFloat32(values), 'base64').length).toBe(24);
  });
  it('is little-endian float32, as the browser reads it', () => {
    expect(Buffer.from(packFloat32([1]), 'base64')).toEqual(Buffer.from([0, 0, 0x80, 0x3f]));
    expect(packFloat32([])).toBe('');
  });
  it('refuses a packed string that is not whole float32 values', () => {
    expect(() => unpackFloat32(Buffer.from([1, 2, 3]).toString('base64'))).toThrow('multiple of 4 bytes, got 3');
  });
});

describe('a stored cell as the cell page shows it', () => {
  const f = logFrequencies(1e6, 1, 8);
  const row = (spectrum: { zRe: ArrayLike<number>; zIm: ArrayLike<number> }, features: Record<string, unknown>): SpectrumRow => ({
    sheet_test_id: '00000000-0000-4000-8000-000000000001',
    row: 1,
    col: 2,
    test_id: 'RIG-1',
    received_at: new Date('2026-12-01T10:00:00Z'),
    temperature_c: 25,
    rows: 4,
    cols: 4,
    frequencies: encodeFrequencies(f),
    frequency_count: f.length,
    status: 'OK',
    ocv_v: 0,
    spectrum: encodeSpectrum(spectrum.zRe, spectrum.zIm),
    features,
  });
  const at = { sheetBarcode: 'S-R0001-0001', row: 1, col: 2 };

  it('says why an open cell has no fit (stray capacitance only), and redraws a good cell’s fit', () => {
    const open = synthesizeSpectrum('p(R1,C1)', [1e10, 5e-12], f, { relative: 0.03, seed: 4 });
    const openFeatures = extractCellFeatures(open, { activeAreaCm2: 0.25, temperatureC: 25, ocvV: 0.3 });
    expect(openFeatures.signature).toBe('OPEN');
    const shown = toSpectrum(at, row(open, { ...openFeatures }));
    expect(shown.fit).toBeNull();
    expect(shown.fitMissingReason).toMatch(/open cell is not fitted: .*stray capacitance/);

    const good = synthesizeSpectrum(DEFAULT_FEATURE_CIRCUIT, [5, 60, 1.2e-8, 0.9, 100, 1.6e-6, 0.8, 1e-6, 0.9], f, {
      relative: 0.005,
      seed: 3,
    });
    const goodShown = toSpectrum(at, row(good, { ...extractCellFeatures(good, { activeAreaCm2: 1, temperatureC: 25, ocvV: 0.4 }) }));
    expect(goodShown.fitMissingReason).toBeNull();
    expect(goodShown.fit?.circuit).toBe(DEFAULT_FEATURE_CIRCUIT);
    // Every parameter with its standard error; features stored before errors were kept give null.
    const goodFeatures = extractCellFeatures(good, { activeAreaCm2: 1, temperatureC: 25, ocvV: 0.4 });
    expect(goodShown.fit?.parameters.map((p) => [p.name, p.stdError])).toEqual(
      Object.keys(goodFeatures.fitParams).map((name) => [name, goodFeatures.fitStdErrors[name]]),
    );
    const older: Record<string, unknown> = { ...goodFeatures };
    delete older.fitStdErrors;
    expect(toSpectrum(at, row(good, older)).fit?.parameters.every((p) => p.stdError === null)).toBe(true);
  });
});
