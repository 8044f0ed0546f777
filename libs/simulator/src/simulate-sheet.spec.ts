import { simulateSheet, toSheetTestBody, type RigCell, type SimulatedSheet } from './simulate-sheet';
import { arrheniusResistanceRatio, INTERLAYERS, INTERFACE_ASR_25C_OHM_CM2, thicknessProfile } from './physics';
import { hashSeed, Rng } from './prng';

const lowFreq = (c: RigCell) => {
  if (c.status !== 'OK') throw new Error('no spectrum');
  const i = c.zReOhm.length - 1;
  return { abs: Math.hypot(c.zReOhm[i], c.zImOhm[i]), phaseDeg: (Math.atan2(c.zImOhm[i], c.zReOhm[i]) * 180) / Math.PI };
};
const byKind = (s: SimulatedSheet, kind: string) => s.truth.filter((t) => t.kind === kind);
const cellAt = (s: SimulatedSheet, row: number, col: number) => s.cells[row * s.cols + col];

describe('prng', () => {
  it('is deterministic and roughly uniform / normal', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 20000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const n = new Rng(7);
    const ns = Array.from({ length: 20000 }, () => n.normal());
    const m = ns.reduce((s, x) => s + x, 0) / ns.length;
    const v = ns.reduce((s, x) => s + (x - m) ** 2, 0) / ns.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(v).toBeGreaterThan(0.95);
    expect(v).toBeLessThan(1.05);
    const p = new Rng(9);
    const ps = Array.from({ length: 20000 }, () => p.poisson(0.5));
    expect(ps.reduce((s, x) => s + x, 0) / ps.length).toBeCloseTo(0.5, 1);
    expect(hashSeed(1, 2)).not.toBe(hashSeed(2, 1));
  });
});

describe('physics', () => {
  it('thickness: CD smile thins the edges, MD drift thins the tail of the roll', () => {
    expect(thicknessProfile(1.5, 150, 0, 300, 200000, 0.08, 0.05)).toBeCloseTo(1.5, 10);
    expect(thicknessProfile(1.5, 0, 0, 300, 200000, 0.08, 0.05)).toBeCloseTo(1.5 * 0.92, 10);
    expect(thicknessProfile(1.5, 150, 200000, 300, 200000, 0.08, 0.05)).toBeCloseTo(1.5 * 0.95, 10);
  });

  it('LiPON resistance changes ~7 % per °C near 25 °C (Ea 0.55 eV)', () => {
    const perDegree = 1 - arrheniusResistanceRatio(26, 0.55);
    expect(perDegree).toBeGreaterThan(0.06);
    expect(perDegree).toBeLessThan(0.08);
  });

  it('interlayer ranking: Pt best … Sn and bare LiPON worst', () => {
    const order = [...INTERLAYERS].sort((a, b) => INTERFACE_ASR_25C_OHM_CM2[a] - INTERFACE_ASR_25C_OHM_CM2[b]);
    expect(order[0]).toBe('Pt');
    expect(order.slice(-2)).toEqual(['Sn', 'none']);
  });
});

