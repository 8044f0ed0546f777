import {
  ancestorRegions,
  cellIndex,
  cellMdExtent,
  cellRollPosition,
  intervalProblem,
  layoutProblems,
  planSheetCuts,
  sheetCellPositions,
  slitLinks,
  spliceLinks,
  type SheetLayout,
} from './index';

// 50 x 50 cells of 5 x 5 mm at 5.5 mm pitch on a 300 mm sheet, centred: 0.25 cm2 cells.
const layout: SheetLayout = {
  rows: 50,
  cols: 50,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 5.5,
  firstCellMdMm: 15.25,
  firstCellCdMm: 15.25,
  sheetLengthMdMm: 300,
};

describe('sheet coordinates', () => {
  it('puts cell (0,0) at the operator side nearest the leading end, rows along MD, cols across CD', () => {
    const sheetStart = 10_000;
    expect(cellRollPosition(layout, sheetStart, 0, 0)).toEqual({ mdMm: 10_015.25, cdMm: 15.25 });
    // one row further = one pitch further along the web; one col further = one pitch across it
    expect(cellRollPosition(layout, sheetStart, 1, 0)).toEqual({ mdMm: 10_020.75, cdMm: 15.25 });
    expect(cellRollPosition(layout, sheetStart, 0, 1)).toEqual({ mdMm: 10_015.25, cdMm: 20.75 });
    expect(cellRollPosition(layout, sheetStart, 49, 49)).toEqual({ mdMm: 10_284.75, cdMm: 284.75 });
  });

  it('indexes maps row-major and refuses cells outside the grid', () => {
    expect(cellIndex(layout, 0, 0)).toBe(0);
    expect(cellIndex(layout, 1, 0)).toBe(50);
    expect(cellIndex(layout, 2, 3)).toBe(103);
    expect(() => cellIndex(layout, 50, 0)).toThrow('cell (50, 0) is outside the 50 x 50 grid');
    expect(() => cellIndex(layout, 0, -1)).toThrow(RangeError);
  });

  it('lists every cell of a sheet in map order with the same positions as the single-cell function', () => {
    const all = sheetCellPositions(layout, 3_000);
    expect(all.row.length).toBe(2500);
    for (const i of [0, 1, 49, 50, 1234, 2499]) {
      const pos = cellRollPosition(layout, 3_000, all.row[i], all.col[i]);
      expect(cellIndex(layout, all.row[i], all.col[i])).toBe(i);
      expect(all.mdMm[i]).toBe(pos.mdMm);
      expect(all.cdMm[i]).toBe(pos.cdMm);
    }
  });

  it('gives the MD extent of a cell active area', () => {
    expect(cellMdExtent(layout, 100)).toEqual({ startMm: 97.5, endMm: 102.5 });
  });

  it('finds layouts whose cells do not fit the sheet or the web', () => {
    expect(layoutProblems(layout, 300)).toEqual([]);
    expect(layoutProblems({ ...layout, rows: 60 }, 300)[0]).toMatch(/^rows: the cells span MD/);
    expect(layoutProblems(layout, 250)[0]).toMatch(/^cols: the cells span CD .* inside the web width 250 mm/);
    expect(layoutProblems({ ...layout, pitchCdMm: 4 })).toContain('pitchCdMm: expected >= cellCdMm (5), got 4');
  });
});

describe('cutting a roll into sheets', () => {
  const roll = { rollLengthMm: 3_000, leaderMm: 100, trailerMm: 100, sheetLengthMdMm: 300 };

  it('cuts whole sheets from the end of the leader, back to back', () => {
    const cuts = planSheetCuts({ ...roll, alreadyCut: 0 });
    expect(cuts).toHaveLength(9); // (3000 - 200) / 300 = 9.33
    expect(cuts[0]).toEqual({ startMm: 100, endMm: 400 });
    expect(cuts[8]).toEqual({ startMm: 2_500, endMm: 2_800 });
  });

  it('continues after the sheets already cut and never runs into the trailer', () => {
    expect(planSheetCuts({ ...roll, alreadyCut: 7, count: 5 })).toEqual([
      { startMm: 2_200, endMm: 2_500 },
      { startMm: 2_500, endMm: 2_800 },
    ]);
    expect(planSheetCuts({ ...roll, alreadyCut: 9 })).toEqual([]);
  });
});

describe('genealogy', () => {
  it('maps a region of a spliced roll back onto the parts it was joined from', () => {
    const { links, lengthMm } = spliceLinks('C', [
      { rollId: 'A', lengthMm: 1_000, mdOffsetMm: 0 },
      { rollId: 'B', lengthMm: 500, mdOffsetMm: 1_000 },
    ]);
    expect(lengthMm).toBe(1_500);
    const regions = ancestorRegions({ rollId: 'C', startMm: 900, endMm: 1_200 }, links);
    expect(regions).toEqual([
      { rollId: 'C', startMm: 900, endMm: 1_200 },
      { rollId: 'A', startMm: 900, endMm: 1_000 },
      { rollId: 'B', startMm: 0, endMm: 200 },
    ]);
  });

  it('refuses splice parts that overlap or do not start at the head', () => {
    expect(() =>
      spliceLinks('C', [
        { rollId: 'A', lengthMm: 1_000, mdOffsetMm: 0 },
        { rollId: 'B', lengthMm: 500, mdOffsetMm: 900 },
      ]),
    ).toThrow('part B begins at 900 mm, inside the previous part (which ends at 1000 mm)');
    expect(() => spliceLinks('C', [{ rollId: 'A', lengthMm: 1, mdOffsetMm: 0 }])).toThrow(/at least two rolls/);
  });

  it('keeps MD through a slit and follows several generations', () => {
    const slit = slitLinks('P', 300, 2_000, [
      { rollId: 'P1', cdStartMm: 0, cdEndMm: 150 },
      { rollId: 'P2', cdStartMm: 150, cdEndMm: 300 },
    ]);
    expect(slit[1].parentCdStartMm).toBe(150);
    const splice = spliceLinks('Q', [
      { rollId: 'X', lengthMm: 400, mdOffsetMm: 0 },
      { rollId: 'P2', lengthMm: 2_000, mdOffsetMm: 400 },
    ]).links;
    const regions = ancestorRegions({ rollId: 'Q', startMm: 500, endMm: 600 }, [...slit, ...splice]);
    expect(regions).toContainEqual({ rollId: 'P', startMm: 100, endMm: 200 });
    expect(regions.find((r) => r.rollId === 'X')).toBeUndefined();
  });

  it('refuses slit lanes that overlap or leave the web', () => {
    expect(() => slitLinks('P', 300, 10, [{ rollId: 'a', cdStartMm: 0, cdEndMm: 310 }])).toThrow(/inside the web width/);
    expect(() =>
      slitLinks('P', 300, 10, [
        { rollId: 'a', cdStartMm: 0, cdEndMm: 160 },
        { rollId: 'b', cdStartMm: 150, cdEndMm: 300 },
      ]),
    ).toThrow('lane b overlaps lane a across the web');
  });

  it('explains bad MD intervals', () => {
    expect(intervalProblem({ startMm: 10, endMm: 5 }, 100)).toBe('expected mdToMm > mdFromMm, got [10, 5)');
    expect(intervalProblem({ startMm: 0, endMm: 200 }, 100)).toBe('expected mdToMm <= roll length 100 mm, got 200');
    expect(intervalProblem({ startMm: 0, endMm: 100 }, 100)).toBeNull();
  });
});
