import {
  compareStackFaults,
  CYCLER_CSV_HEADER,
  formatFaultTable,
  planStackFaults,
  synthesizeCyclerCsv,
  synthesizeStackTest,
  type LayerSpectrum,
} from './stack-faults';

const F = [1e5, 1e3, 10, 1];

/** An RC-like layer: R in series with a capacitor-ish imaginary part, the same at every layer when scaled by 1. */
function layer(scale = 1, ocvV = 0.5): LayerSpectrum {
  return {
    frequenciesHz: F,
    zReOhm: [10, 400, 900, 1000].map((v) => v * scale),
    zImOhm: [-1, -150, -300, -2000].map((v) => v * scale),
    ocvV,
  };
}

const mag = (re: number, im: number) => Math.hypot(re, im);

describe('planStackFaults', () => {
  it('puts each fault on its own stack at a layer of the stack, the same for the same seed', () => {
    const faults = planStackFaults(10, 8, { open: 2, shorted: 3 }, 7);
    expect(faults).toHaveLength(5);
    expect(new Set(faults.map((f) => f.stack)).size).toBe(5);
    expect(faults.filter((f) => f.kind === 'OPEN_LAYER')).toHaveLength(2);
    expect(faults.filter((f) => f.kind === 'SHORTED_LAYER')).toHaveLength(3);
    for (const f of faults) {
      expect(f.stack).toBeGreaterThanOrEqual(0);
      expect(f.stack).toBeLessThan(10);
      expect(f.layer).toBeGreaterThanOrEqual(1);
      expect(f.layer).toBeLessThanOrEqual(8);
    }
    expect(planStackFaults(10, 8, { open: 2, shorted: 3 }, 7)).toEqual(faults);
    expect(planStackFaults(10, 8, { open: 2, shorted: 3 }, 8)).not.toEqual(faults);
  });

  it('uses every stack when asked for as many faults as stacks, and refuses more', () => {
    expect(
      planStackFaults(3, 4, { open: 1, shorted: 2 }, 1)
        .map((f) => f.stack)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(() => planStackFaults(3, 4, { open: 2, shorted: 2 }, 1)).toThrow(
      '2 open and 2 shorted layers need 4 stacks (one fault per stack), only 3 were built',
    );
    expect(() => planStackFaults(3, 4, { open: -1, shorted: 0 }, 1)).toThrow('open must be a whole number ≥ 0, got -1');
  });
});

describe('synthesizeStackTest', () => {
  it('measures the parallel combination: n equal layers read 1/n of one layer', () => {
    const m = synthesizeStackTest([layer(), layer(), layer(), layer()], null, 1, 0);
    F.forEach((_, k) => {
      expect(m.zReOhm[k]).toBeCloseTo(layer().zReOhm[k] / 4, 6);
      expect(m.zImOhm[k]).toBeCloseTo(layer().zImOhm[k] / 4, 6);
    });
    expect(m.frequenciesHz).toEqual(F);
    expect(m.ocvV).toBeGreaterThan(0.49);
    expect(m.ocvV).toBeLessThan(0.51);
  });

  it('adds admittances of unequal layers: a layer of half the impedance carries twice the current', () => {
    const m = synthesizeStackTest([layer(1), layer(0.5)], null, 1, 0);
    // 1 / (1/Z + 2/Z) = Z / 3
    expect(m.zReOhm[3]).toBeCloseTo(1000 / 3, 3);
    expect(m.zImOhm[3]).toBeCloseTo(-2000 / 3, 3);
  });

  it('leaves an open layer out of the sum: n layers with one open read like n - 1', () => {
    const layers = Array.from({ length: 8 }, () => layer());
    const open = synthesizeStackTest(layers, { kind: 'OPEN_LAYER', layer: 3 }, 1, 0);
    expect(open.zReOhm[2]).toBeCloseTo(900 / 7, 2);
    expect(open.zImOhm[3]).toBeCloseTo(-2000 / 7, 2);
    expect(open.shortOhm).toBeUndefined();
  });

  it('a shorted layer pulls |Z| at low frequency and the OCV far down', () => {
    const layers = Array.from({ length: 8 }, () => layer());
    const good = synthesizeStackTest(layers, null, 2, 0);
    const shorted = synthesizeStackTest(layers, { kind: 'SHORTED_LAYER', layer: 5 }, 2, 0);
    expect(shorted.shortOhm).toBeGreaterThanOrEqual(1);
    expect(shorted.shortOhm).toBeLessThanOrEqual(20);
    expect(mag(shorted.zReOhm[3], shorted.zImOhm[3])).toBeLessThan(shorted.shortOhm! * 1.0001);
    expect(mag(shorted.zReOhm[3], shorted.zImOhm[3])).toBeLessThan(0.2 * mag(good.zReOhm[3], good.zImOhm[3]));
    expect(shorted.ocvV).toBeLessThan(0.02);
    expect(good.ocvV).toBeGreaterThan(0.49);
  });

  it('adds about 1 % complex rig noise, seeded', () => {
    const layers = Array.from({ length: 8 }, () => layer());
    const a = synthesizeStackTest(layers, null, 5);
    expect(synthesizeStackTest(layers, null, 5)).toEqual(a);
    const b = synthesizeStackTest(layers, null, 6);
    expect(b.zReOhm).not.toEqual(a.zReOhm);
    const clean = synthesizeStackTest(layers, null, 5, 0);
    const rel = a.zReOhm.map((v, k) => mag(v - clean.zReOhm[k], a.zImOhm[k] - clean.zImOhm[k]) / mag(clean.zReOhm[k], clean.zImOhm[k]));
    expect(Math.max(...rel)).toBeLessThan(0.06);
    expect(Math.max(...rel)).toBeGreaterThan(0);
  });

  it('refuses layers at other frequencies and a fault layer outside the stack', () => {
    const other = { ...layer(), frequenciesHz: [1e5, 1e3, 10, 2] };
    expect(() => synthesizeStackTest([layer(), other], null, 1)).toThrow('layer 2 was measured at other frequencies than layer 1');
    expect(() => synthesizeStackTest([layer(), layer()], { kind: 'OPEN_LAYER', layer: 3 }, 1)).toThrow(
      'fault layer 3 is not a layer of a 2-layer stack',
    );
    expect(() => synthesizeStackTest([], null, 1)).toThrow('a stack has at least one layer');
  });
});

describe('synthesizeCyclerCsv', () => {
  const parse = (csv: string) =>
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));

  it('writes the generic layout, one row per cycle, with a low first-cycle CE', () => {
    const csv = synthesizeCyclerCsv({ capacityMah: 1.2, meanLayerAsrOhmCm2: 200 }, 50, 3);
    expect(csv.split('\n')[0]).toBe(CYCLER_CSV_HEADER);
    const rows = parse(csv);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(rows[0][3]).toBeGreaterThanOrEqual(88);
    expect(rows[0][3]).toBeLessThanOrEqual(90);
    for (const r of rows.slice(1)) expect(r[3]).toBeGreaterThan(99.7);
    // charge = discharge / CE
    for (const r of rows) expect(r[2] / r[1]).toBeCloseTo(r[3] / 100, 3);
    expect(rows[0][2]).toBeCloseTo(1.2 * 0.97, 2);
  });

  it('fades faster for stacks of higher layer ASR', () => {
    const retention = (asr: number) => {
      const rows = parse(synthesizeCyclerCsv({ capacityMah: 1.2, meanLayerAsrOhmCm2: asr }, 200, 3));
      return rows[rows.length - 1][2] / rows[1][2];
    };
    expect(retention(400)).toBeLessThan(retention(150));
    expect(retention(150)).toBeGreaterThan(0.85);
  });
});

