import { checkGrid, validateSheetTestBody, validationMessage, type SheetTestBody, type SheetTestValidation } from './index';

type Json = Record<string, unknown>;

/** A valid body: 3 frequencies, a 2 x 2 grid fully tested, one cell without contact. */
function body(): Json & { cells: Json[] } {
  return {
    testId: 'RIG7-2026-11-22T10:00:00Z-0042',
    sheet: 'S-R0001-0007',
    startedAt: '2026-11-22T10:00:00Z',
    temperatureC: 25,
    frequenciesHz: [100000, 1000, 10],
    cells: [
      { row: 0, col: 0, ocvV: 3.912, zReOhm: [12.1, 15, 40], zImOhm: [-0.4, -5, -20] },
      { row: 0, col: 1, status: 'OK', ocvV: 3.9, zReOhm: [12, 15, 41], zImOhm: [-0.5, -5, -21] },
      { row: 1, col: 0, status: 'NO_CONTACT' },
      { row: 1, col: 1, ocvV: -0.2, zReOhm: [1e-3, 2e5, 3], zImOhm: [0, 0, 0] },
    ],
  };
}

const GRID = { rows: 2, cols: 2 };

function problems(r: SheetTestValidation): { path: string; message: string }[] {
  if (r.ok) throw new Error('expected a refusal, the body was accepted');
  return r.details;
}

/** The one problem of a refusal. */
function only(b: unknown, grid?: { rows: number; cols: number }): { path: string; message: string } {
  const d = problems(validateSheetTestBody(b, grid));
  expect(d).toHaveLength(1);
  return d[0];
}

describe('validateSheetTestBody: valid bodies', () => {
  it('accepts the contract example and hands back the same object, typed', () => {
    const b = body();
    const r = validateSheetTestBody(b, GRID);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toBe(b);
      const v: SheetTestBody = r.value;
      expect(v.cells).toHaveLength(4);
    }
  });

  it('accepts an OCV-only test (no frequenciesHz, no spectra) and a partial sheet', () => {
    const b = {
      testId: 'a',
      sheet: 'S',
      startedAt: '2026-11-22T10:00:00.123456+05:30',
      temperatureC: -40,
      cells: [
        { row: 24, col: 24, ocvV: 6 },
        { row: 0, col: 0, ocvV: -1 },
        { row: 3, col: 1, status: 'NO_CONTACT' },
      ],
    };
    expect(validateSheetTestBody(b, { rows: 25, cols: 25 }).ok).toBe(true);
  });

  it('accepts every testId character and the limits of each range', () => {
    const b = body();
    b.testId = 'AZaz09._:-'.padEnd(64, 'x');
    b.temperatureC = 150;
    b.frequenciesHz = [1e-3];
    b.cells = [{ row: 0, col: 0, ocvV: 3, zReOhm: [3.4e38], zImOhm: [-3.4e38] }];
    expect(validateSheetTestBody(b).ok).toBe(true);
    b.frequenciesHz = Array.from({ length: 200 }, (_, i) => i + 1);
    b.cells = [{ row: 0, col: 0, ocvV: 3, zReOhm: Array(200).fill(1), zImOhm: Array(200).fill(-1) }];
    expect(validateSheetTestBody(b).ok).toBe(true);
  });

  it.each([
    '2026-11-22T10:00:00Z',
    '2026-11-22T10:00Z',
    '2026-11-22t10:00:00z',
    '2026-11-22T10:00:00.5Z',
    '2026-11-22T10:00:00.123456789-08:00',
    '2026-11-22T10:00:00+0100',
    '2026-11-22T10:00:00+01',
    '2024-02-29T23:59:59Z',
  ])('accepts the timestamp %s', (ts) => {
    const b = body();
    b.startedAt = ts;
    expect(validateSheetTestBody(b).ok).toBe(true);
  });
});

describe('validateSheetTestBody: the body', () => {
  it.each([null, [], 'text', 42, undefined])('refuses a body that is not an object: %p', (b) => {
    expect(only(b)).toEqual({ path: '', message: expect.stringMatching(/^expected a JSON object with testId, sheet/) });
  });

  it('names every missing field', () => {
    const d = problems(validateSheetTestBody({}));
    expect(d.map((p) => p.path)).toEqual(['testId', 'sheet', 'startedAt', 'temperatureC', 'cells']);
    expect(d.every((p) => p.message.startsWith('required'))).toBe(true);
  });

  it('refuses unknown top-level fields', () => {
    const b = body();
    b.rig = 'RIG7';
    expect(only(b)).toEqual({
      path: 'rig',
      message: 'unknown field; the body has only testId, sheet, startedAt, temperatureC, frequenciesHz and cells',
    });
    const c = body();
    c.__proto__x = 1;
    c['a'.repeat(1000)] = 1;
    const d = problems(validateSheetTestBody(c));
    expect(d[1].path.length).toBeLessThan(50);
  });

  it('refuses a __proto__ key as an unknown field', () => {
    const b = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(problems(validateSheetTestBody(b))[0]).toEqual({ path: '__proto__', message: expect.stringContaining('unknown field') });
  });
});

