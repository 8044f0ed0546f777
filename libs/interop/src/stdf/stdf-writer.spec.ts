import { defaultAsMadeRuleSet } from '@mes/binning';
import { readStdfRecords, stdfParts } from '../testing/stdf-reader';
import { stdfParametricTests } from './sheet-test-stdf';
import { OPT_FLAG, PART_FLG, StdfWriter, TEST_FLG, writeStdf, type StdfCell, type StdfSheetTest } from './stdf-writer';

const ruleSet = defaultAsMadeRuleSet(0.25);

function sheetTest(cells: StdfCell[]): StdfSheetTest {
  return {
    lot: 'R0001',
    partType: 'TFB-0505',
    sheet: 'S-R0001-0007',
    tester: 'RIG 7',
    testerType: 'MES sheet rig',
    jobName: ruleSet.name,
    jobRevision: '1',
    testCode: 'SHEET_TEST',
    temperatureC: 25,
    startedAt: new Date('2026-11-22T10:00:00Z'),
    finishedAt: new Date('2026-11-22T10:03:20Z'),
    rows: 3,
    cols: 4,
    pitchMdMm: 5.5,
    pitchCdMm: 5.5,
    tests: stdfParametricTests(ruleSet),
    bins: ruleSet.bins,
    hardBins: ruleSet.hardBins ?? [],
    cells,
  };
}

function cell(row: number, col: number, softBin: number, values: (number | null)[]): StdfCell {
  const hardBin = ruleSet.bins.find((b) => b.softBin === softBin)?.hardBin ?? 2;
  return { row, col, softBin, hardBin, values, partId: `S-R0001-0007-R${row}C${col}` };
}

