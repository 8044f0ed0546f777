import { simulateSheet } from '@mes/simulator';
import { decodeSpectrum, encodeSheetCells, cellSpectrum, type SheetTestBody } from '@mes/sheet-test';
import { evaluateSheetTest, type StoredCell } from './evaluate-sheet-test';

describe('evaluateSheetTest', () => {
  // A small simulated sheet, stored and read back as the worker sees it (float32 spectra).
  const sim = simulateSheet({ seed: 7, sheetIndex: 1, rows: 10, cols: 10, cellActiveAreaCm2: 0.25 });
  const body = {
    testId: 't',
    sheet: 's',
    startedAt: '2026-11-22T10:00:00Z',
    temperatureC: 25,
    frequenciesHz: sim.frequenciesHz,
    cells: sim.cells,
  } as SheetTestBody;
  const enc = encodeSheetCells(body);
  const stored: StoredCell[] = Array.from({ length: enc.count }, (_, i) => {
    const buf = cellSpectrum(enc, i);
    const z = buf && enc.status[i] === 0 ? decodeSpectrum(buf, enc.points) : null;
    return {
      row: enc.rows[i],
      col: enc.cols[i],
      status: enc.status[i] === 0 ? 'OK' : 'NO_CONTACT',
      ocvV: Number.isNaN(enc.ocv[i]) ? null : enc.ocv[i],
      zReOhm: z?.zReOhm ?? null,
      zImOhm: z?.zImOhm ?? null,
    };
  });
  const results = evaluateSheetTest({ frequenciesHz: sim.frequenciesHz, cellAreaCm2: 0.25, temperatureC: 25 }, stored);

  it('bins every cell once, in the order given', () => {
    expect(results).toHaveLength(100);
    results.forEach((r, i) => expect([r.row, r.col]).toEqual([stored[i].row, stored[i].col]));
  });

  it('puts rig faults in soft bin 0 and the simulator’s shorts and opens in fail bins', () => {
    sim.truth.forEach((t) => {
      const r = results.find((x) => x.row === t.row && x.col === t.col)!;
      if (t.kind === 'HARD_SHORT' || t.kind === 'OPEN')
        expect({ kind: t.kind, fail: r.bin.softBin >= 10 }).toEqual({ kind: t.kind, fail: true });
      if (t.kind === 'GOOD') expect({ kind: t.kind, pass: r.bin.softBin >= 1 && r.bin.softBin <= 9 }).toEqual({ kind: t.kind, pass: true });
    });
    const noContact = stored.filter((c) => c.status === 'NO_CONTACT');
    for (const c of noContact) expect(results.find((r) => r.row === c.row && r.col === c.col)!.bin.softBin).toBe(0);
  });

  it('bins an OCV-only test without features', () => {
    const ocvOnly = evaluateSheetTest(
      { frequenciesHz: null, cellAreaCm2: 0.25, temperatureC: 25 },
      stored.map((c) => ({ ...c, zReOhm: null, zImOhm: null })),
    );
    expect(ocvOnly.every((r) => r.features === null)).toBe(true);
    expect(ocvOnly).toHaveLength(100);
  });
});
