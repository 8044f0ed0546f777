import { interpolateThickness, LCO_UAH_PER_CM2_PER_UM, predictedCapacityUah, thicknessGridProblems, type ThicknessGrid } from './index';

// 3 MD x 2 CD points; thickness = 5 + md/100 + cd/50 (a plane, which bilinear interpolation reproduces exactly)
const md = [0, 100, 300];
const cd = [0, 50];
const plane = (m: number, c: number) => 5 + m / 100 + c / 50;
const grid: ThicknessGrid = { mdMm: md, cdMm: cd, valuesUm: md.flatMap((m) => cd.map((c) => plane(m, c))) };

describe('thicknessGridProblems', () => {
  it('accepts a valid grid', () => {
    expect(thicknessGridProblems(grid)).toEqual([]);
  });

  it('checks axes: 2..1000 strictly increasing finite positions', () => {
    expect(thicknessGridProblems({ ...grid, cdMm: [0], mdMm: [0, 100, 100] }, 'map')).toEqual([
      { path: 'map.cdMm', message: 'expected an array of 2 to 1000 positions in mm, got 1 elements' },
      { path: 'map.mdMm[2]', message: 'expected positions to increase strictly, got 100 after 100' },
    ]);
    expect(thicknessGridProblems({ ...grid, mdMm: [0, null, 300] })[0]).toEqual({
      path: 'grid.mdMm[1]',
      message: 'expected a finite number (mm), got null',
    });
    expect(thicknessGridProblems({ ...grid, cdMm: new Array(1001).fill(0).map((_, i) => i) })[0].message).toMatch(/got 1001 elements$/);
  });

  it('checks the number of values and each value, naming its position', () => {
    expect(thicknessGridProblems({ ...grid, valuesUm: [1, 2, 3] })).toEqual([
      { path: 'grid.valuesUm', message: 'expected 6 values (3 MD x 2 CD positions, row-major by MD), got 3' },
    ]);
    expect(thicknessGridProblems({ ...grid, valuesUm: [1, 2, 0, 4, NaN, '6'] })).toEqual([
      { path: 'grid.valuesUm[2]', message: 'expected a finite positive thickness in µm at MD 100 mm, CD 0 mm, got 0' },
      { path: 'grid.valuesUm[4]', message: 'expected a finite positive thickness in µm at MD 300 mm, CD 0 mm, got NaN' },
      { path: 'grid.valuesUm[5]', message: 'expected a finite positive thickness in µm at MD 300 mm, CD 50 mm, got string "6"' },
    ]);
  });

  it('reports wrong shapes and caps the number of problems', () => {
    expect(thicknessGridProblems(null)).toEqual([{ path: 'grid', message: 'expected an object { cdMm, mdMm, valuesUm }, got null' }]);
    expect(thicknessGridProblems({ cdMm: 'a', mdMm: {}, valuesUm: 3 })).toEqual([
      { path: 'grid.cdMm', message: 'expected an array of 2 to 1000 positions in mm, got string "a"' },
      { path: 'grid.mdMm', message: 'expected an array of 2 to 1000 positions in mm, got an object' },
      { path: 'grid.valuesUm', message: 'expected an array of thicknesses in µm, got 3' },
    ]);
    const big = { mdMm: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], cdMm: [0, 1, 2], valuesUm: new Array(30).fill(-1) };
    const problems = thicknessGridProblems(big);
    expect(problems).toHaveLength(21);
    expect(problems[20]).toEqual({ path: 'grid', message: 'more problems not listed (at most 20 are reported)' });
  });
});

describe('interpolateThickness', () => {
  it('interpolates bilinearly, exact on nodes and on a plane', () => {
    expect(interpolateThickness(grid, 100, 50)).toBeCloseTo(plane(100, 50), 12);
    for (const [m, c] of [
      [0, 0],
      [50, 25],
      [250, 10],
      [299.9, 49.9],
      [100, 0],
    ]) {
      expect(interpolateThickness(grid, m, c)).toBeCloseTo(plane(m, c), 12);
    }
    const saddle: ThicknessGrid = { mdMm: [0, 10], cdMm: [0, 10], valuesUm: [1, 2, 3, 8] };
    expect(interpolateThickness(saddle, 5, 5)).toBeCloseTo((1 + 2 + 3 + 8) / 4, 12);
    expect(interpolateThickness(saddle, 0, 5)).toBeCloseTo(1.5, 12);
  });

  it('clamps up to half an edge step outside the grid, and gives null further out', () => {
    // MD steps: 100 at the start, 200 at the end; CD step 50
    expect(interpolateThickness(grid, -50, 0)).toBeCloseTo(plane(0, 0), 12);
    expect(interpolateThickness(grid, -50.01, 0)).toBeNull();
    expect(interpolateThickness(grid, 400, 50)).toBeCloseTo(plane(300, 50), 12);
    expect(interpolateThickness(grid, 400.01, 50)).toBeNull();
    expect(interpolateThickness(grid, 150, 75)).toBeCloseTo(plane(150, 50), 12);
    expect(interpolateThickness(grid, 150, 75.5)).toBeNull();
    expect(interpolateThickness(grid, 150, -25)).toBeCloseTo(plane(150, 0), 12);
    expect(interpolateThickness(grid, NaN, 0)).toBeNull();
  });
});

describe('predictedCapacityUah', () => {
  it('is thickness x area x 68.5 µAh/(cm²·µm) x utilization', () => {
    expect(LCO_UAH_PER_CM2_PER_UM).toBe(68.5);
    expect(predictedCapacityUah(5, 0.25, 0.9)).toBeCloseTo(5 * 0.25 * 68.5 * 0.9, 12);
    expect(predictedCapacityUah(0, 1, 1)).toBe(0);
  });

  it('throws on unphysical inputs', () => {
    expect(() => predictedCapacityUah(-1, 1, 1)).toThrow(/thickness >= 0/);
    expect(() => predictedCapacityUah(1, 0, 1)).toThrow(/active area > 0/);
    expect(() => predictedCapacityUah(1, 1, 1.2)).toThrow(/utilization in \(0, 1\]/);
    expect(() => predictedCapacityUah(NaN, 1, 1)).toThrow(RangeError);
  });
});
