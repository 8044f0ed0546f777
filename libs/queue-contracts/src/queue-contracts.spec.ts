import { assertHandlersComplete, JOB_IDS, JOBS, sheetTestChunks } from './index';

describe('assertHandlersComplete', () => {
  it('accepts exactly one handler per job', () => {
    expect(() => assertHandlersComplete(Object.values(JOBS))).not.toThrow();
  });
  it('names missing, unknown and duplicated handlers', () => {
    expect(() => assertHandlersComplete([])).toThrow('no handler for job bin-sheet-test');
    expect(() => assertHandlersComplete([...Object.values(JOBS), 'rebuild-everything'])).toThrow(
      'handler for unknown job rebuild-everything',
    );
    expect(() => assertHandlersComplete([...Object.values(JOBS), JOBS.binSheetTest])).toThrow('two handlers for job bin-sheet-test');
  });
});

describe('sheetTestChunks', () => {
  it('splits a 2,500-cell sheet into 8 near-equal chunks that cover every cell once', () => {
    const chunks = sheetTestChunks(2500);
    expect(chunks).toHaveLength(8);
    expect(chunks.map((c) => c.limit).every((n) => n === 312 || n === 313)).toBe(true);
    chunks.forEach((c, i) => expect(c.offset).toBe(i === 0 ? 0 : chunks[i - 1].offset + chunks[i - 1].limit));
    expect(chunks.reduce((s, c) => s + c.limit, 0)).toBe(2500);
  });
  it('keeps a small retest in one chunk and an empty test in none', () => {
    expect(sheetTestChunks(40)).toEqual([{ chunk: 0, offset: 0, limit: 40 }]);
    expect(sheetTestChunks(0)).toEqual([]);
    expect(sheetTestChunks(321, 320).map((c) => c.limit)).toEqual([160, 161]);
  });
  it('refuses counts that are not whole numbers', () => {
    expect(() => sheetTestChunks(-1)).toThrow('cellCount must be a whole number >= 0, got -1');
    expect(() => sheetTestChunks(10, 0)).toThrow('maxCells must be a whole number >= 1, got 0');
  });
  it('keys jobs without ":" (BullMQ custom ids)', () => {
    for (const id of [JOB_IDS.binSheetTest('a'), JOB_IDS.fitCells('a', 3), JOB_IDS.finishSheetTest('a'), JOB_IDS.rebin('a')])
      expect(id).not.toContain(':');
  });
});