describe('STDF V4 writer (read back with the independent reader)', () => {
  const cells: StdfCell[] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      if (r === 1 && c === 2)
        cells.push(cell(r, c, 0, [null, null, null, null])); // no contact
      else if (r === 2 && c === 3)
        cells.push(cell(r, c, 14, [1.9, 12.5, 300, 80.25])); // OCV above the window
      else cells.push(cell(r, c, 1 + ((r + c) % 3), [0.1 + r * 0.01 + c * 0.001, 10 + c, 200 + r * 7.3, 52.5 + r]));
    }
  }
  const file = writeStdf(sheetTest(cells));
  const records = readStdfRecords(file);

  it('frames every record so that its fields end exactly at REC_LEN, and the records fill the file', () => {
    const total = records.reduce((n, r) => n + 4 + r.length, 0);
    expect(total).toBe(file.length);
    expect(records[0]).toMatchObject({ name: 'FAR', fields: { CPU_TYPE: 2, STDF_VER: 4 } });
    expect(records.map((r) => r.name).filter((n) => !['PIR', 'PTR', 'PRR', 'HBR', 'SBR'].includes(n))).toEqual([
      'FAR',
      'MIR',
      'WCR',
      'WIR',
      'WRR',
      'PCR',
      'MRR',
    ]);
  });

  it('names the lot (roll), part type (product), tester (rig), rule set and times in MIR/MRR', () => {
    const mir = records.find((r) => r.name === 'MIR')!.fields;
    expect(mir).toMatchObject({
      LOT_ID: 'R0001',
      PART_TYP: 'TFB-0505',
      NODE_NAM: 'RIG 7',
      JOB_NAM: ruleSet.name,
      JOB_REV: '1',
      TEST_COD: 'SHEET_TEST',
      TST_TEMP: '25',
      SPEC_NAM: ruleSet.name,
    });
    expect(mir.START_T).toBe(Date.parse('2026-11-22T10:00:00Z') / 1000);
    expect(records.find((r) => r.name === 'MRR')!.fields.FINISH_T).toBe(Date.parse('2026-11-22T10:03:20Z') / 1000);
    expect(records.find((r) => r.name === 'WIR')!.fields.WAFER_ID).toBe('S-R0001-0007');
  });

  it('gives back every cell: X = col, Y = row, hard and soft bin, and each value as float32', () => {
    const { parts } = stdfParts(records);
    expect(parts).toHaveLength(cells.length);
    parts.forEach((p, i) => {
      const c = cells[i];
      expect([p.x, p.y, p.softBin, p.hardBin, p.partId]).toEqual([c.col, c.row, c.softBin, c.hardBin, c.partId]);
      const tests = stdfParametricTests(ruleSet);
      const expected = new Map(
        tests.flatMap((t, k) => (c.values[k] === null ? [] : [[t.testNumber, Math.fround(c.values[k] as number)] as const])),
      );
      expect(new Map([...p.results].map(([n, r]) => [n, r.value]))).toEqual(expected);
    });
  });

  it('flags a rig fault as an abnormal end without a pass/fail verdict, and a fail bin as failed', () => {
    const { parts } = stdfParts(records);
    expect(parts.find((p) => p.softBin === 0)!.partFlags).toBe(PART_FLG.ABNORMAL_END | PART_FLG.PASS_FAIL_INVALID);
    expect(parts.find((p) => p.softBin === 14)!.partFlags).toBe(PART_FLG.FAILED);
    expect(parts.find((p) => p.softBin === 1)!.partFlags).toBe(0);
    const ocvFail = parts.find((p) => p.softBin === 14)!.results.get(1000)!;
    expect(ocvFail.testFlags & TEST_FLG.FAILED).toBe(TEST_FLG.FAILED);
  });

  it('puts names, units and the rule set limits in the first PTR of each test and stops later PTRs after RESULT', () => {
    const { firstPtr } = stdfParts(records);
    expect(firstPtr.get(1000)).toMatchObject({ TEST_TXT: 'OCV', UNITS: 'V', LO_LIMIT: Math.fround(-0.05), HI_LIMIT: Math.fround(1.5) });
    expect((firstPtr.get(1000)!.OPT_FLAG as number) & (OPT_FLAG.NO_LOW_LIMIT | OPT_FLAG.NO_HIGH_LIMIT)).toBe(0);
    expect(firstPtr.get(1300)).toMatchObject({ TEST_TXT: 'ASR', UNITS: 'Ohm*cm2' });
    // The default rule set has only part-average limits on ASR: no fixed limit, and no pass/fail verdict per value.
    expect((firstPtr.get(1300)!.OPT_FLAG as number) & (OPT_FLAG.NO_LOW_LIMIT | OPT_FLAG.NO_HIGH_LIMIT)).toBe(
      OPT_FLAG.NO_LOW_LIMIT | OPT_FLAG.NO_HIGH_LIMIT,
    );
    const ptrs = records.filter((r) => r.name === 'PTR');
    expect(ptrs.filter((r) => r.length > 12)).toHaveLength(4);
    expect(ptrs.filter((r) => r.length === 12).length).toBe(ptrs.length - 4);
  });

  it('sums the bins in HBR/SBR (every bin of the rule set, with names and pass/fail) and in WRR/PCR', () => {
    const sbr = records.filter((r) => r.name === 'SBR').map((r) => r.fields);
    expect(sbr.map((f) => f.SBIN_NUM)).toEqual(ruleSet.bins.map((b) => b.softBin).sort((a, b) => a - b));
    const counts = new Map<number, number>();
    for (const c of cells) counts.set(c.softBin, (counts.get(c.softBin) ?? 0) + 1);
    for (const f of sbr) {
      const def = ruleSet.bins.find((b) => b.softBin === f.SBIN_NUM)!;
      expect(f).toMatchObject({ SBIN_CNT: counts.get(def.softBin) ?? 0, SBIN_NAM: def.name, SBIN_PF: def.pass ? 'P' : 'F' });
    }
    const hbr = records.filter((r) => r.name === 'HBR').map((r) => r.fields);
    expect(hbr.map((f) => [f.HBIN_NUM, f.HBIN_NAM, f.HBIN_PF])).toEqual([
      [0, 'RETEST', 'F'],
      [1, 'PASS', 'P'],
      [2, 'REJECT', 'F'],
    ]);
    expect(hbr.reduce((n, f) => n + (f.HBIN_CNT as number), 0)).toBe(cells.length);
    const good = cells.filter((c) => c.softBin >= 1 && c.softBin <= 9).length;
    expect(records.find((r) => r.name === 'WRR')!.fields).toMatchObject({
      PART_CNT: 12,
      GOOD_CNT: good,
      ABRT_CNT: 1,
      WAFER_ID: 'S-R0001-0007',
    });
    expect(records.find((r) => r.name === 'PCR')!.fields).toMatchObject({ PART_CNT: 12, GOOD_CNT: good });
  });

  it('describes the sheet in WCR: mm, leading edge up, X right and Y down', () => {
    expect(records.find((r) => r.name === 'WCR')!.fields).toMatchObject({
      WF_UNITS: 3,
      WF_FLAT: 'U',
      POS_X: 'R',
      POS_Y: 'D',
      DIE_HT: 5.5,
      DIE_WID: 5.5,
      CENTER_X: -32768,
    });
  });

  it('refuses what STDF cannot hold', () => {
    expect(() => writeStdf(sheetTest([cell(0, 0, 1, [1, 2])]))).toThrow('has 2 values for 4 tests');
    expect(() => writeStdf({ ...sheetTest([]), sheet: 'S'.repeat(300) })).toThrow('longer than 255');
    expect(() => writeStdf({ ...sheetTest([]), rows: 40000 })).toThrow("does not fit STDF's I2");
  });
});

