import { DEFAULT_MATCHING, matchProblem } from './matching';
import { buildPickMap, pickMapCsv, type PickCandidate, type PickOrder } from './pick-map';

function sheetCells(
  rows: number,
  cols: number,
  bin: (r: number, c: number) => number | null,
  held = (_r: number, _c: number) => false,
): PickCandidate[] {
  const out: PickCandidate[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const sb = bin(r, c);
      out.push({
        row: r,
        col: c,
        softBin: sb,
        hardBin: sb === null ? null : sb >= 10 ? 2 : 1,
        held: held(r, c),
        asrOhmCm2: 50 + ((r * 7 + c * 3) % 10) * 0.3,
        capacityMah: 0.1 + ((r + c) % 5) * 0.0005,
        rollBarcode: 'R1',
        mdMm: r * 5,
      });
    }
  }
  return out;
}

const order = (grades: number[], layers = 4, stacksOpen = 100): PickOrder => ({
  workOrder: 'WO-1',
  allowedGrades: grades,
  layers,
  rules: DEFAULT_MATCHING,
  stacksOpen,
});

describe('pick map', () => {
  // Row 0: grade 1; row 1: grade 2; row 2: fail bin 12; row 3: col 0 rig fault, col 1 untested, others grade 1.
  const bins = (r: number, c: number) => (r === 0 ? 1 : r === 1 ? 2 : r === 2 ? 12 : c === 0 ? 0 : c === 1 ? null : 1);
  const cells = sheetCells(4, 5, bins, (r, c) => r === 0 && c === 4);

  it('picks exactly the passing, unheld cells of a wanted grade into graded carriers', () => {
    const map = buildPickMap('S-1', cells, [order([1])], 'GRADED', 3);
    expect(map.entries.map((e) => e.cellCode)).toEqual([
      'S-1-R0C0',
      'S-1-R0C1',
      'S-1-R0C2',
      'S-1-R0C3',
      'S-1-R3C2',
      'S-1-R3C3',
      'S-1-R3C4',
    ]);
    expect(map.entries.map((e) => `${e.carrier}#${e.position}`)).toEqual([
      'S-1-G1-1#1',
      'S-1-G1-1#2',
      'S-1-G1-1#3',
      'S-1-G1-2#1',
      'S-1-G1-2#2',
      'S-1-G1-2#3',
      'S-1-G1-3#1',
    ]);
    const excluded = Object.fromEntries(map.excluded.map((e) => [e.reason, e.count]));
    expect(excluded).toEqual({ ON_HOLD: 1, GRADE_NOT_WANTED: 5, FAILED: 5, RIG_FAULT: 1, UNTESTED: 1 });
    expect(map.entries.length + map.excluded.reduce((s, e) => s + e.count, 0)).toBe(20);
  });

  it('makes kits that each meet the matching rules, one carrier per kit', () => {
    const big = sheetCells(50, 50, (r) => (r % 10 === 9 ? 11 : 1));
    const map = buildPickMap('S-2', big, [order([1], 8, 50)], 'KITS');
    const kits = new Map<string, typeof map.entries>();
    for (const e of map.entries) (kits.get(e.carrier) ?? kits.set(e.carrier, []).get(e.carrier)!).push(e);
    expect(kits.size).toBe(50);
    const byCode = new Map(big.map((c) => [`S-2-R${c.row}C${c.col}`, c]));
    for (const kit of kits.values()) {
      expect(kit.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const members = kit
        .map((e) => byCode.get(e.cellCode)!)
        .map((c) => ({
          id: `${c.row},${c.col}`,
          asrOhmCm2: c.asrOhmCm2!,
          capacityMah: c.capacityMah,
          rollBarcode: c.rollBarcode,
          mdMm: c.mdMm,
        }));
      expect(matchProblem(members, DEFAULT_MATCHING)).toBeNull();
    }
    expect(map.excluded.find((e) => e.reason === 'NO_MATCHING_KIT')?.count).toBe(2250 - 400);
  });

  it('writes the transfer map as CSV for the picker', () => {
    const csv = pickMapCsv(buildPickMap('S-1', cells, [order([2])], 'GRADED'));
    expect(csv.split('\r\n').slice(0, 3)).toEqual([
      'sheet,row,col,cell_code,soft_bin,carrier,position,work_order,layer',
      'S-1,1,0,S-1-R1C0,2,S-1-G2-1,1,,',
      'S-1,1,1,S-1-R1C1,2,S-1-G2-1,2,,',
    ]);
  });
});
