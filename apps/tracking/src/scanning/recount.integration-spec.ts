import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';
import { newProduct, rollCutIntoSheets, scan, scanThrough } from '../testing/line-fixtures';

const RECOUNT = `mutation($i: RecountSheetInput!) { recountSheet(input: $i) {
  operation stationCode goodCount rejectCount trackedOutGoodCount trackedOutRejectCount correctedBy correctionReason } }`;
const COUNTS = `query($b: String!) { sheet(barcode: $b) { counts { operation stationCode goodCount rejectCount trackedOutGoodCount correctedBy } } }`;

describe('correcting the counts a sheet was tracked out with (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  let sheet: string;
  let untested: string;
  const recount = (extra: Record<string, unknown> = {}) => ({
    i: { sheetBarcode: sheet, stationCode: 'TST-1', goodCount: 17, rejectCount: 3, reason: 'visual fails after track-out', ...extra },
  });

  beforeAll(async () => {
    stack = await startTrackingTestStack('recount');
    await newProduct(stack.admin, 'RC-P'); // 4 x 5 = 20 cells
    [sheet, untested] = await rollCutIntoSheets(stack.admin, 'RC-1', 'RC-P', 0.5, 2);
    await scanThrough(stack.admin, sheet, ['LIPON_DEPOSITION', 'INTERLAYER', 'NEG_COLLECTOR', 'PATTERNING', 'INSPECTION']);
    await scan(stack.admin, sheet, 'SHEET_TEST', 'TRACK_IN');
    await scan(stack.admin, sheet, 'SHEET_TEST', 'TRACK_OUT', { goodCount: 18, rejectCount: 2 });
  }, STACK_START_MS);
  afterAll(() => stack.close());

  it('corrects the newest track-out at the station, keeps what it was tracked out with, and a repeat changes nothing', async () => {
    const first = await stack.admin.ok(RECOUNT, recount());
    expect(first.recountSheet).toEqual({
      operation: 'SHEET_TEST',
      stationCode: 'TST-1',
      goodCount: 17,
      rejectCount: 3,
      trackedOutGoodCount: 18,
      trackedOutRejectCount: 2,
      correctedBy: 'admin',
      correctionReason: 'visual fails after track-out',
    });
    await stack.admin.ok(RECOUNT, recount({ reason: 'the same counts from a retried job' }));
    const { sheet: s } = await stack.admin.ok(COUNTS, { b: sheet });
    expect(s.counts).toEqual([
      { operation: 'SHEET_TEST', stationCode: 'TST-1', goodCount: 17, rejectCount: 3, trackedOutGoodCount: 18, correctedBy: 'admin' },
    ]);
    const { auditTrail } = await stack.admin.ok(`{ auditTrail(entityType: "Sheet", entityKey: "${sheet}") { action before after } }`);
    const recounts = auditTrail.filter((a: { action: string }) => a.action === 'RECOUNT_SHEET');
    expect(recounts).toHaveLength(1);
    expect(recounts[0].before).toMatchObject({ goodCount: 18, rejectCount: 2 });
  });

  it('refuses an unknown sheet, a station it did not leave with counts, counts past its cells, and an operator', async () => {
    const unknown = await stack.admin.fails(RECOUNT, recount({ sheetBarcode: 'S-NOPE-0001' }));
    expect(unknown.extensions?.code).toBe('UNKNOWN_BARCODE');
    const notOut = await stack.admin.fails(RECOUNT, recount({ sheetBarcode: untested }));
    expect(notOut.extensions?.code).toBe('CONFLICT');
    expect(notOut.message).toBe(`Sheet ${untested} was not tracked out at station TST-1 with counts; its track-out there will carry them`);
    const tooMany = await stack.admin.fails(RECOUNT, recount({ goodCount: 15, rejectCount: 6 }));
    expect(tooMany.extensions?.code).toBe('VALIDATION_FAILED');
    expect(tooMany.message).toBe(`goodCount + rejectCount = 21 exceeds the 20 cells of sheet ${sheet}`);
    const negative = await stack.admin.fails(RECOUNT, recount({ rejectCount: -1 }));
    expect(negative.extensions?.code).toBe('VALIDATION_FAILED');
    const noReason = await stack.admin.fails(RECOUNT, recount({ reason: '' }));
    expect(noReason.extensions?.code).toBe('VALIDATION_FAILED');
    const operator = await stack.userClient('OPERATOR');
    expect((await operator.fails(RECOUNT, recount({ goodCount: 1 }))).extensions?.code).toBe('FORBIDDEN');
    expect((await stack.admin.ok(COUNTS, { b: sheet })).sheet.counts[0].goodCount).toBe(17);
  });
});
