import { assertHandlersComplete, JOBS } from './index';

describe('assertHandlersComplete', () => {
  it('accepts exactly one handler per job', () => {
    expect(() => assertHandlersComplete(Object.values(JOBS))).not.toThrow();
  });
  it('names missing, unknown and duplicated handlers', () => {
    expect(() => assertHandlersComplete([])).toThrow('no handler for job bin-sheet-test');
    expect(() => assertHandlersComplete([JOBS.binSheetTest, 'rebuild-everything'])).toThrow('handler for unknown job rebuild-everything');
    expect(() => assertHandlersComplete([JOBS.binSheetTest, JOBS.binSheetTest])).toThrow('two handlers for job bin-sheet-test');
  });
});
