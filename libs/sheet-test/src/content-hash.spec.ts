import { createHash } from 'node:crypto';
import { contentHash, isFailBin, isPassGrade, isRigFault, isSoftBin, validateSheetTestBody, type SheetTestBody } from './index';

const JSON_A = `{
  "testId": "RIG7-0042", "sheet": "S-R0001-0007", "startedAt": "2026-11-22T10:00:00Z", "temperatureC": 25.0,
  "frequenciesHz": [100000, 1000, 10],
  "cells": [
    { "row": 0, "col": 0, "ocvV": 3.912, "zReOhm": [12.1, 15, 40], "zImOhm": [-0.4, -5, -20] },
    { "row": 0, "col": 1, "status": "NO_CONTACT" },
    { "row": 1, "col": 0, "status": "OK", "ocvV": 3.9, "zReOhm": [12, 15, 41], "zImOhm": [0, -5, -21] }
  ]
}`;

/** The same content: other key order, whitespace, number spellings, cell order, zone and default status. */
const JSON_B =
  '{"cells":[{"zImOhm":[-0.0,-5.0,-21e0],"zReOhm":[1.2e1,15.00,41],"ocvV":3.90,"col":0,"row":1},' +
  '{"status":"NO_CONTACT","col":1,"row":0},' +
  '{"zReOhm":[12.10,1.5e1,4e1],"zImOhm":[-0.40,-5,-20],"col":0,"row":0,"ocvV":3912e-3,"status":"OK"}],' +
  '"frequenciesHz":[1e5,1000.0,10],"temperatureC":25,"startedAt":"2026-11-22T11:00:00.000+01:00",' +
  '"sheet":"S-R0001-0007","testId":"RIG7-0042"}';

function parse(json: string): SheetTestBody {
  const r = validateSheetTestBody(JSON.parse(json));
  if (!r.ok) throw new Error(JSON.stringify(r.details));
  return r.value;
}

describe('contentHash', () => {
  const a = contentHash(parse(JSON_A));

  it('is a hex sha256', () => {
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same content however it is written', () => {
    expect(contentHash(parse(JSON_B))).toBe(a);
    expect(contentHash(parse(JSON.stringify(JSON.parse(JSON_A), null, 4)))).toBe(a);
  });

  it('follows the documented canonical form v1 (stored hashes must keep matching: never change it)', () => {
    // rebuilt by hand from the description in content-hash.ts, cells in (row, col) order
    const f64 = (xs: number[]): Buffer => {
      const b = Buffer.alloc(8 * xs.length);
      xs.forEach((x, i) => b.writeDoubleLE(x, 8 * i));
      return b;
    };
    const expected = createHash('sha256')
      .update(JSON.stringify(['mes.sheet-test.v1', 'RIG7-0042', 'S-R0001-0007', '1795341600', 3, 3]))
      .update(f64([25, 100000, 1000, 10]))
      .update(f64([0, 0, 0, 3.912, 12.1, 15, 40, -0.4, -5, -20]))
      .update(f64([0, 1, 1, 0]))
      .update(f64([1, 0, 0, 3.9, 12, 15, 41, 0, -5, -21]))
      .digest('hex');
    expect(Date.UTC(2026, 10, 22, 10) / 1000).toBe(1795341600);
    expect(a).toBe(expected);
    expect(a).toBe('6061d4839d3efc41995e7b795d7d509103e74036e3d9979c6fcabb2453b9a239');
  });

  it.each<[string, (b: SheetTestBody & { cells: Record<string, unknown>[] }) => void]>([
    ['testId', (b) => (b.testId = 'RIG7-0043')],
    ['sheet', (b) => (b.sheet = 'S-R0001-0008')],
    ['startedAt by a millisecond', (b) => (b.startedAt = '2026-11-22T10:00:00.001Z')],
    ['temperature', (b) => (b.temperatureC = 25.000000000000004)],
    ['frequency order', (b) => (b.frequenciesHz = [1000, 100000, 10])],
    ['a frequency', (b) => (b.frequenciesHz = [100000, 1000, 10.000000000000002])],
    ['a value in the last bit', (b) => ((b.cells[0].zReOhm as number[])[2] = 40.00000000000001)],
    ['zRe and zIm swapped', (b) => ([b.cells[0].zReOhm, b.cells[0].zImOhm] = [b.cells[0].zImOhm, b.cells[0].zReOhm])],
    ['ocv', (b) => (b.cells[2].ocvV = 3.9000001)],
    ['a cell position', (b) => (b.cells[2].col = 1)],
    ['a status', (b) => (b.cells[1] = { row: 0, col: 1, ocvV: 0, zReOhm: [0, 0, 0], zImOhm: [0, 0, 0] })],
    ['one cell fewer', (b) => b.cells.pop()],
  ])('changes with %s', (_what, change) => {
    const b = JSON.parse(JSON_A) as SheetTestBody & { cells: Record<string, unknown>[] };
    change(b);
    expect(contentHash(parse(JSON.stringify(b)))).not.toBe(a);
  });

  it('hashes an OCV-only test', () => {
    const b = parse('{"testId":"x","sheet":"s","startedAt":"2026-01-01T00:00:00Z","temperatureC":-0,"cells":[{"row":1,"col":2,"ocvV":3}]}');
    const c = parse(
      '{"testId":"x","sheet":"s","startedAt":"2026-01-01T00:00:00Z","temperatureC":0,"cells":[{"row":1,"col":2,"ocvV":3,"status":"OK"}]}',
    );
    expect(contentHash(b)).toBe(contentHash(c));
  });

  it('refuses a body that was not validated (bad timestamp)', () => {
    expect(() => contentHash({ ...parse(JSON_A), startedAt: 'yesterday' })).toThrow(RangeError);
  });
});

describe('soft bins', () => {
  it('follows the contract: 0 rig fault, 1..9 pass grades, 10+ fail', () => {
    expect([0, 1, 9, 10, 99].map(isRigFault)).toEqual([true, false, false, false, false]);
    expect([0, 1, 5, 9, 10, 1.5].map(isPassGrade)).toEqual([false, true, true, true, false, false]);
    expect([0, 9, 10, 250, 10.5].map(isFailBin)).toEqual([false, false, true, true, false]);
    expect([0, 12, -1, 1.5, '1', null].map(isSoftBin)).toEqual([true, true, false, false, false, false]);
  });
});
