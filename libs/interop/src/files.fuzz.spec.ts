import fc from 'fast-check';
import { UNIT_FUZZ_RUNS } from '@mes/testing';
import { E142FormatError, readE142, readPickResult, writeE142, type E142Map } from './e142/e142';
import * as fx from './instruments/impedance-fixtures';
import { ImpedanceFileError, IMPEDANCE_FORMATS, parseImpedanceFile, type ImpedanceFormat } from './instruments/impedance-file';

/**
 * Files from other tools fuzzed: lab impedance files (every instrument format) and SEMI E142 pick
 * results. A file is read into what it says, or refused with the file's own error class naming where
 * and what was expected; a damaged file never makes a parser throw anything else.
 */

const writers: [string, ImpedanceFormat, (s: fx.Sweep) => string][] = [
  ['cell.DTA', 'gamry-dta', (s) => fx.gamryDta(s)],
  ['cell.mpt', 'biologic-mpt', (s) => fx.biologicMpt(s)],
  ['cell.z', 'zplot-z', fx.zplotZ],
  ['cell.txt', 'autolab-txt', (s) => fx.autolabTxt(s)],
  ['cell.par', 'versastudio-par', (s) => fx.versaStudioPar(s)],
  ['cell_parstat.txt', 'parstat-txt', (s) => fx.parstatTxt(s)],
  ['cell_powersuite.txt', 'powersuite-txt', (s) => fx.powerSuiteTxt(s)],
  ['cell_chi.txt', 'chi-txt', fx.chiTxt],
  ['cell.csv', 'csv', (s) => fx.plainCsv(s)],
];

const sweep = fc
  .record({
    points: fc.integer({ min: 3, max: 40 }),
    r0: fc.double({ min: 0.1, max: 1e4, noNaN: true }),
    r1: fc.double({ min: 1, max: 1e6, noNaN: true }),
    cF: fc.double({ min: 1e-9, max: 1e-3, noNaN: true }),
  })
  .map(({ points, r0, r1, cF }) => fx.randlesSweep(points, 1e5, 1, r0, r1, cF));

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b), 1e-12);

/** Damage to a text file: lines cut, characters replaced or inserted, the file truncated. */
function damaged(text: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat({ max: text.length }),
    cut: fc.nat({ max: 20 }),
    insert: fc.string({ maxLength: 8, unit: 'binary' }),
  });
  return fc
    .array(edit, { minLength: 1, maxLength: 4 })
    .map((edits) => edits.reduce((t, e) => t.slice(0, e.at) + e.insert + t.slice(Math.min(t.length, e.at + e.cut)), text));
}

function readOrRefuse(file: string, text: string, format?: ImpedanceFormat): void {
  try {
    const s = parseImpedanceFile(file, text, format);
    expect(s.zRe).toHaveLength(s.freqHz.length);
    expect(s.zIm).toHaveLength(s.freqHz.length);
  } catch (e) {
    if (!(e instanceof ImpedanceFileError)) throw new Error(`${file} (${format ?? 'detected'}) threw ${String(e)}`);
    expect(e.message).toContain(file);
  }
}

describe('lab impedance files (fuzzed)', () => {
  it.each(writers)('reads every sweep written as %s back to its values', (file, format, write) => {
    fc.assert(
      fc.property(sweep, (s) => {
        const back = parseImpedanceFile(file, write(s));
        expect(back.format).toBe(format);
        expect(back.freqHz.length).toBe(s.freqHz.length);
        back.freqHz.forEach((f, i) => {
          expect(close(f, s.freqHz[i])).toBe(true);
          expect(close(back.zRe[i], s.zRe[i])).toBe(true);
          expect(close(back.zIm[i], s.zIm[i])).toBe(true);
        });
      }),
      { numRuns: UNIT_FUZZ_RUNS / 10 },
    );
  });

  it('reads damaged files of every format, and any text, or refuses them with an ImpedanceFileError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...writers),
        sweep,
        fc.constantFrom<ImpedanceFormat | undefined>(undefined, ...IMPEDANCE_FORMATS),
        fc.nat(),
        ([file, , write], s, format, seed) => {
          const text = write(s);
          fc.assert(
            fc.property(fc.oneof(damaged(text), fc.string({ maxLength: 200 })), (t) => readOrRefuse(file, t, format)),
            { numRuns: 3, seed },
          );
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS / 2 },
    );
  });
});

describe('E142 maps and pick results (fuzzed)', () => {
  const map: fc.Arbitrary<E142Map> = fc
    .record({
      rows: fc.integer({ min: 1, max: 6 }),
      cols: fc.integer({ min: 1, max: 6 }),
      codes: fc.uniqueArray(fc.integer({ min: 0, max: 254 }), { minLength: 1, maxLength: 4 }),
    })
    .chain(({ rows, cols, codes }) =>
      fc.record({
        substrateId: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s && !/[\u0000-\u001f\ufffe\uffff]/.test(s)),
        substrateType: fc.constant('Sheet'),
        lotId: fc.constant('R0001'),
        rows: fc.constant(rows),
        cols: fc.constant(cols),
        pitchXMm: fc.constant(5.5),
        pitchYMm: fc.constant(6),
        cellXMm: fc.constant(5),
        cellYMm: fc.constant(5),
        mapName: fc.constant('SoftBin'),
        bins: fc.tuple(
          ...codes.map((code) =>
            fc.record({
              code: fc.constant(code),
              count: fc.constant(0),
              quality: fc.constantFrom('Pass', 'Fail'),
              description: fc.constantFrom('PASS_A', 'FAIL_OCV', 'a & <b>'),
              pick: fc.boolean(),
            }),
          ),
        ),
        codes: fc.array(fc.option(fc.constantFrom(...codes)), { minLength: rows * cols, maxLength: rows * cols }),
      }),
    );

  it('reads every map it writes back cell by cell', () => {
    fc.assert(
      fc.property(map, (m) => {
        const back = readE142(writeE142(m));
        expect([back.substrateId, back.rows, back.cols]).toEqual([m.substrateId, m.rows, m.cols]);
        expect(back.codes).toEqual(m.codes);
        const picked = readPickResult(writeE142(m)).cells;
        expect(picked).toHaveLength(m.codes.filter((c) => c !== null).length);
      }),
      { numRuns: UNIT_FUZZ_RUNS / 4 },
    );
  });

  it('reads damaged pick results, and any text, or refuses them with an E142FormatError naming where', () => {
    fc.assert(
      fc.property(
        map.chain((m) => fc.oneof(damaged(writeE142(m)), fc.string({ maxLength: 100 }))),
        (xml) => {
          try {
            readPickResult(xml, 'upload.xml');
          } catch (e) {
            if (!(e instanceof E142FormatError)) throw new Error(`readPickResult threw ${String(e)}`);
            expect(e.message).toMatch(/^upload\.xml: /);
          }
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});