describe('STDF of a lot written sheet by sheet (a roll: each sheet a wafer)', () => {
  const lot = sheetTest([]);
  const sheetCells = (sheet: string, bins: number[]): StdfCell[] =>
    bins.map((b, i) => ({
      ...cell(0, i, b, b === 0 ? [null, null, null, null] : [0.1 + i * 0.01, 10, 200, 50]),
      partId: `${sheet}-R0C${i}`,
    }));
  const sheets = [
    { sheet: 'S-R0001-0001', cells: sheetCells('S-R0001-0001', [1, 2, 14, 1]) },
    { sheet: 'S-R0001-0002', cells: sheetCells('S-R0001-0002', [0, 1, 3]) },
    { sheet: 'S-R0001-0003', cells: sheetCells('S-R0001-0003', [16]) },
  ];
  const writer = new StdfWriter(lot);
  const pieces = [writer.begin()];
  sheets.forEach((s, k) => {
    const startedAt = new Date(Date.parse('2026-11-22T10:00:00Z') + k * 600_000);
    pieces.push(writer.wafer({ ...s, startedAt, finishedAt: new Date(startedAt.getTime() + 200_000) }));
  });
  pieces.push(writer.end(new Date('2026-11-22T10:30:00Z')));
  const records = readStdfRecords(Buffer.concat(pieces));

  it('writes one WIR ... WRR per sheet inside one MIR ... MRR, each part in its sheet', () => {
    expect(records.map((r) => r.name).filter((n) => !['PIR', 'PTR', 'PRR', 'HBR', 'SBR'].includes(n))).toEqual([
      'FAR',
      'MIR',
      'WCR',
      ...sheets.flatMap(() => ['WIR', 'WRR']),
      'PCR',
      'MRR',
    ]);
    const { parts } = stdfParts(records);
    expect(parts.map((p) => [p.wafer, p.partId, p.softBin])).toEqual(
      sheets.flatMap((s) => s.cells.map((c) => [s.sheet, c.partId, c.softBin])),
    );
    expect(records.filter((r) => r.name === 'WIR').map((r) => r.fields.START_T)).toEqual(
      [0, 1, 2].map((k) => Date.parse('2026-11-22T10:00:00Z') / 1000 + k * 600),
    );
    expect(records.find((r) => r.name === 'MRR')!.fields.FINISH_T).toBe(Date.parse('2026-11-22T10:30:00Z') / 1000);
  });

  it('counts each sheet in its WRR and the lot in PCR, HBR and SBR', () => {
    expect(
      records.filter((r) => r.name === 'WRR').map((r) => [r.fields.WAFER_ID, r.fields.PART_CNT, r.fields.GOOD_CNT, r.fields.ABRT_CNT]),
    ).toEqual([
      ['S-R0001-0001', 4, 3, 0],
      ['S-R0001-0002', 3, 2, 1],
      ['S-R0001-0003', 1, 0, 0],
    ]);
    expect(records.find((r) => r.name === 'PCR')!.fields).toMatchObject({ PART_CNT: 8, GOOD_CNT: 5, ABRT_CNT: 1 });
    const sbr = new Map(records.filter((r) => r.name === 'SBR').map((r) => [r.fields.SBIN_NUM, r.fields.SBIN_CNT]));
    expect([sbr.get(0), sbr.get(1), sbr.get(2), sbr.get(3), sbr.get(14), sbr.get(16)]).toEqual([1, 3, 1, 1, 1, 1]);
    expect(records.filter((r) => r.name === 'HBR').reduce((n, r) => n + (r.fields.HBIN_CNT as number), 0)).toBe(8);
  });

  it('carries limits and units in the first PTR of each test in the file only, not again per sheet', () => {
    const long = records.filter((r) => r.name === 'PTR' && r.length > 12);
    expect(long.map((r) => r.fields.TEST_NUM)).toEqual([1000, 1100, 1200, 1300]);
    expect(records.indexOf(long[3])).toBeLessThan(records.findIndex((r) => r.name === 'WRR'));
  });

  it('is the same file as writeStdf for a lot of one sheet', () => {
    const one = sheetTest(sheets[0].cells);
    const w = new StdfWriter(one);
    const begin = w.begin();
    const wafer = w.wafer({ sheet: one.sheet, startedAt: one.startedAt, finishedAt: one.finishedAt, cells: one.cells });
    expect(Buffer.concat([begin, wafer, w.end(one.finishedAt)]).equals(writeStdf(one))).toBe(true);
  });

  it('refuses calls out of order', () => {
    const w = new StdfWriter(lot);
    expect(() => w.end(new Date())).toThrow('without begin()');
    w.begin();
    expect(() => w.begin()).toThrow('begin() called twice');
    w.end(new Date());
    expect(() => w.wafer(sheets[0] as never)).toThrow('after end()');
  });
});

describe('STDF reader (test tool) refuses broken files', () => {
  const file = writeStdf(sheetTest([cell(0, 0, 1, [0.1, 1, 2, 3])]));
  it('a truncated file', () => {
    expect(() => readStdfRecords(file.subarray(0, file.length - 3))).toThrow(/says \d+ bytes but the file ends/);
  });
  it('a record whose REC_LEN leaves bytes after the last field', () => {
    const bad = Buffer.concat([file, Buffer.from([3, 0, 5, 10, 1, 1, 9])]);
    expect(() => readStdfRecords(bad)).toThrow('PIR at byte');
  });
  it('a file that does not start with a FAR', () => {
    expect(() => readStdfRecords(Buffer.from([2, 0, 1, 10, 0, 0]))).toThrow('not a FAR');
  });
});
