import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fx from './impedance-fixtures';
import { detectImpedanceFormat, ImpedanceFileError, parseImpedanceFile, type ImpedanceFormat, type LabSpectrum } from './impedance-file';

const sweep = fx.randlesSweep();

function expectSweep(s: LabSpectrum, n = sweep.freqHz.length, tol = 1e-6): void {
  expect(s.freqHz).toHaveLength(n);
  for (let i = 0; i < n; i++) {
    expect(Math.abs(s.freqHz[i] - sweep.freqHz[i]) / sweep.freqHz[i]).toBeLessThan(tol);
    expect(Math.abs(s.zRe[i] - sweep.zRe[i]) / Math.abs(sweep.zRe[i])).toBeLessThan(tol);
    expect(Math.abs(s.zIm[i] - sweep.zIm[i]) / Math.abs(sweep.zIm[i])).toBeLessThan(tol);
  }
  expect(s.zIm.every((v) => v < 0)).toBe(true); // capacitive: Im(Z) < 0 in the MES's convention
}

function refusal(file: string, text: string, format?: ImpedanceFormat): ImpedanceFileError {
  try {
    parseImpedanceFile(file, text, format);
  } catch (e) {
    if (e instanceof ImpedanceFileError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe('lab impedance files', () => {
  it.each<[string, ImpedanceFormat, string]>([
    ['cell7.DTA', 'gamry-dta', fx.gamryDta(sweep)],
    ['cell7.mpt', 'biologic-mpt', fx.biologicMpt(sweep)],
    ['cell7.z', 'zplot-z', fx.zplotZ(sweep)],
    ['cell7.txt', 'autolab-txt', fx.autolabTxt(sweep)],
    ['cell7.par', 'versastudio-par', fx.versaStudioPar(sweep)],
    ['cell7_parstat.txt', 'parstat-txt', fx.parstatTxt(sweep)],
    ['cell7_powersuite.txt', 'powersuite-txt', fx.powerSuiteTxt(sweep)],
    ['cell7_fra.txt', 'autolab-txt', fx.autolabZ60w(sweep)],
    ['cell7_chi.txt', 'chi-txt', fx.chiTxt(sweep)],
    ['cell7.csv', 'csv', fx.plainCsv(sweep)],
  ])('%s is recognised as %s and read into Im(Z) < 0, highest frequency first', (file, format, text) => {
    expect(detectImpedanceFormat(file, text)).toBe(format);
    const s = parseImpedanceFile(file, text);
    expect(s.format).toBe(format);
    expectSweep(s);
  });

  describe('awkward but real', () => {
    it('Gamry with decimal commas and an aborted run (fewer rows, the next table after them)', () => {
      const text = fx.gamryDta(sweep, { commaDecimal: true, keep: 12 });
      // The OCV table before and the FRACURVE table after have indented rows too; only ZCURVE's are read.
      expect(text.indexOf('OCVCURVE')).toBeLessThan(text.indexOf('ZCURVE'));
      expect(text.indexOf('EXPERIMENTABORTED')).toBeLessThan(text.indexOf('FRACURVE'));
      expectSweep(parseImpedanceFile('a.DTA', text), 12);
    });
    it('Parstat: the DC rows of the segments before and after the sweep (Frequency 0) are not points', () => {
      expectSweep(parseImpedanceFile('a.txt', fx.parstatTxt(sweep, { dcRows: 40 })));
      expectSweep(parseImpedanceFile('a.txt', fx.parstatTxt(sweep, { commaDecimal: true })));
    });
    it('PowerSuite with frequencies rising, names with a leading space and a blank line between rows', () => {
      expectSweep(parseImpedanceFile('a.txt', fx.powerSuiteTxt(sweep, { blankLines: true })));
    });
    it('EC-Lab with decimal commas, frequencies rising and -Im(Z) as written', () => {
      expectSweep(parseImpedanceFile('a.mpt', fx.biologicMpt(sweep, { commaDecimal: true, ascending: true })));
    });
    it('EC-Lab text export without the ASCII header block', () => {
      expectSweep(parseImpedanceFile('a.txt', fx.biologicMpt(sweep, { headerless: true })));
    });
    it('EC-Lab with Im(Z) instead of -Im(Z) takes the sign as written', () => {
      const text = fx.biologicMpt(sweep).replace('-Im(Z)/Ohm', 'Im(Z)/Ohm');
      const s = parseImpedanceFile('a.mpt', text);
      expect(s.zIm.every((v) => v > 0)).toBe(true);
    });
    it('NOVA with tabs or commas as separators', () => {
      expectSweep(parseImpedanceFile('a.txt', fx.autolabTxt(sweep, '\t')));
      expectSweep(parseImpedanceFile('a.txt', fx.autolabTxt(sweep, ',')));
    });
    it('plain CSV without a header, and with a "-Z\'\'" column', () => {
      expectSweep(parseImpedanceFile('a.csv', fx.plainCsv(sweep, false)));
      const flipped = fx.plainCsv({ ...sweep, zIm: sweep.zIm.map((v) => -v) }).replace("Z'' (ohm)", "-Z'' (ohm)");
      expectSweep(parseImpedanceFile('a.csv', flipped));
    });
    it("the impedance.py example spectrum (frequency, Z', Z'' without a header, frequencies falling)", () => {
      const text = readFileSync(join(__dirname, '../../../eis/src/__fixtures__/exampleData.csv'), 'utf8');
      const s = parseImpedanceFile('exampleData.csv', text);
      expect(s.freqHz).toHaveLength(66);
      expect(s.freqHz[0]).toBeGreaterThan(s.freqHz[65]);
    });
  });

  describe('refused with the file, the line and what was expected', () => {
    it('a truncated row', () => {
      const text = fx.biologicMpt(sweep);
      const cut = text.slice(0, text.lastIndexOf('\t', text.length - 40));
      const e = refusal('cut.mpt', cut);
      expect(e.message).toMatch(/^cut\.mpt, line 38: /);
      expect(e.line).toBe(7 + sweep.freqHz.length);
    });
    it('a number cut in half', () => {
      const text = fx.zplotZ(sweep).replace(/\r\n[^\r\n]*\r\n$/, '\r\n1.000000e+0,1.0e-2,0,0,2.2e,-1.0e+0,1e-5,0,3\r\n');
      expect(refusal('cut.z', text).message).toBe(`cut.z, line 37: Z' "2.2e" is not a number`);
      expect(refusal('short.z', fx.zplotZ(sweep).replace(/,1\.000000e-5,0,3\r\n$/, '\r\n')).message).toBe(
        'short.z, line 37: 6 fields, expected 9 as the header names (a truncated row?)',
      );
    });
    it('a wrong column set names what it found', () => {
      const text = fx.biologicMpt(sweep).replace('Re(Z)/Ohm', 'Ewe/V');
      expect(refusal('x.mpt', text).message).toMatch(
        /^x\.mpt, line 7: no Z' column: expected one of .*Re\\\(Z\\\)\\\/Ohm.*; the header has "freq\/Hz", "Ewe\/V"/,
      );
    });
    it("another instrument's file under a Gamry name", () => {
      expect(refusal('cell.DTA', fx.biologicMpt(sweep)).message).toBe(
        'cell.DTA: no "ZCURVE<TAB>TABLE" line (not a Gamry file): expected a Gamry EIS .DTA file',
      );
    });
    it('a Gamry file of another technique', () => {
      const cv = 'EXPLAIN\r\nTAG\tCV\r\nCURVE1\tTABLE\r\n\tPt\tT\tVf\tIm\r\n';
      expect(refusal('cv.DTA', cv).message).toContain('a Gamry file without an impedance table');
    });
    it('a VersaStudio segment that never closes', () => {
      expect(refusal('cut.par', fx.versaStudioPar(sweep, { cut: true })).message).toMatch(
        /^cut\.par, line \d+: no <\/Segment1>: the segment is cut off/,
      );
    });
    it('two sweeps in one file', () => {
      const text = fx.plainCsv(sweep) + fx.plainCsv(sweep, false);
      expect(refusal('two.csv', text).message).toBe(
        `two.csv, line ${sweep.freqHz.length + 2}: frequency ${sweep.freqHz[0]} Hz again (first on line 2): expected one sweep per file`,
      );
    });
    it('a negative frequency, too few points, an empty file', () => {
      expect(refusal('neg.csv', '-1,2,3\n2,2,3\n3,2,3\n').message).toBe('neg.csv, line 1: frequency -1 Hz: expected a positive number');
      expect(refusal('few.csv', '1,2,3\n').message).toBe('few.csv: 1 impedance points, expected at least 3');
      expect(refusal('empty.csv', '').message).toContain('the file is empty');
    });
    it('a Parstat export of a DC experiment only', () => {
      const dcOnly = fx.parstatTxt({ freqHz: [], zRe: [], zIm: [] }, { dcRows: 4 });
      expect(refusal('dc.txt', dcOnly).message).toBe(
        'dc.txt: 6 rows, all with Frequency 0 (DC segments only): expected an impedance sweep',
      );
    });
    it('a Parstat export read as PowerSuite, and a PowerSuite row cut short', () => {
      expect(refusal('p.txt', fx.parstatTxt(sweep), 'powersuite-txt').message).toBe(
        'p.txt, line 1: expected a header row "Frequency<TAB>Zre<TAB>Zimg" (a PowerSuite impedance export)',
      );
      const cut = fx.powerSuiteTxt(sweep).replace(/\t [^\t\r\n]+\r\n\r\n$/, '\r\n');
      expect(refusal('cut.txt', cut).message).toBe(
        `cut.txt, line ${sweep.freqHz.length + 1}: 2 fields, expected 3 as the header names (a truncated row?)`,
      );
    });
    it('a Parstat file without the impedance columns names what its header has', () => {
      const text = fx.parstatTxt(sweep).replace('Zim (ohms)', 'Phase (deg)');
      expect(refusal('x.txt', text, 'parstat-txt').message).toMatch(/^x\.txt, line 1: no Z'' column: .*the header has "Potential \(V\)", /);
    });
    it('an Autolab FRA export cut mid-row', () => {
      const cut = fx.autolabZ60w(sweep).replace(/,0,0,0\n$/, '\n');
      expect(refusal('fra.txt', cut).message).toBe(
        `fra.txt, line ${11 + sweep.freqHz.length}: 6 fields, expected 9 as the header names (a truncated row?)`,
      );
    });
    it('a CHI file without its column row', () => {
      expect(refusal('c.txt', 'A.C. Impedance\nInit E (V) = 0\n', 'chi-txt').message).toContain(
        'the A.C. Impedance header is there but no',
      );
    });
  });
});
