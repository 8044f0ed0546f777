import { cellRollPosition } from '@mes/geometry';
import { DEMO_LINE } from '../seed/demo-line';
import { newProduct, newRoll, rollCutIntoSheets, scan, scanThrough } from '../testing/line-fixtures';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

describe('rolls, sheets and cells (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  beforeAll(async () => {
    stack = await startTrackingTestStack('material');
    await newProduct(stack.admin, 'MAT-P');
  }, STACK_START_MS);
  afterAll(() => stack.close());

  it('seeds demo sheets of 2,500 cells waiting at SHEET_TEST, each cell with its roll coordinates', async () => {
    const { sheets } = await stack.admin.ok('{ sheets(operation: "SHEET_TEST") { barcode rows cols mdStartMm stepState } }');
    expect(sheets).toHaveLength(20);
    const { sheet } = await stack.admin.ok(
      '{ sheet(barcode: "S-R0001-0007") { rollBarcode sheetIndex mdStartMm mdEndMm cellActiveAreaCm2 cells { row col mdMm cdMm } } }',
    );
    expect(sheet).toMatchObject({ rollBarcode: 'R0001', sheetIndex: 7, mdStartMm: 2800, mdEndMm: 3100 });
    expect(sheet.cells).toHaveLength(2500);
    const layout = DEMO_LINE.product.layout;
    for (const i of [0, 1, 50, 1275, 2499]) {
      const c = sheet.cells[i];
      expect(i).toBe(c.row * 50 + c.col); // row-major
      expect({ mdMm: c.mdMm, cdMm: c.cdMm }).toEqual(cellRollPosition(layout, 2800, c.row, c.col));
    }
  });

  it('answers Sheet.cell(row, col), and refuses a position outside the grid naming the grid', async () => {
    const { sheet } = await stack.admin.ok('{ sheet(barcode: "S-R0001-0007") { cell(row: 12, col: 3) { code mdMm cdMm } } }');
    expect(sheet.cell).toEqual({ code: 'S-R0001-0007-R12C3', ...cellRollPosition(DEMO_LINE.product.layout, 2800, 12, 3) });
    const error = await stack.admin.fails('{ sheet(barcode: "S-R0001-0007") { cell(row: 12, col: 50) { code } } }');
    expect(error.extensions?.code).toBe('VALIDATION_FAILED');
    expect(error.message).toBe('Cell (12, 50) is outside the 50 x 50 grid of sheet S-R0001-0007');
  });

  it('refuses to cut a roll that is not tracked in at its cut operation', async () => {
    await newRoll(stack.admin, 'M-1', 'MAT-P');
    const error = await stack.admin.fails(
      'mutation { cutSheets(input: { rollBarcode: "M-1", stationCode: "CUT-1" }) { sheets { barcode } } }',
    );
    expect(error.extensions?.code).toBe('WRONG_OPERATION');
    expect(error.message).toBe(
      'Roll M-1 must be tracked in at CUT_TO_SHEETS on station CUT-1 to be cut (it is WAITING at step 1: INCOMING_FOIL)',
    );
  });

  it('cuts sheets in batches from the end of the leader and stops before the trailer', async () => {
    await newRoll(stack.admin, 'M-2', 'MAT-P', 0.5); // (500 - 200) / 60 = 5 sheets
    await scanThrough(stack.admin, 'M-2', ['INCOMING_FOIL', 'WEB_CLEAN', 'LCO_DEPOSITION', 'LCO_ANNEAL']);
    await scan(stack.admin, 'M-2', 'CUT_TO_SHEETS', 'TRACK_IN');
    const cut =
      'mutation($n: Int) { cutSheets(input: { rollBarcode: "M-2", stationCode: "CUT-1", count: $n }) { roll { sheetsCut } sheets { barcode mdStartMm mdEndMm } } }';
    const first = await stack.admin.ok(cut, { n: 2 });
    expect(first.cutSheets.sheets).toEqual([
      { barcode: 'S-M-2-0001', mdStartMm: 100, mdEndMm: 160 },
      { barcode: 'S-M-2-0002', mdStartMm: 160, mdEndMm: 220 },
    ]);
    const rest = await stack.admin.ok(cut, {});
    expect(rest.cutSheets.roll.sheetsCut).toBe(5);
    expect(rest.cutSheets.sheets.map((s: { mdEndMm: number }) => s.mdEndMm)).toEqual([280, 340, 400]);
    const full = await stack.admin.fails(cut, {});
    expect(full.extensions?.code).toBe('CONFLICT');
    expect(full.message).toBe('Roll M-2 has no room for another sheet: 5 of 5 sheets already cut');
  });

  it('slits a roll into lanes that keep MD and start CD at their own edge', async () => {
    await newRoll(stack.admin, 'M-3', 'MAT-P');
    const lanes = await stack.admin.ok(
      'mutation($i: SlitRollInput!) { slitRoll(input: $i) { barcode widthMm lengthMm origin parents { parentBarcode parentCdStartMm } } }',
      {
        i: {
          barcode: 'M-3',
          lanes: [
            { barcode: 'M-3A', cdStartMm: 0, cdEndMm: 150 },
            { barcode: 'M-3B', cdStartMm: 150, cdEndMm: 300 },
          ],
        },
      },
    );
    expect(lanes.slitRoll).toEqual([
      { barcode: 'M-3A', widthMm: 150, lengthMm: 1000, origin: 'SLIT', parents: [{ parentBarcode: 'M-3', parentCdStartMm: 0 }] },
      { barcode: 'M-3B', widthMm: 150, lengthMm: 1000, origin: 'SLIT', parents: [{ parentBarcode: 'M-3', parentCdStartMm: 150 }] },
    ]);
    expect((await stack.admin.ok('{ roll(barcode: "M-3") { status } }')).roll.status).toBe('CONSUMED');
    const overlap = await stack.admin.fails('mutation($i: SlitRollInput!) { slitRoll(input: $i) { barcode } }', {
      i: {
        barcode: 'M-3A',
        lanes: [
          { barcode: 'M-3A1', cdStartMm: 0, cdEndMm: 100 },
          { barcode: 'M-3A2', cdStartMm: 90, cdEndMm: 150 },
        ],
      },
    });
    expect(overlap.message).toBe('Invalid slit of M-3A: lane M-3A2 overlaps lane M-3A1 across the web');
    const history = await stack.admin.ok('{ unitHistory(barcode: "M-3") { kind summary } }');
    expect(history.unitHistory).toContainEqual({ kind: 'GENEALOGY', summary: 'slit into roll M-3A' });
  });

  it('refuses rolls that do not fit and barcodes already in use', async () => {
    const narrow = await stack.admin.fails(
      'mutation { registerRoll(input: { barcode: "M-4", productCode: "TFB-0505", widthMm: 200, lengthM: 10 }) { barcode } }',
    );
    expect(narrow.extensions?.code).toBe('VALIDATION_FAILED');
    expect(narrow.message).toMatch(/^Product TFB-0505 does not fit a 200 mm web: cols: the cells span CD 12.75 to 287.25 mm/);
    const taken = await stack.admin.fails(
      'mutation { registerRoll(input: { barcode: "R0001", productCode: "MAT-P", widthMm: 300, lengthM: 10 }) { barcode } }',
    );
    expect(taken.message).toBe('Barcode R0001 is already in use');
    const zero = await stack.admin.fails(
      'mutation { registerRoll(input: { barcode: "M-5", productCode: "MAT-P", widthMm: 300, lengthM: 0 }) { barcode } }',
    );
    expect(zero.extensions?.details).toEqual([{ path: 'input.lengthM', message: 'lengthM must be a positive number' }]);
  });

  it('finds rolls by status and operation, and the history of a sheet from its cut on', async () => {
    const sheets = await rollCutIntoSheets(stack.admin, 'M-6', 'MAT-P', 0.5, 1);
    const waiting = await stack.admin.ok('{ rolls(status: ACTIVE, operation: "INCOMING_FOIL") { barcode } }');
    expect(waiting.rolls.map((r: { barcode: string }) => r.barcode)).toContain('M-1');
    expect(waiting.rolls.map((r: { barcode: string }) => r.barcode)).not.toContain('M-6');
    const history = await stack.admin.ok(`{ unitHistory(barcode: "${sheets[0]}") { kind actor summary } }`);
    expect(history.unitHistory[0]).toEqual({ kind: 'CREATED', actor: 'admin', summary: 'cut from roll M-6 at MD 100-160 mm' });
  });
});