describe('compareStackFaults', () => {
  it('lists injected against found and counts misses and false alarms', () => {
    const c = compareStackFaults([
      { barcode: 'STK-1', fault: null, finding: { bin: 'PASS', suspectLayer: null } },
      { barcode: 'STK-2', fault: { kind: 'OPEN_LAYER', layer: 3 }, finding: { bin: 'OPEN_LAYER', suspectLayer: 3 } },
      { barcode: 'STK-3', fault: { kind: 'OPEN_LAYER', layer: 2 }, finding: { bin: 'OPEN_LAYER', suspectLayer: 5 } },
      { barcode: 'STK-4', fault: { kind: 'SHORTED_LAYER', layer: 1 }, finding: { bin: 'PASS', suspectLayer: null } },
      { barcode: 'STK-5', fault: null, finding: { bin: 'MISMATCH', suspectLayer: null } },
    ]);
    expect(c).toMatchObject({ injected: 3, found: 3, missed: 1, falseAlarms: 1, exact: false });
    expect(c.rows.map((r) => [r.injected, r.found, r.agrees, r.layerAgrees])).toEqual([
      ['none', 'PASS', true, null],
      ['OPEN_LAYER layer 3', 'OPEN_LAYER layer 3', true, true],
      ['OPEN_LAYER layer 2', 'OPEN_LAYER layer 5', true, false],
      ['SHORTED_LAYER layer 1', 'PASS', false, null],
      ['none', 'MISMATCH', false, null],
    ]);
    const table = formatFaultTable(c);
    expect(table[0]).toMatch(/^stack\s+injected\s+found by the stack test\s+check$/);
    expect(table.find((l) => l.startsWith('STK-4'))).toMatch(/MISSED$/);
    expect(table.find((l) => l.startsWith('STK-5'))).toMatch(/FALSE ALARM$/);
    expect(table.find((l) => l.startsWith('STK-3'))).toMatch(/ok \(other layer named\)$/);
    expect(table[table.length - 1]).toBe('stack test vs truth: 3 faults injected, 3 stacks binned as faulty, 1 missed, 1 false alarms');
  });

  it('is exact when every stack agrees', () => {
    const c = compareStackFaults([
      { barcode: 'STK-1', fault: null, finding: { bin: 'PASS', suspectLayer: null } },
      { barcode: 'STK-2', fault: { kind: 'SHORTED_LAYER', layer: 4 }, finding: { bin: 'SHORTED_LAYER', suspectLayer: null } },
    ]);
    expect(c.exact).toBe(true);
    expect(formatFaultTable(c).at(-1)).toMatch(/: the final test found exactly the injected faults$/);
  });
});
