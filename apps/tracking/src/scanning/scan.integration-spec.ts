import { DEMO_LINE } from '../seed/demo-line';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newProduct, newRoll, scan, SCAN, scanThrough, stationOf } from '../testing/line-fixtures';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

describe('station scans (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;

  // test-data's answers to the singulation interlock, from a stand-in of its public GraphQL API.
  let testData: { sheetTests: { testId: string; status: string }[]; values: (number | null)[] } = { sheetTests: [], values: [] };
  let testDataServer: Server;
  beforeAll(async () => {
    testDataServer = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            data: { sheetTests: testData.sheetTests, sheetMap: { values: testData.values }, productTestPolicy: { maxRetests: 1 } },
          }),
        );
      });
    });
    await new Promise<void>((r) => testDataServer.listen(0, '127.0.0.1', r));
    const port = (testDataServer.address() as AddressInfo).port;
    stack = await startTrackingTestStack('scans', { env: { TEST_DATA_URL: `http://127.0.0.1:${port}/graphql` } });
    await newProduct(stack.admin, 'SCAN-P');
  }, STACK_START_MS);
  afterAll(async () => {
    await stack.close();
    await new Promise((r) => testDataServer.close(r));
  });

  const scanEvents = async (barcode: string) =>
    (await stack.admin.ok<{ unitHistory: { kind: string }[] }>(`{ unitHistory(barcode: "${barcode}") { kind } }`)).unitHistory.filter(
      (e) => e.kind === 'SCAN',
    ).length;

  it('tracks a roll in and out and moves it to its next operation', async () => {
    await newRoll(stack.admin, 'SC-1', 'SCAN-P');
    const tin = await scan(stack.admin, 'SC-1', 'INCOMING_FOIL', 'TRACK_IN');
    expect(tin.scan).toMatchObject({
      unitKind: 'ROLL',
      operation: 'INCOMING_FOIL',
      stepState: 'IN_PROCESS',
      stationCode: 'INC-1',
      repeated: false,
    });
    const tout = await scan(stack.admin, 'SC-1', 'INCOMING_FOIL', 'TRACK_OUT', { goodCount: 1, rejectCount: 0 });
    expect(tout.scan).toMatchObject({ operation: 'WEB_CLEAN', stepState: 'WAITING', stationCode: null, status: 'ACTIVE' });
    expect(tout.scan.event).toMatchObject({ action: 'TRACK_OUT', operation: 'INCOMING_FOIL', stationCode: 'INC-1' });
  });

  it('refuses an unknown barcode, saying what it expected', async () => {
    const error = await stack.admin.fails(SCAN, { i: { barcode: 'NOPE-42', stationCode: 'INC-1', action: 'TRACK_IN' } });
    expect(error.extensions?.code).toBe('UNKNOWN_BARCODE');
    expect(error.message).toBe('Unknown barcode NOPE-42: expected the barcode of a registered roll or sheet');
  });

  it('refuses a scan at the wrong station, naming the expected operation and station', async () => {
    await newRoll(stack.admin, 'SC-2', 'SCAN-P');
    const error = await stack.admin.fails(SCAN, { i: { barcode: 'SC-2', stationCode: stationOf('LCO_ANNEAL'), action: 'TRACK_IN' } });
    expect(error.extensions?.code).toBe('WRONG_OPERATION');
    expect(error.message).toBe(
      'Roll SC-2 is waiting for operation INCOMING_FOIL (route step 1); scan it at station INC-1, not at ANL-1 (LCO_ANNEAL)',
    );
    expect(error.extensions?.expectedStations).toEqual(['INC-1']);
  });

  it('refuses a track-out without a track-in', async () => {
    await newRoll(stack.admin, 'SC-3', 'SCAN-P');
    const error = await stack.admin.fails(SCAN, { i: { barcode: 'SC-3', stationCode: 'INC-1', action: 'TRACK_OUT' } });
    expect(error.extensions?.code).toBe('NOT_TRACKED_IN');
    expect(error.message).toBe('Roll SC-3 is not tracked in at INCOMING_FOIL; scan TRACK_IN at a INCOMING_FOIL station first');
  });

  it('treats a double press of the same scan as one scan', async () => {
    await newRoll(stack.admin, 'SC-4', 'SCAN-P');
    const first = await scan(stack.admin, 'SC-4', 'INCOMING_FOIL', 'TRACK_IN');
    const second = await scan(stack.admin, 'SC-4', 'INCOMING_FOIL', 'TRACK_IN');
    expect(second.scan.repeated).toBe(true);
    expect(second.scan.event.id).toBe(first.scan.event.id);
    const out1 = await scan(stack.admin, 'SC-4', 'INCOMING_FOIL', 'TRACK_OUT');
    const out2 = await scan(stack.admin, 'SC-4', 'INCOMING_FOIL', 'TRACK_OUT');
    expect(out2.scan).toMatchObject({ repeated: true, operation: 'WEB_CLEAN', stepState: 'WAITING' });
    expect(out2.scan.event.id).toBe(out1.scan.event.id);
    expect(await scanEvents('SC-4')).toBe(2);
  });

  it('refuses a track-in while the unit is in process at another station', async () => {
    await stack.admin.ok(
      'mutation { createStation(input: { code: "INC-2", name: "Incoming 2", operation: "INCOMING_FOIL", lineCode: "R2R-1" }) { code } }',
    );
    await newRoll(stack.admin, 'SC-5', 'SCAN-P');
    await scan(stack.admin, 'SC-5', 'INCOMING_FOIL', 'TRACK_IN');
    const error = await stack.admin.fails(SCAN, { i: { barcode: 'SC-5', stationCode: 'INC-2', action: 'TRACK_IN' } });
    expect(error.extensions?.code).toBe('ALREADY_IN_PROCESS');
    expect(error.message).toContain('already tracked in at station INC-1');
  });

  it('lets exactly one of two stations win when both scan the same unit at the same moment', async () => {
    for (let i = 0; i < 5; i++) {
      const barcode = `SC-RACE-${i}`;
      await newRoll(stack.admin, barcode, 'SCAN-P');
      const results = await Promise.all(
        ['INC-1', 'INC-2'].map((stationCode) =>
          stack.admin.request<{ scan: { stationCode: string } }>(SCAN, { i: { barcode, stationCode, action: 'TRACK_IN' } }),
        ),
      );
      const winners = results.filter((r) => !r.errors);
      const losers = results.filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0].errors?.[0].extensions?.code).toBe('ALREADY_IN_PROCESS');
      expect(await scanEvents(barcode)).toBe(1);
    }
  });

  it('refuses units that finished their route or were consumed by a cut', async () => {
    await newRoll(stack.admin, 'SC-6', 'SCAN-P');
    await scanThrough(stack.admin, 'SC-6', ['INCOMING_FOIL', 'WEB_CLEAN', 'LCO_DEPOSITION', 'LCO_ANNEAL']);
    await scan(stack.admin, 'SC-6', 'CUT_TO_SHEETS', 'TRACK_IN');
    const notCut = await stack.admin.fails(SCAN, { i: { barcode: 'SC-6', stationCode: 'CUT-1', action: 'TRACK_OUT' } });
    expect(notCut.message).toContain('has not been cut into sheets yet');
    const cut = await stack.admin.ok(
      'mutation { cutSheets(input: { rollBarcode: "SC-6", stationCode: "CUT-1", count: 1 }) { sheets { barcode operation } } }',
    );
    expect(cut.cutSheets.sheets).toEqual([{ barcode: 'S-SC-6-0001', operation: 'LIPON_DEPOSITION' }]);
    await scan(stack.admin, 'SC-6', 'CUT_TO_SHEETS', 'TRACK_OUT');
    const consumed = await stack.admin.fails(SCAN, { i: { barcode: 'SC-6', stationCode: 'LPN-1', action: 'TRACK_IN' } });
    expect(consumed.extensions?.code).toBe('UNIT_NOT_ACTIVE');
    expect(consumed.message).toContain('Roll SC-6 no longer exists as a roll');

    const sheet = 'S-SC-6-0001';
    const sheetOps = DEMO_LINE.route.filter((s) => s.level === 'SHEET').map((s) => s.operation);
    await scanThrough(
      stack.admin,
      sheet,
      sheetOps.filter((op) => op !== 'SINGULATION'),
    );
    // Scanned through SHEET_TEST by hand without a test: the singulation interlock stops it.
    const untested = await stack.admin.fails(SCAN, { i: { barcode: sheet, stationCode: 'SNG-1', action: 'TRACK_IN' } });
    expect(untested.extensions?.code).toBe('CONFLICT');
    expect(untested.message).toBe(
      `Sheet ${sheet} cannot be tracked into SINGULATION: it has never been tested: every sheet is tested at SHEET_TEST before singulation`,
    );
    testData = { sheetTests: [{ testId: 'T1', status: 'DONE' }], values: [1, 0, 12, null] };
    const retest = await stack.admin.fails(SCAN, { i: { barcode: sheet, stationCode: 'SNG-1', action: 'TRACK_IN' } });
    expect(retest.message).toMatch(/1 cell\(s\) wait for a retest after a rig fault \(soft bin 0\): \(0, 1\); 0 of 1 retest\(s\) done$/);
    testData = { sheetTests: [{ testId: 'T1', status: 'DONE' }], values: [1, 2, 12, null] };
    await scanThrough(stack.admin, sheet, ['SINGULATION']);
    const finished = await stack.admin.ok(`{ sheet(barcode: "${sheet}") { status operation } }`);
    expect(finished.sheet).toEqual({ status: 'FINISHED', operation: null });
    const again = await stack.admin.fails(SCAN, { i: { barcode: sheet, stationCode: 'LPN-1', action: 'TRACK_IN' } });
    expect(again.extensions?.code).toBe('UNIT_NOT_ACTIVE');
    expect(again.message).toBe(`Sheet ${sheet} has finished its route: it cannot be scanned at an operation`);
  });

  it('checks track-out counts against the cells of a sheet', async () => {
    const sheet = 'S-R0001-0001'; // demo sheet: 50 x 50 cells, waiting at SHEET_TEST
    await scan(stack.admin, sheet, 'SHEET_TEST', 'TRACK_IN');
    const error = await stack.admin.fails(SCAN, {
      i: { barcode: sheet, stationCode: 'TST-1', action: 'TRACK_OUT', goodCount: 2500, rejectCount: 1 },
    });
    expect(error.extensions?.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('goodCount + rejectCount = 2501 exceeds the 2500 cells of sheet S-R0001-0001');
    const negative = await stack.admin.fails(SCAN, { i: { barcode: sheet, stationCode: 'TST-1', action: 'TRACK_OUT', goodCount: -1 } });
    expect(negative.extensions?.code).toBe('VALIDATION_FAILED');
    expect(negative.extensions?.details).toEqual([{ path: 'input.goodCount', message: 'goodCount must not be less than 0' }]);
  });

  it('refuses a station that does not exist', async () => {
    const error = await stack.admin.fails(SCAN, { i: { barcode: 'SC-1', stationCode: 'NOWHERE', action: 'TRACK_IN' } });
    expect(error.extensions?.code).toBe('NOT_FOUND');
    expect(error.message).toContain('Unknown station NOWHERE');
  });
});
