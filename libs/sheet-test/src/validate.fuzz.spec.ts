import fc from 'fast-check';
import { anyJson, corrupted, UNIT_FUZZ_RUNS } from '@mes/testing';
import {
  acceptArrowSheetTest,
  arrowSheetTestBody,
  contentHash,
  contentHashOfColumns,
  encodeColumns,
  encodeSheetTestArrow,
  readSheetTestArrow,
  checkGrid,
  decodeSpectrum,
  encodeSheetCells,
  cellSpectrum,
  parseTimestamp,
  timestampEpochMs,
  validateSheetTestBody,
  validationMessage,
  type SheetGrid,
  type SheetTestBody,
  type SheetTestValidation,
} from './index';

/**
 * Property-based tests of the rig's sheet-test body (docs/contracts.md "Rig ingest"): whatever a rig
 * sends, the validator answers with the body or with problems that say where and what was expected;
 * it never throws and never accepts what the contract refuses.
 */

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** An ISO-8601 instant with zone, as a rig writes it (Z or an offset, with or without a fraction). */
const timestamp = fc
  .tuple(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), fc.boolean())
  .map(([d, ms]) => (ms ? d.toISOString() : d.toISOString().replace(/\.\d{3}Z$/, 'Z')));

/** A body the contract accepts, with its grid: distinct cells inside the grid, spectra as long as the frequencies. */
export const validSheetTest: fc.Arbitrary<{ body: SheetTestBody; grid: SheetGrid }> = fc
  .record({
    rows: fc.integer({ min: 1, max: 5 }),
    cols: fc.integer({ min: 1, max: 5 }),
    frequenciesHz: fc.option(
      fc.uniqueArray(
        finite(1e-3, 1e7).filter((f) => f > 0),
        { minLength: 1, maxLength: 6 },
      ),
      { nil: undefined },
    ),
  })
  .chain(({ rows, cols, frequenciesHz }) => {
    const n = frequenciesHz?.length ?? 0;
    const spectrum = fc.array(finite(-1e9, 1e9), { minLength: n, maxLength: n });
    const cell = (row: number, col: number) =>
      fc.oneof(
        fc.constant({ row, col, status: 'NO_CONTACT' as const }),
        fc
          .record({ ocvV: finite(-1, 6), zReOhm: spectrum, zImOhm: spectrum, status: fc.constantFrom(undefined, 'OK' as const) })
          .map(({ ocvV, zReOhm, zImOhm, status }) => ({
            row,
            col,
            ...(status ? { status } : {}),
            ocvV,
            ...(n > 0 ? { zReOhm, zImOhm } : {}),
          })),
      );
    const positions = fc.shuffledSubarray(
      Array.from({ length: rows * cols }, (_, i) => [Math.floor(i / cols), i % cols] as const),
      { minLength: 1 },
    );
    return fc
      .record({
        testId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
        sheet: fc.string({ minLength: 1, maxLength: 30 }),
        startedAt: timestamp,
        temperatureC: finite(-40, 150),
        cells: positions.chain((ps) => fc.tuple(...ps.map(([r, c]) => cell(r, c)))),
      })
      .map((b) => ({ body: { ...b, ...(frequenciesHz ? { frequenciesHz } : {}) } as SheetTestBody, grid: { rows, cols } }));
  });

/** The refusal is well formed: at least one problem, each with a path and a message saying what was expected. */
function expectClearRefusal(r: SheetTestValidation): void {
  if (r.ok) return;
  expect(r.details.length).toBeGreaterThan(0);
  expect(r.problems).toBeGreaterThanOrEqual(r.details.length - 1);
  for (const d of r.details) {
    expect(typeof d.path).toBe('string');
    expect(d.message).toMatch(/expected|required|not allowed|unknown field|more problem/);
  }
  expect(validationMessage(r.details, r.problems)).toMatch(/^invalid sheet test: /);
}

