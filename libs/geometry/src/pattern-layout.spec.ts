import { alignmentProblems, misregistration, patternLayoutProblems, patternSheetLayout, type PatternLayoutSpec } from './index';

// 4 x 3 cells of 5 x 4 mm at 6 x 5 mm pitch (1 mm streets), marks in two opposite corners of the border.
const spec: PatternLayoutSpec = {
  rows: 4,
  cols: 3,
  cellMdMm: 5,
  cellCdMm: 4,
  pitchMdMm: 6,
  pitchCdMm: 5,
  firstCellMdMm: 10,
  firstCellCdMm: 8,
  kerfMm: 0.05,
  fiducials: [
    { mdMm: 3, cdMm: 3 },
    { mdMm: 45, cdMm: 25 },
  ],
  maxOffsetMm: 0.03,
  maxRotationDeg: 0.02,
};
const paths = (s: PatternLayoutSpec, fit?: { sheetLengthMdMm: number; webWidthMm?: number }) =>
  patternLayoutProblems(s, fit).map((p) => p.path);

describe('pattern layouts', () => {
  it('accepts a sound layout on its own and on a sheet and web it fits', () => {
    expect(patternLayoutProblems(spec)).toEqual([]);
    expect(patternLayoutProblems(spec, { sheetLengthMdMm: 50, webWidthMm: 30 })).toEqual([]);
  });

  it('gives a sheet layout of the product sheet length', () => {
    expect(patternSheetLayout(spec, 50)).toEqual({
      rows: 4,
      cols: 3,
      cellMdMm: 5,
      cellCdMm: 4,
      pitchMdMm: 6,
      pitchCdMm: 5,
      firstCellMdMm: 10,
      firstCellCdMm: 8,
      sheetLengthMdMm: 50,
    });
  });

  it('refuses each broken grid field by name', () => {
    expect(paths({ ...spec, rows: 0 })).toEqual(['rows']);
    expect(paths({ ...spec, cols: 2.5 })).toEqual(['cols']);
    expect(paths({ ...spec, cellMdMm: -1 })).toEqual(['cellMdMm']);
    expect(paths({ ...spec, pitchCdMm: 3 })).toEqual(['pitchCdMm']);
    expect(paths({ ...spec, firstCellCdMm: Number.NaN })).toContain('firstCellCdMm');
    expect(paths({ ...spec, firstCellCdMm: 1 })).toEqual(['firstCellCdMm']);
  });

  it('refuses a kerf that is missing or wider than the street between cells', () => {
    expect(paths({ ...spec, kerfMm: 0 })).toEqual(['kerfMm']);
    const wide = patternLayoutProblems({ ...spec, kerfMm: 1.2 });
    expect(wide).toEqual([{ path: 'kerfMm', message: 'kerfMm: expected at most the street between cells (1 mm), got 1.2' }]);
    expect(patternLayoutProblems({ ...spec, kerfMm: 1 })).toEqual([]);
  });

  it('refuses tolerances outside what an alignment can measure', () => {
    expect(paths({ ...spec, maxOffsetMm: 0 })).toEqual(['maxOffsetMm']);
    expect(paths({ ...spec, maxOffsetMm: 25 })).toEqual(['maxOffsetMm']);
    expect(paths({ ...spec, maxRotationDeg: 6 })).toEqual(['maxRotationDeg']);
  });

  it('wants two to sixteen distinct fiducials in the border of the sheet', () => {
    expect(paths({ ...spec, fiducials: [{ mdMm: 3, cdMm: 3 }] })).toEqual(['fiducials']);
    expect(paths({ ...spec, fiducials: Array.from({ length: 17 }, (_, i) => ({ mdMm: 1 + i * 2, cdMm: 1 })) })).toEqual(['fiducials']);
    const inside = patternLayoutProblems({ ...spec, fiducials: [spec.fiducials[0], { mdMm: 16, cdMm: 13 }] });
    expect(inside.map((p) => p.path)).toEqual(['fiducials[1]']);
    expect(inside[0].message).toContain('inside the cell grid (MD 7.5 to 30.5, CD 6 to 20 mm)');
    expect(paths({ ...spec, fiducials: [spec.fiducials[0], { mdMm: 3.5, cdMm: 3 }] })).toEqual(['fiducials[1]']);
    expect(paths({ ...spec, fiducials: [spec.fiducials[0], { mdMm: -1, cdMm: 3 }] })).toEqual(['fiducials[1]']);
    expect(paths({ ...spec, fiducials: [spec.fiducials[0], { mdMm: 60, cdMm: 3 }] }, { sheetLengthMdMm: 50 })).toEqual(['fiducials[1]']);
  });

  it('refuses a grid that does not fit the product sheet or the web', () => {
    expect(paths(spec, { sheetLengthMdMm: 30 })).toEqual(['rows', 'fiducials[1]']);
    expect(paths(spec, { sheetLengthMdMm: 50, webWidthMm: 15 })).toEqual(['cols', 'fiducials[1]']);
  });
});

describe('alignment and misregistration', () => {
  it('accepts a measured alignment within the instrument range, refuses one outside it', () => {
    expect(alignmentProblems({ offsetMdMm: 0.01, offsetCdMm: -19.9, rotationDeg: 4.9 })).toEqual([]);
    expect(alignmentProblems({ offsetMdMm: 21, offsetCdMm: Number.NaN, rotationDeg: -5.1 }).map((p) => p.path)).toEqual([
      'offsetMdMm',
      'offsetCdMm',
      'rotationDeg',
    ]);
  });

  it('registers within the tolerance (the limit included) and names every axis past it with its numbers', () => {
    expect(misregistration({ offsetMdMm: 0.03, offsetCdMm: -0.03, rotationDeg: 0.02 }, spec)).toEqual([]);
    expect(misregistration({ offsetMdMm: 0.045, offsetCdMm: -0.01, rotationDeg: -0.05 }, spec)).toEqual([
      'MD offset 45 µm past ±30 µm',
      'rotation -0.05° past ±0.02°',
    ]);
    expect(misregistration({ offsetMdMm: 0, offsetCdMm: -0.031, rotationDeg: 0 }, spec)).toEqual(['CD offset -31 µm past ±30 µm']);
  });
});