describe('simulateSheet', () => {
  const base = { seed: 1234, sheetIndex: 3, rows: 25, cols: 25 };
  const sheet = simulateSheet(base);

  it('is deterministic per (seed, sheetIndex)', () => {
    expect(simulateSheet(base)).toEqual(sheet);
    const other = simulateSheet({ ...base, sheetIndex: 4 });
    expect(other.cells[0]).not.toEqual(sheet.cells[0]);
  });

  it('produces the rig ingest contract shape', () => {
    const f = sheet.frequenciesHz;
    expect(f.length).toBe(49); // 1 MHz → 1 Hz at 8 per decade
    expect(f[0]).toBe(1e6);
    expect(f[f.length - 1]).toBe(1);
    expect(new Set(f).size).toBe(f.length);
    expect(sheet.cells).toHaveLength(625);
    sheet.cells.forEach((c, i) => {
      expect([c.row, c.col]).toEqual([Math.floor(i / 25), i % 25]);
      if (c.status === 'OK') {
        expect(Object.keys(c).sort()).toEqual(['col', 'ocvV', 'row', 'status', 'zImOhm', 'zReOhm']);
        expect(c.zReOhm).toHaveLength(f.length);
        expect(c.zImOhm).toHaveLength(f.length);
        expect([...c.zReOhm, ...c.zImOhm].every(Number.isFinite)).toBe(true);
        expect(c.ocvV).toBeGreaterThanOrEqual(-1);
        expect(c.ocvV).toBeLessThanOrEqual(6);
      } else {
        expect(c).toEqual({ row: c.row, col: c.col, status: 'NO_CONTACT' });
      }
    });
    const body = toSheetTestBody(sheet, { testId: 'SIM-1', sheet: 'S-R0001-0003', startedAt: '2026-11-22T10:00:00Z' });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    expect(body.temperatureC).toBe(25);
  });

  it('good cells: ASR in the 100–300 Ω·cm² band, blocking tail, low OCV', () => {
    const good = byKind(sheet, 'GOOD');
    expect(good.length).toBeGreaterThan(550);
    for (const t of good) {
      expect(t.asrOhmCm2).toBeGreaterThan(80);
      expect(t.asrOhmCm2).toBeLessThan(300);
      const lf = lowFreq(cellAt(sheet, t.row, t.col));
      expect(lf.phaseDeg).toBeLessThan(-75);
      const c = cellAt(sheet, t.row, t.col);
      expect(c.status === 'OK' && c.ocvV >= 0 && c.ocvV <= 1.05).toBe(true);
    }
  });

  it('defect signatures: shorts resistive and low, opens huge, contact opens noisy or NO_CONTACT', () => {
    const many = Array.from({ length: 8 }, (_, i) =>
      simulateSheet({ seed: 99, sheetIndex: i, defects: { shortDensityPerCm2: 0.05, hardOpenRate: 0.01 } }),
    );
    let shorts = 0;
    let opens = 0;
    for (const s of many) {
      for (const t of byKind(s, 'HARD_SHORT')) {
        const lf = lowFreq(cellAt(s, t.row, t.col));
        expect(lf.abs).toBeLessThan(1100);
        expect(lf.phaseDeg).toBeGreaterThan(-10);
        expect(Math.abs(t.ocvV)).toBeLessThan(1e-9);
        shorts++;
      }
      for (const t of byKind(s, 'OPEN')) {
        expect(lowFreq(cellAt(s, t.row, t.col)).abs).toBeGreaterThan(1e10);
        opens++;
      }
      for (const t of byKind(s, 'CONTACT_OPEN')) {
        const c = cellAt(s, t.row, t.col);
        expect(c.status).toBe(t.contactOpenMode === 'NO_CONTACT' ? 'NO_CONTACT' : 'OK');
      }
    }
    expect(shorts).toBeGreaterThan(100); // D = 0.05/cm² over 5000 cm² ≈ 240 Poisson shorts, 70 % hard
    expect(opens).toBeGreaterThan(20);
  });

  it('short count follows Poisson yield Y = exp(−D·A)', () => {
    const n = 16;
    let shorted = 0;
    for (let i = 0; i < n; i++) {
      const s = simulateSheet({ seed: 5, sheetIndex: i, defects: { shortDensityPerCm2: 0.1, burstProbability: 0 } });
      shorted += s.truth.filter((t) => t.physicalKind === 'HARD_SHORT' || t.physicalKind === 'SOFT_SHORT').length;
    }
    const expected = n * 625 * (1 - Math.exp(-0.1));
    expect(Math.abs(shorted - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it('bursts are clustered around one cell', () => {
    const s = simulateSheet({ seed: 3, defects: { shortDensityPerCm2: 0, burstProbability: 1, burstShortProbability: 1 } });
    const burst = s.truth.filter((t) => t.inBurst);
    expect(burst.length).toBeGreaterThanOrEqual(4);
    expect(burst.length).toBeLessThanOrEqual(9);
    const rows = burst.map((t) => t.row);
    const cols = burst.map((t) => t.col);
    expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(2);
    expect(Math.max(...cols) - Math.min(...cols)).toBeLessThanOrEqual(2);
  });

  it('retest: same physics, contact opens cleared, fresh noise', () => {
    const first = simulateSheet({ ...base, defects: { contactOpenRate: 0.05 } });
    const again = simulateSheet({ ...base, defects: { contactOpenRate: 0.05 }, retest: true });
    expect(byKind(first, 'CONTACT_OPEN').length).toBeGreaterThan(10);
    expect(byKind(again, 'CONTACT_OPEN')).toHaveLength(0);
    expect(again.cells.every((c) => c.status === 'OK')).toBe(true);
    expect(again.truth.map((t) => t.physicalKind)).toEqual(first.truth.map((t) => t.physicalKind));
    expect(again.truth.map((t) => t.params)).toEqual(first.truth.map((t) => t.params));
    const i = first.truth.findIndex((t) => t.kind === 'GOOD');
    expect(again.cells[i]).not.toEqual(first.cells[i]);
  });

  it('temperature: a warmer test reads a lower ASR, the 25 °C ASR stays', () => {
    const warm = simulateSheet({ ...base, process: { temperatureC: 35 } });
    const t0 = sheet.truth.find((t) => t.kind === 'GOOD');
    const t1 = warm.truth[sheet.truth.indexOf(t0!)];
    expect(t1.asrOhmCm2).toBeLessThan(0.6 * t0!.asrOhmCm2);
    expect(t1.asr25OhmCm2).toBeCloseTo(t0!.asr25OhmCm2, 6);
  });

  it('a thicker LiPON and a worse interlayer raise the ASR', () => {
    const mean = (s: SimulatedSheet) => {
      const g = byKind(s, 'GOOD');
      return g.reduce((a, t) => a + t.asrOhmCm2, 0) / g.length;
    };
    const thick = simulateSheet({ ...base, process: { liponThicknessUm: 3 } });
    const bare = simulateSheet({ ...base, process: { interlayer: 'none' } });
    expect(mean(thick)).toBeGreaterThan(mean(sheet) + 40);
    expect(mean(bare)).toBeGreaterThan(mean(sheet) + 100);
  });

  it('rejects nonsense options', () => {
    expect(() => simulateSheet({ seed: 1, rows: 0 })).toThrow(/rows/);
    expect(() => simulateSheet({ seed: 1.5 })).toThrow(/seed/);
    expect(() => simulateSheet({ seed: 1, defects: { leakyRate: 2 } })).toThrow(/leakyRate/);
  });
});
