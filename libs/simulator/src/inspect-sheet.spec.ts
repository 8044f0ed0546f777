import type { SheetLayout } from '@mes/geometry';
import { validateInspectionBody } from '@mes/sheet-test';
import { simulateInspection } from './inspect-sheet';
import { simulateSheet } from './simulate-sheet';

const layout: SheetLayout = {
  rows: 20,
  cols: 20,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 5.5,
  firstCellMdMm: 10,
  firstCellCdMm: 10,
  sheetLengthMdMm: 130,
};

describe('simulated inspection', () => {
  // Plenty of shorts, so the particles behind them are many.
  const sheet = simulateSheet({
    seed: 7,
    sheetIndex: 3,
    rows: 20,
    cols: 20,
    cellActiveAreaCm2: 0.25,
    defects: { shortDensityPerCm2: 0.4 },
  });
  const run = () =>
    simulateInspection({ sheet, layout, sheetBarcode: 'S-SIM-1', inspectionId: 'AOI-SIM-1', inspectedAt: '2026-11-22T10:00:00Z' });

  it('posts a body the inspection contract accepts, the same for the same seed', () => {
    const a = run();
    expect(validateInspectionBody(a.body).ok).toBe(true);
    expect(run()).toEqual(a);
    expect(a.body.defects.length).toBe(a.truth.length);
  });

  it('puts the particle behind a short into that short cell’s active area, mapped back through the alignment', () => {
    const { body, truth } = run();
    const shorts = sheet.truth.filter((t) => t.physicalKind === 'HARD_SHORT' || t.physicalKind === 'SOFT_SHORT');
    const causes = truth.filter((t) => t.causedShort);
    expect(shorts.length).toBeGreaterThan(10);
    // about 80 % of the shorts show their particle
    expect(causes.length).toBeGreaterThan(shorts.length * 0.5);
    expect(causes.length).toBeLessThanOrEqual(shorts.length);
    for (const c of causes) {
      expect(c.zone).toBe('ACTIVE');
      expect(shorts.some((s) => s.row === c.row && s.col === c.col)).toBe(true);
    }
    truth.forEach((t, i) => {
      if (t.causedShort) expect(body.defects[i]).toMatchObject({ class: 'PARTICLE' });
      if (t.causedShort) expect(body.defects[i].sizeUm).toBeGreaterThanOrEqual(60);
    });
    expect(body.alignment).not.toEqual({ offsetMdMm: 0, offsetCdMm: 0, rotationDeg: 0 });
  });

  it('refuses a layout that is not the simulated sheet’s grid', () => {
    expect(() => simulateInspection({ sheet, layout: { ...layout, rows: 10 }, sheetBarcode: 'S', inspectionId: 'I' })).toThrow(
      'the simulated sheet is 20 x 20, the layout 10 x 20',
    );
  });
});