describe('validateSheetTestBody: testId, sheet, startedAt, temperatureC', () => {
  it.each([
    ['', 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got 0 characters'],
    ['x'.repeat(65), 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got 65 characters'],
    ['RIG 7', 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got a space at position 4'],
    ['RIG/7', 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got "/" at position 4'],
    ['RIGé', 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got "é" at position 4'],
    ['a\nb', 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got the control character U+000A at position 2'],
    [42, 'expected 1 to 64 characters of A-Z a-z 0-9 . _ : -, got 42'],
  ])('refuses testId %p', (testId, message) => {
    const b = body();
    b.testId = testId;
    expect(only(b)).toEqual({ path: 'testId', message });
  });

  it.each(['', 12, null])('refuses sheet %p', (sheet) => {
    const b = body();
    b.sheet = sheet;
    expect(only(b).path).toBe('sheet');
  });

  it.each([
    '2026-11-22T10:00:00', // no zone
    '2026-11-22 10:00:00Z', // no T
    '2026-11-22',
    '2026-02-29T10:00:00Z', // not a leap year
    '2026-04-31T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:60:00Z',
    '2026-11-22T10:00:60Z',
    '2026-11-22T10:00:00.Z',
    '2026-11-22T10:00:00.1234567890Z',
    '2026-11-22T10:00:00+1:00',
    '2026-11-22T10:00:00+01:00:00',
    '2026-11-22T10:00:00ZZ',
    '0099-11-22T10:00:00Z',
    'Sun Nov 22 2026 10:00:00 GMT',
    '1795341600',
  ])('refuses startedAt %s', (ts) => {
    const b = body();
    b.startedAt = ts;
    const p = only(b);
    expect(p.path).toBe('startedAt');
    expect(p.message).toContain('expected an ISO-8601 timestamp with zone such as 2026-11-22T10:00:00Z');
    expect(p.message).toContain(`got the string ${JSON.stringify(ts)}`);
  });

  it('refuses a numeric startedAt', () => {
    const b = body();
    b.startedAt = 1795341600000;
    expect(only(b).message).toMatch(/got 1795341600000$/);
  });

  it.each([
    [-40.01, 'got -40.01'],
    [150.5, 'got 150.5'],
    [NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
    ['25', 'got the string "25"'],
    [null, 'got null'],
  ])('refuses temperatureC %p', (t, got) => {
    const b = body();
    b.temperatureC = t;
    expect(only(b)).toEqual({ path: 'temperatureC', message: `expected a number from -40 to 150 (°C), ${got}` });
  });
});

describe('validateSheetTestBody: frequenciesHz', () => {
  function withFrequencies(f: unknown, points = Array.isArray(f) ? f.length : 3): Json & { cells: Json[] } {
    const b = body();
    b.frequenciesHz = f;
    b.cells = [{ row: 0, col: 0, ocvV: 3.9, zReOhm: Array(points).fill(1), zImOhm: Array(points).fill(-1) }];
    return b;
  }

  it('refuses frequencies that are not distinct, naming both places', () => {
    expect(only(withFrequencies([100, 10, 100]))).toEqual({
      path: 'frequenciesHz[2]',
      message: '100 Hz is given twice (first at frequenciesHz[0]); expected distinct frequencies',
    });
  });

  it.each([
    [[100, -10, 1], 'frequenciesHz[1]', 'expected a finite positive number (Hz), got -10'],
    [[100, 0, 1], 'frequenciesHz[1]', 'expected a finite positive number (Hz), got 0'],
    [[100, NaN, 1], 'frequenciesHz[1]', 'expected a finite positive number (Hz), got NaN'],
    [[Infinity, 10, 1], 'frequenciesHz[0]', 'expected a finite positive number (Hz), got Infinity'],
    [
      ['100', 10, null],
      'frequenciesHz[0]',
      'expected a finite positive number (Hz), got the string "100" (and 1 more bad value in this array)',
    ],
  ])('refuses %p', (f, path, message) => {
    expect(only(withFrequencies(f))).toEqual({ path, message });
  });

  it('refuses 201 frequencies and an empty list', () => {
    const f = Array.from({ length: 201 }, (_, i) => i + 1);
    expect(only(withFrequencies(f))).toEqual({ path: 'frequenciesHz', message: 'expected 1 to 200 frequencies, got 201' });
    expect(only(withFrequencies([], 3))).toEqual({
      path: 'frequenciesHz',
      message: 'expected 1 to 200 frequencies (leave the field out for an OCV-only test), got 0',
    });
  });

  it('refuses null and non-arrays (leave the field out instead)', () => {
    expect(only(withFrequencies(null, 3)).path).toBe('frequenciesHz');
    expect(only(withFrequencies({ 0: 100 }, 3)).message).toMatch(
      /^expected an array of 1 to 200 distinct positive frequencies.*got an object$/,
    );
  });
});

describe('validateSheetTestBody: cells', () => {
  it('refuses missing, empty and non-array cells', () => {
    const b = body();
    b.cells = [];
    expect(only(b)).toEqual({ path: 'cells', message: 'expected 1 or more cells, got 0' });
    b.cells = { row: 0 } as unknown as Json[];
    expect(only(b)).toEqual({ path: 'cells', message: 'expected an array of 1 or more cells, got an object' });
  });

  it('refuses a cell that is not an object', () => {
    const b = body();
    b.cells[2] = [1, 0] as unknown as Json;
    expect(only(b)).toEqual({
      path: 'cells[2]',
      message: 'expected an object with row, col, status, ocvV, zReOhm and zImOhm, got an array of 2',
    });
  });

  it('refuses unknown cell fields', () => {
    const b = body();
    b.cells[1].softBin = 1;
    expect(only(b)).toEqual({
      path: 'cells[1].softBin',
      message: 'unknown field; a cell has only row, col, status, ocvV, zReOhm and zImOhm',
    });
  });

  it('refuses duplicate cells, naming the first', () => {
    const b = body();
    b.cells.push({ row: 0, col: 1, status: 'NO_CONTACT' });
    expect(only(b)).toEqual({ path: 'cells[4]', message: '(row 0, col 1) is given twice (first at cells[1]); expected each cell once' });
    // the same with the grid known (another lookup structure)
    expect(problems(validateSheetTestBody(b, GRID))).toContainEqual({
      path: 'cells[4]',
      message: '(row 0, col 1) is given twice (first at cells[1]); expected each cell once',
    });
  });

  it('finds duplicates among many cells before the grid is known (and with it)', () => {
    const b = body();
    b.cells = [];
    for (let r = 0; r < 100; r++) for (let c = 0; c < 60; c++) b.cells.push({ row: r, col: c, status: 'NO_CONTACT' });
    b.cells.push({ row: 32767, col: 32767, status: 'NO_CONTACT' }, { row: 57, col: 31, status: 'NO_CONTACT' });
    expect(only(b)).toEqual({
      path: 'cells[6001]',
      message: `(row 57, col 31) is given twice (first at cells[${57 * 60 + 31}]); expected each cell once`,
    });
    expect(problems(validateSheetTestBody(b, { rows: 100, cols: 60 }))).toContainEqual({
      path: 'cells[6001]',
      message: `(row 57, col 31) is given twice (first at cells[${57 * 60 + 31}]); expected each cell once`,
    });
  });

  it.each([
    [{ col: 0 }, 'cells[0].row', 'required: an integer from 0 to 32767'],
    [{ row: -1, col: 0 }, 'cells[0].row', 'expected an integer from 0 to 32767, got -1'],
    [{ row: 1.5, col: 0 }, 'cells[0].row', 'expected an integer from 0 to 32767, got 1.5'],
    [{ row: '1', col: 0 }, 'cells[0].row', 'expected an integer from 0 to 32767, got the string "1"'],
    [{ row: 0, col: 40000 }, 'cells[0].col', 'expected an integer from 0 to 32767, got 40000'],
  ])('refuses row/col of %p', (pos, path, message) => {
    const b = body();
    b.cells = [{ ...pos, ocvV: 3, zReOhm: [1, 2, 3], zImOhm: [1, 2, 3] }];
    expect(only(b)).toEqual({ path, message });
  });

  it.each([
    [{ ocvV: 3.9, zReOhm: [1, 2, 3], zImOhm: [1, 2, 3] }, 'cells[0].ocvV'],
    [{ zReOhm: [1, 2, 3] }, 'cells[0].zReOhm'],
    [{ zImOhm: [1, 2, 3] }, 'cells[0].zImOhm'],
    [{ ocvV: null }, 'cells[0].ocvV'],
  ])('refuses values on a NO_CONTACT cell: %p', (values, path) => {
    const b = body();
    b.cells = [{ row: 0, col: 0, status: 'NO_CONTACT', ...values }];
    const d = problems(validateSheetTestBody(b));
    expect(d[0]).toEqual({ path, message: 'not allowed for a NO_CONTACT cell (it carries no values)' });
  });

  it.each(['ok', 'FAILED', null, 0])('refuses status %p', (status) => {
    const b = body();
    b.cells[0].status = status;
    expect(only(b)).toEqual({
      path: 'cells[0].status',
      message: expect.stringMatching(/^expected "OK" \(the default\) or "NO_CONTACT", got /),
    });
  });

  it.each([
    [undefined, 'required for an OK cell: a number from -1 to 6 (V)'],
    [6.01, 'expected a number from -1 to 6 (V), got 6.01'],
    [-1.5, 'expected a number from -1 to 6 (V), got -1.5'],
    [NaN, 'expected a number from -1 to 6 (V), got NaN'],
    [Infinity, 'expected a number from -1 to 6 (V), got Infinity'],
    ['3.9', 'expected a number from -1 to 6 (V), got the string "3.9"'],
  ])('refuses ocvV %p', (ocvV, message) => {
    const b = body();
    b.cells[0].ocvV = ocvV;
    expect(only(b)).toEqual({ path: 'cells[0].ocvV', message });
  });

  it('refuses spectra of the wrong length', () => {
    const b = body();
    b.cells[3].zReOhm = [1, 2];
    b.cells[1].zImOhm = [1, 2, 3, 4];
    expect(problems(validateSheetTestBody(b))).toEqual([
      { path: 'cells[1].zImOhm', message: 'expected 3 values, got 4' },
      { path: 'cells[3].zReOhm', message: 'expected 3 values, got 2' },
    ]);
  });

  it('says "expected 50 values, got 49" for the contract example', () => {
    const b = body();
    b.frequenciesHz = Array.from({ length: 50 }, (_, i) => 1e6 / (i + 1));
    b.cells = [0, 1, 2, 3].map((i) => ({
      row: i >> 1,
      col: i & 1,
      ocvV: 3.9,
      zReOhm: Array(i === 3 ? 49 : 50).fill(1),
      zImOhm: Array(50).fill(0),
    }));
    expect(only(b)).toEqual({ path: 'cells[3].zReOhm', message: 'expected 50 values, got 49' });
  });

  it.each([
    [[1, NaN, 3], 'cells[0].zReOhm[1]', 'expected a finite number (Ω), got NaN'],
    [[1, 2, Infinity], 'cells[0].zReOhm[2]', 'expected a finite number (Ω), got Infinity'],
    [[1, -Infinity, 3], 'cells[0].zReOhm[1]', 'expected a finite number (Ω), got -Infinity'],
    [['1', '2', 3], 'cells[0].zReOhm[0]', 'expected a finite number (Ω), got the string "1" (and 1 more bad value in this array)'],
    [[null, 2, 3], 'cells[0].zReOhm[0]', 'expected a finite number (Ω), got null'],
    [[1, 2, 1e39], 'cells[0].zReOhm[2]', 'expected a finite number (Ω), got 1e+39 (beyond float32 range, ±3.4e38 Ω)'],
  ])('refuses bad values in a spectrum: %p', (zRe, path, message) => {
    const b = body();
    b.cells[0].zReOhm = zRe;
    expect(only(b)).toEqual({ path, message });
  });

  it('refuses missing or non-array spectra on an OK cell of a test with frequencies', () => {
    const b = body();
    delete b.cells[0].zImOhm;
    b.cells[1].zReOhm = 'abc';
    expect(problems(validateSheetTestBody(b))).toEqual([
      { path: 'cells[0].zImOhm', message: 'required for an OK cell: 3 numbers (one per frequency)' },
      { path: 'cells[1].zReOhm', message: 'expected an array of 3 numbers (one per frequency), got the string "abc"' },
    ]);
  });

  it('refuses spectra in an OCV-only test', () => {
    const b = body();
    delete b.frequenciesHz;
    delete b.cells[0].zImOhm;
    delete b.cells[1].zReOhm;
    delete b.cells[1].zImOhm;
    delete b.cells[3].zReOhm;
    delete b.cells[3].zImOhm;
    expect(only(b)).toEqual({ path: 'cells[0].zReOhm', message: 'not allowed: the test has no frequenciesHz (an OCV-only test)' });
  });
});

describe('grid checks', () => {
  const grid = { rows: 25, cols: 25 };

  it('with the grid, refuses cells outside it with the grid bounds in the message', () => {
    const b = body();
    b.cells[2] = { row: 25, col: 3, status: 'NO_CONTACT' };
    b.cells[3].col = -1;
    expect(problems(validateSheetTestBody(b, grid))).toEqual([
      { path: 'cells[2].row', message: 'expected an integer from 0 to 24, got 25' },
      { path: 'cells[3].col', message: 'expected an integer from 0 to 24, got -1' },
    ]);
  });

  it('checkGrid after the grid-independent step gives the same answer', () => {
    const b = body();
    b.cells[2] = { row: 25, col: 3, status: 'NO_CONTACT' };
    b.cells[3].col = 30;
    const first = validateSheetTestBody(b);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(problems(checkGrid(first.value, grid))).toEqual([
      { path: 'cells[2].row', message: 'expected an integer from 0 to 24, got 25' },
      { path: 'cells[3].col', message: 'expected an integer from 0 to 24, got 30' },
    ]);
    const good = validateSheetTestBody(body());
    expect(good.ok && checkGrid(good.value, GRID).ok).toBe(true);
  });

  it('refuses more cells than the grid has', () => {
    const b = body();
    b.cells.push({ row: 5, col: 0, status: 'NO_CONTACT' });
    const first = validateSheetTestBody(b);
    if (!first.ok) throw new Error('should pass without grid');
    expect(problems(checkGrid(first.value, GRID))).toEqual([
      { path: 'cells', message: 'expected 1 to 4 cells (the sheet is a 2 x 2 grid), got 5' },
      { path: 'cells[4].row', message: 'expected an integer from 0 to 1, got 5' },
    ]);
  });

  it('throws on a grid that cannot be a sheet (a programming error, not a refusal)', () => {
    expect(() => validateSheetTestBody(body(), { rows: 0, cols: 5 })).toThrow(RangeError);
    expect(() => validateSheetTestBody(body(), { rows: 40000, cols: 5 })).toThrow(RangeError);
  });
});

describe('error cap', () => {
  it('lists the first 50 problems and counts the rest, without building a huge answer', () => {
    const b = body();
    // per cell: an unknown field, a bad row, and no ocvV, zReOhm or zImOhm: 5 problems
    b.cells = new Array(100_000).fill({ row: 'x', col: 0, bogus: true });
    const r = validateSheetTestBody(b);
    if (r.ok) throw new Error('accepted garbage');
    expect(r.details).toHaveLength(51);
    expect(r.problems).toBe(500_000);
    expect(r.details.slice(0, 5).map((d) => d.path)).toEqual([
      'cells[0].bogus',
      'cells[0].row',
      'cells[0].ocvV',
      'cells[0].zReOhm',
      'cells[0].zImOhm',
    ]);
    expect(r.details[50]).toEqual({ path: '', message: '499950 more problems not listed (only the first 50 are)' });
    expect(JSON.stringify(r.details).length).toBeLessThan(10_000);
  });

  it('reports one problem per bad array, not one per value', () => {
    const b = body();
    b.frequenciesHz = Array.from({ length: 100 }, (_, i) => i + 1);
    b.cells = [{ row: 0, col: 0, ocvV: 3, zReOhm: Array(100).fill('x'), zImOhm: Array(100).fill(null) }];
    expect(problems(validateSheetTestBody(b))).toEqual([
      { path: 'cells[0].zReOhm[0]', message: 'expected a finite number (Ω), got the string "x" (and 99 more bad values in this array)' },
      { path: 'cells[0].zImOhm[0]', message: 'expected a finite number (Ω), got null (and 99 more bad values in this array)' },
    ]);
  });

  it('keeps quoted strings short', () => {
    const b = body();
    b.sheet = 42;
    b.testId = 'y'.repeat(10_000_000);
    b.startedAt = 'z'.repeat(10_000);
    const d = problems(validateSheetTestBody(b));
    expect(d.every((p) => p.message.length < 200)).toBe(true);
  });

  it('builds a one-line message for DomainError', () => {
    const b = body();
    b.cells[3].zReOhm = [1, 2];
    b.temperatureC = 400;
    const r = validateSheetTestBody(b);
    if (r.ok) throw new Error('accepted');
    expect(validationMessage(r.details, r.problems)).toBe(
      'invalid sheet test: temperatureC: expected a number from -40 to 150 (°C), got 400 (and 1 more problem, see details)',
    );
    expect(validationMessage([{ path: '', message: 'expected a JSON object' }])).toBe('invalid sheet test: expected a JSON object');
  });
});