describe('sheet-test body (fuzzed)', () => {
  it('accepts every body the contract allows, as it was sent, and stores what it says', () => {
    fc.assert(
      fc.property(validSheetTest, ({ body, grid }) => {
        const r = validateSheetTestBody(body, grid);
        if (!r.ok) throw new Error(`refused a valid body: ${JSON.stringify(r.details)}`);
        expect(r.value).toBe(body);
        expect(checkGrid(body, grid).ok).toBe(true);
        // The stored cells mean what was posted: positions exact, spectra to float32.
        const enc = encodeSheetCells(r.value);
        body.cells.forEach((c, i) => {
          expect([enc.rows[i], enc.cols[i]]).toEqual([c.row, c.col]);
          const bytes = cellSpectrum(enc, i);
          if (c.status === 'NO_CONTACT' || !c.zReOhm) return;
          expect(enc.ocv[i]).toBe(c.ocvV);
          expect(decodeSpectrum(bytes as Buffer, enc.points).zReOhm).toEqual(c.zReOhm.map(Math.fround));
        });
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers any JSON value with the body or clear problems, never a throw', () => {
    fc.assert(
      fc.property(anyJson(4), (v) => expectClearRefusal(validateSheetTestBody(v))),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers corrupted valid bodies with the body or clear problems, and refuses what the contract refuses', () => {
    fc.assert(
      fc.property(
        validSheetTest.chain(({ body, grid }) => fc.tuple(corrupted(body), fc.constant(grid))),
        ([v, grid]) => {
          const r = validateSheetTestBody(v, grid);
          expectClearRefusal(r);
          if (r.ok) {
            // Whatever survived a corruption still meets the contract's rules (checked here independently).
            const b = r.value;
            expect(b.testId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
            expect(parseTimestamp(b.startedAt)).not.toBeNull();
            expect(b.temperatureC).toBeGreaterThanOrEqual(-40);
            expect(b.temperatureC).toBeLessThanOrEqual(150);
            const seen = new Set<string>();
            for (const c of b.cells) {
              expect(Number.isInteger(c.row) && c.row >= 0 && c.row < grid.rows).toBe(true);
              expect(Number.isInteger(c.col) && c.col >= 0 && c.col < grid.cols).toBe(true);
              expect(seen.has(`${c.row},${c.col}`)).toBe(false);
              seen.add(`${c.row},${c.col}`);
              if (c.status !== 'NO_CONTACT') expect(c.zReOhm?.length ?? 0).toBe(b.frequenciesHz?.length ?? 0);
            }
          }
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('reads any string as a timestamp or as nothing, and a valid one as the instant it names', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 45 }), timestamp), (s) => {
        const t = parseTimestamp(s);
        if (t !== null) expect(Number.isFinite(timestampEpochMs(s))).toBe(true);
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
    fc.assert(
      fc.property(timestamp, (s) => expect(timestampEpochMs(s)).toBe(Date.parse(s))),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});

describe('a sheet test as an Arrow stream (fuzzed): the column path answers as the JSON path', () => {
  /** Both paths over the same bytes: the fast one (columns) and the plain one (a body object per cell). */
  function bothPaths(bytes: Uint8Array) {
    const read = readSheetTestArrow(bytes);
    if (!read.ok) throw new Error(`the encoder made a stream the reader refuses: ${JSON.stringify(read.details)}`);
    const plain = validateSheetTestBody(arrowSheetTestBody(structuredClone(read.test)));
    return { fast: acceptArrowSheetTest(read.test), plain };
  }

  it("takes every valid test, with the JSON path's content hash and stored columns", () => {
    fc.assert(
      fc.property(validSheetTest, fc.boolean(), ({ body }, float64) => {
        const { fast, plain } = bothPaths(encodeSheetTestArrow(body, { spectra: float64 ? 'float64' : 'float32' }));
        expect(plain.ok).toBe(true);
        expect(fast.ok).toBe(true);
        if (!fast.ok || !plain.ok) return;
        expect(contentHashOfColumns(fast.header, fast.columns)).toBe(contentHash(plain.value));
        expect(encodeColumns(fast.columns)).toEqual(encodeSheetCells(plain.value));
        if (float64) expect(contentHash(plain.value)).toBe(contentHash(body));
      }),
      { numRuns: UNIT_FUZZ_RUNS / 10 },
    );
  });

  it('refuses what the JSON path refuses, with the same problems at the same paths', () => {
    const bad = fc.constantFrom(
      (c: Record<string, unknown>) => (c.ocvV = 6.5),
      (c: Record<string, unknown>) => (c.ocvV = NaN),
      (c: Record<string, unknown>) => (c.status = 'BROKEN'),
      (c: Record<string, unknown>) => (c.row = -1),
      (c: Record<string, unknown>) => Array.isArray(c.zReOhm) && c.zReOhm.length && (c.zReOhm[0] = Infinity),
      (c: Record<string, unknown>) => Array.isArray(c.zImOhm) && c.zImOhm.length && (c.zImOhm[0] = NaN),
      (c: Record<string, unknown>) => c.status !== 'NO_CONTACT' && delete c.ocvV,
    );
    fc.assert(
      fc.property(
        validSheetTest,
        fc.array(fc.tuple(fc.nat(), bad), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        ({ body }, changes, dup) => {
          const b = structuredClone(body) as unknown as { cells: Record<string, unknown>[] };
          for (const [at, change] of changes) change(b.cells[at % b.cells.length]);
          if (dup && b.cells.length > 1) b.cells[1] = { ...b.cells[1], row: b.cells[0].row, col: b.cells[0].col };
          const { fast, plain } = bothPaths(encodeSheetTestArrow(b as unknown as SheetTestBody, { spectra: 'float64' }));
          expect(fast.ok).toBe(plain.ok);
          if (!fast.ok && !plain.ok) expect(fast.details).toEqual(plain.details);
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS / 10 },
    );
  });
});
