import { validateSheetTestBody } from '@mes/sheet-test';
import { parseImpedanceFile } from './impedance-file';
import { biologicMpt, randlesSweep } from './impedance-fixtures';
import { labSheetTestBody } from './lab-sheet-test';

describe('lab spectrum as a rig body', () => {
  const spectrum = parseImpedanceFile('cell.mpt', biologicMpt(randlesSweep()));
  const m = { spectrum, sheet: 'S-R0001-0007', row: 3, col: 4, ocvV: 0.12, temperatureC: 24, startedAt: '2026-11-22T10:00:00Z' };

  it('passes the ingest contract validation with the spectrum as measured', () => {
    const body = labSheetTestBody(m);
    const checked = validateSheetTestBody(body);
    expect(checked.ok).toBe(true);
    expect(body.frequenciesHz).toEqual(spectrum.freqHz);
    expect((body.cells as { zImOhm: number[] }[])[0].zImOhm).toEqual(spectrum.zIm);
  });

  it('gives the same measurement the same testId (a second import is a repeat) and another cell another one', () => {
    expect(labSheetTestBody(m).testId).toBe(labSheetTestBody({ ...m }).testId);
    expect(labSheetTestBody(m).testId).not.toBe(labSheetTestBody({ ...m, col: 5 }).testId);
    expect(String(labSheetTestBody(m).testId)).toMatch(/^LAB-[0-9a-f]{40}$/);
  });

  it('refuses a sweep longer than the contract allows, saying what to do', () => {
    const long = parseImpedanceFile('long.mpt', biologicMpt(randlesSweep(250)));
    expect(() => labSheetTestBody({ ...m, spectrum: long })).toThrow('long.mpt: 250 frequencies, the MES takes at most 200 per test');
  });
});
