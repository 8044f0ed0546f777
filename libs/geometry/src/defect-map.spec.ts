import { alignedPosition, mapDefect, mapDefects, NO_MISALIGNMENT, ZONE_ACTIVE, type SheetLayout } from './index';

// 4 x 3 cells of 5 x 4 mm at 6 x 5 mm pitch: kerf 1 mm along MD, 1 mm across CD.
const layout: SheetLayout = {
  rows: 4,
  cols: 3,
  cellMdMm: 5,
  cellCdMm: 4,
  pitchMdMm: 6,
  pitchCdMm: 5,
  firstCellMdMm: 10,
  firstCellCdMm: 8,
  sheetLengthMdMm: 50,
};

describe('defect-to-cell mapping', () => {
  it('puts a defect at a cell centre in that cell', () => {
    expect(mapDefect(layout, NO_MISALIGNMENT, 10, 8)).toEqual({ zone: 'ACTIVE', row: 0, col: 0 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 10 + 3 * 6, 8 + 2 * 5)).toEqual({ zone: 'ACTIVE', row: 3, col: 2 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 16, 13)).toEqual({ zone: 'ACTIVE', row: 1, col: 1 });
  });

  it('counts the active-area edges as inside and a hair beyond them as kerf', () => {
    // cell (1,1) spans MD 13.5..18.5 and CD 11..15
    expect(mapDefect(layout, NO_MISALIGNMENT, 13.5, 11)).toEqual({ zone: 'ACTIVE', row: 1, col: 1 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 18.5, 15)).toEqual({ zone: 'ACTIVE', row: 1, col: 1 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 18.51, 13).zone).toBe('KERF');
    expect(mapDefect(layout, NO_MISALIGNMENT, 16, 15.01).zone).toBe('KERF');
  });

  it('names the nearest cell of a kerf defect, and calls the sheet outside the grid border', () => {
    // MD 12.9 lies in the kerf between rows 0 (ends 12.5) and 1 (starts 13.5), nearer row 0's centre
    expect(mapDefect(layout, NO_MISALIGNMENT, 12.9, 8)).toEqual({ zone: 'KERF', row: 0, col: 0 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 13.2, 8)).toEqual({ zone: 'KERF', row: 1, col: 0 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 2, 8)).toEqual({ zone: 'BORDER', row: 0, col: 0 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 45, 40)).toEqual({ zone: 'BORDER', row: 3, col: 2 });
    // just outside the first cell's leading edge: not in the grid any more
    expect(mapDefect(layout, NO_MISALIGNMENT, 7.49, 8).zone).toBe('BORDER');
  });

  it('applies the offsets: a shifted pattern moves its cells with it', () => {
    const shifted = { offsetMdMm: 3, offsetCdMm: -2, rotationDeg: 0 };
    // nominal centre of (0,0) is now at 13, 6
    expect(mapDefect(layout, shifted, 13, 6)).toEqual({ zone: 'ACTIVE', row: 0, col: 0 });
    // the old centre of (0,0) now lies before the grid's leading edge; MD 15.8 is nominal 12.8, the kerf after row 0
    expect(mapDefect(layout, shifted, 10, 8)).toEqual({ zone: 'BORDER', row: 0, col: 0 });
    expect(mapDefect(layout, shifted, 15.8, 6)).toEqual({ zone: 'KERF', row: 0, col: 0 });
    expect(mapDefect(layout, NO_MISALIGNMENT, 15.8, 6)).toEqual({ zone: 'ACTIVE', row: 1, col: 0 });
  });

  it('applies the rotation about the grid centre', () => {
    // grid centre: MD 10 + 1.5*6 = 19, CD 8 + 1*5 = 13 (the centre of cell row 1.5, col 1)
    const turned = { offsetMdMm: 0, offsetCdMm: 0, rotationDeg: 90 };
    // turned 90°, the nominal point (MD 19+d, CD 13) lands at (19, 13+d): cell (3,1) centre (d = 9) lands at CD 22
    const p = alignedPosition(layout, turned, 28, 13);
    expect(p.mdMm).toBeCloseTo(19, 9);
    expect(p.cdMm).toBeCloseTo(22, 9);
    expect(mapDefect(layout, turned, p.mdMm, p.cdMm)).toEqual({ zone: 'ACTIVE', row: 3, col: 1 });
    // without the rotation the same spot is beyond the grid's CD edge
    expect(mapDefect(layout, NO_MISALIGNMENT, p.mdMm, p.cdMm).zone).toBe('BORDER');
  });

  it('a small rotation moves corner cells more than the centre', () => {
    const small = { offsetMdMm: 0, offsetCdMm: 0, rotationDeg: -2 };
    // -2° about the centre moves the corner cell (0,0) (about 10 mm from it) by ~0.3 mm towards +CD: a
    // point 0.25 mm inside its nominal -CD edge is then outside it, while a cell near the centre barely moves
    const nominalEdge = { md: 10, cd: 8 - 2 + 0.25 };
    expect(mapDefect(layout, small, 16, 13 - 2 + 0.25)).toEqual({ zone: 'ACTIVE', row: 1, col: 1 });
    expect(mapDefect(layout, NO_MISALIGNMENT, nominalEdge.md, nominalEdge.cd).zone).toBe('ACTIVE');
    expect(mapDefect(layout, small, nominalEdge.md, nominalEdge.cd).zone).not.toBe('ACTIVE');
  });

  it('holds for many random alignments: a point printed inside a cell maps back to that cell (seeded)', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < 2000; k++) {
      const a = { offsetMdMm: (rnd() - 0.5) * 4, offsetCdMm: (rnd() - 0.5) * 4, rotationDeg: (rnd() - 0.5) * 10 };
      const row = Math.floor(rnd() * layout.rows);
      const col = Math.floor(rnd() * layout.cols);
      // a nominal point strictly inside the active area, and one strictly in the kerf to its +MD side
      const inMd = layout.firstCellMdMm + row * layout.pitchMdMm + (rnd() - 0.5) * 0.98 * layout.cellMdMm;
      const inCd = layout.firstCellCdMm + col * layout.pitchCdMm + (rnd() - 0.5) * 0.98 * layout.cellCdMm;
      const p = alignedPosition(layout, a, inMd, inCd);
      expect(mapDefect(layout, a, p.mdMm, p.cdMm)).toEqual({ zone: 'ACTIVE', row, col });
      if (row < layout.rows - 1) {
        const kerfMd = layout.firstCellMdMm + row * layout.pitchMdMm + layout.cellMdMm / 2 + 0.05 + rnd() * 0.9;
        const q = alignedPosition(layout, a, kerfMd, inCd);
        expect(mapDefect(layout, a, q.mdMm, q.cdMm).zone).toBe('KERF');
      }
    }
  });

  it('maps a batch the same as one by one, and refuses arrays of different lengths', () => {
    const a = { offsetMdMm: 0.4, offsetCdMm: -0.3, rotationDeg: 0.5 };
    const md = [10, 16.2, 12.9, 45, 28];
    const cd = [8, 13, 8, 40, 18];
    const all = mapDefects(layout, a, md, cd);
    md.forEach((m, i) => {
      const one = mapDefect(layout, a, m, cd[i]);
      expect([one.row, one.col, one.zone === 'ACTIVE']).toEqual([all.row[i], all.col[i], all.zone[i] === ZONE_ACTIVE]);
    });
    expect(() => mapDefects(layout, a, [1, 2], [1])).toThrow('2 MD positions but 1 CD positions');
  });
});
