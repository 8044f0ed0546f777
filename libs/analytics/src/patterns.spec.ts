import { MapInputError, rollGrid, sheetGrid } from './map-grid';
import { classifyMap } from './patterns';

/** Deterministic pseudo-noise in [-1, 1] (no RNG needed for small constructed maps). */
const noise = (i: number) => Math.sin(i * 12.9898 + 78.233) * 2 - Math.trunc(Math.sin(i * 12.9898 + 78.233) * 2);

function map(rows: number, cols: number, failAt: (r: number, c: number) => boolean, metricAt: (r: number, c: number) => number = () => 40) {
  const fail: number[] = [];
  const metric: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      fail.push(failAt(r, c) ? 1 : 0);
      metric.push(metricAt(r, c) * (1 + 0.01 * noise(r * cols + c)));
    }
  }
  return sheetGrid({ rows, cols, fail, metric, pitchMdMm: 6, pitchCdMm: 6 });
}

describe('spatial pattern classes on small constructed maps', () => {
  it('a clean map is random', () => {
    const c = classifyMap(map(30, 30, (r, c) => (r * 31 + c * 17) % 97 === 0));
    expect(c.classes).toEqual(['RANDOM']);
    expect(c.findings).toEqual([]);
  });

  it('a failing column is a lane, and not also a cluster', () => {
    const c = classifyMap(map(30, 20, (_r, c) => c === 7));
    expect(c.classes).toEqual(['CD_LANE']);
    expect(c.findings[0]).toMatchObject({
      kind: 'CD_LANE',
      source: 'FAIL',
      cols: [7],
      region: { colFrom: 7, colTo: 7, rowFrom: 0, rowTo: 29 },
    });
  });

  it('failures piled in one place are a cluster, not a lane', () => {
    const c = classifyMap(map(30, 30, (r, c) => r >= 10 && r < 14 && c >= 5 && c < 9));
    expect(c.classes).toEqual(['CLUSTER']);
    expect(c.findings[0].cells).toHaveLength(16);
    expect(c.findings[0].region).toMatchObject({ rowFrom: 10, rowTo: 13, colFrom: 5, colTo: 8 });
  });

  it('two failing cells side by side on a clean map are not beyond random', () => {
    expect(classifyMap(map(30, 30, (r, c) => r === 4 && c >= 3 && c < 5)).classes).toEqual(['RANDOM']);
  });

  it('a failing frame is an edge effect naming its sides', () => {
    const c = classifyMap(map(30, 30, (r, c) => r === 0 || c === 0 || r === 29 || c === 29));
    expect(c.classes).toEqual(['EDGE']);
    expect(c.findings[0].sides).toEqual(['CD_LOW', 'CD_HIGH', 'MD_LEAD', 'MD_TRAIL']);
  });

  it('marks every 10 rows are periodic with their repeat distance in mm', () => {
    const c = classifyMap(map(50, 30, (r, c) => r % 10 === 3 && c >= 5 && c < 20));
    expect(c.classes).toContain('MD_PERIODIC');
    const f = c.findings.find((x) => x.kind === 'MD_PERIODIC')!;
    expect(f.repeatDistanceMm).toBeCloseTo(60, 6);
    expect(f.rows).toEqual([3, 13, 23, 33, 43]);
  });

  it('edges higher than the centre are a smile, lower a frown; a flat profile is neither', () => {
    const u = (c: number) => (2 * c) / 29 - 1;
    expect(
      classifyMap(
        map(
          30,
          30,
          () => false,
          (_r, c) => 40 * (1 + 0.1 * u(c) ** 2),
        ),
      ).classes,
    ).toEqual(['CD_SMILE']);
    expect(
      classifyMap(
        map(
          30,
          30,
          () => false,
          (_r, c) => 40 * (1 - 0.1 * u(c) ** 2),
        ),
      ).classes,
    ).toEqual(['CD_FROWN']);
    // 1 % is real but below the 3 % that counts.
    expect(
      classifyMap(
        map(
          30,
          30,
          () => false,
          (_r, c) => 40 * (1 + 0.01 * u(c) ** 2),
        ),
      ).classes,
    ).toEqual(['RANDOM']);
  });

  it('a ramp from halfway is a drift that starts there; a jump is a step at its row', () => {
    const drift = classifyMap(
      map(
        40,
        20,
        () => false,
        (r) => 40 * (1 + 0.2 * Math.max(0, (r - 20) / 19)),
      ),
    );
    expect(drift.classes).toEqual(['MD_DRIFT']);
    expect(drift.findings[0].rows![0]).toBeGreaterThanOrEqual(18);
    expect(drift.findings[0].rows![0]).toBeLessThanOrEqual(22);
    expect(drift.findings[0].effect).toBeCloseTo(0.2, 1);
    const step = classifyMap(
      map(
        40,
        20,
        () => false,
        (r) => (r >= 25 ? 44 : 40),
      ),
    );
    expect(step.classes).toEqual(['MD_STEP']);
    expect(step.findings[0].rows).toEqual([25]);
  });

  it('a roll map lays its sheets along MD, and a component does not cross a sheet boundary', () => {
    const sheet = (k: number) => {
      const fail = new Array<number>(400).fill(0);
      // 3 x 3 failing cells at the trail of sheet 0 and at the lead of sheet 1 (cols 2..4): two clusters of 9, not one of 18.
      for (let r = 0; r < 3; r++) for (let c = 2; c < 5; c++) fail[(k === 0 ? 17 + r : r) * 20 + c] = 1;
      return { rows: 20, cols: 20, fail, firstRowMdMm: 100 + k * 140, pitchMdMm: 6 };
    };
    const g = rollGrid([sheet(0), sheet(1)]);
    expect(g.rows).toBe(40);
    expect(g.rowMdMm[20]).toBe(240);
    const c = classifyMap(g);
    expect(c.findings.filter((f) => f.kind === 'CLUSTER').map((f) => f.cells!.length)).toEqual([9, 9]);
  });

  it('refuses maps that do not fit their grid', () => {
    expect(() => sheetGrid({ rows: 2, cols: 2, fail: [0, 0, 0] })).toThrow(MapInputError);
    expect(() => sheetGrid({ rows: 2, cols: 2, fail: [0, 0, 0] })).toThrow('sheet map: fail has 3 cells, expected rows x cols = 4');
    expect(() => sheetGrid({ rows: 0, cols: 2, fail: [] })).toThrow(/rows and cols must be whole numbers ≥ 1, got 0 x 2/);
    expect(() => rollGrid([])).toThrow('a roll map needs at least one sheet');
    expect(() =>
      rollGrid([
        { rows: 1, cols: 2, fail: [0, 0], firstRowMdMm: 10 },
        { rows: 1, cols: 2, fail: [0, 0], firstRowMdMm: 5 },
      ]),
    ).toThrow(/sheet 1 starts at MD 5 mm, not after sheet 0/);
    expect(() => rollGrid([{ rows: 1, cols: 2, fail: [0, 0] }])).toThrow(/firstRowMdMm/);
  });
});
