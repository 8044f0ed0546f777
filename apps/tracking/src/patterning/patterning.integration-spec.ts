import { cellRollPosition, patternSheetLayout } from '@mes/geometry';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';
import { newProduct, rollCutIntoSheets, scan, scanThrough, stationOf } from '../testing/line-fixtures';

const SIGNED = { password: TEST_ADMIN_PASSWORD, meaning: 'APPROVED' };
const LAYOUT_FIELDS = 'name version state rows cols kerfMm fiducials { mdMm cdMm } maxOffsetMm maxRotationDeg releasedBy products';
const CREATE = `mutation($i: CreatePatternLayoutInput!) { createPatternLayout(input: $i) { ${LAYOUT_FIELDS} } }`;
const RELEASE = `mutation($l: PatternLayoutRefInput!, $s: SignatureInput!) { releasePatternLayout(layout: $l, signature: $s) { ${LAYOUT_FIELDS} } }`;
const ALLOW = `mutation($i: ProductPatternLayoutInput!) { allowPatternLayout(input: $i) { ${LAYOUT_FIELDS} } }`;
const RECORD = `mutation($i: RecordPatterningInput!) { recordPatterning(input: $i) {
  sheetBarcode layoutName layoutVersion stationCode toolSettings alignment { offsetMdMm offsetCdMm rotationDeg }
  registered holdId holdReason layout { rows cols cellMdMm pitchMdMm firstCellMdMm sheetLengthMdMm } recordedBy } }`;
const SHEET = `query($b: String!) { sheet(barcode: $b) { rows cols layout { rows cols cellMdMm cellCdMm pitchMdMm pitchCdMm firstCellMdMm firstCellCdMm sheetLengthMdMm }
  cellActiveAreaCm2 mdStartMm activeHolds { id reason } patterning { layoutName layoutVersion registered } cells { row col mdMm cdMm } } }`;

// 5 x 6 cells of 8 mm at 9 mm pitch on the test product's 60 mm sheet (its own grid: 4 x 5 of 10 mm).
const FINE = {
  name: 'PAT-FINE',
  description: 'test grid',
  rows: 5,
  cols: 6,
  cellMdMm: 8,
  cellCdMm: 8,
  pitchMdMm: 9,
  pitchCdMm: 9,
  firstCellMdMm: 8,
  firstCellCdMm: 8,
  kerfMm: 0.05,
  fiducials: [
    { mdMm: 2, cdMm: 2 },
    { mdMm: 58, cdMm: 2 },
  ],
  maxOffsetMm: 0.03,
  maxRotationDeg: 0.02,
};
// 3 x 3 cells of 15 mm at 16 mm pitch.
const COARSE = {
  ...FINE,
  name: 'PAT-COARSE',
  rows: 3,
  cols: 3,
  cellMdMm: 15,
  cellCdMm: 15,
  pitchMdMm: 16,
  pitchCdMm: 16,
  firstCellMdMm: 12,
  firstCellCdMm: 12,
};
const TOOL = { laser_power_w: 10.2, pulse_rate_khz: 100, scan_speed_mm_s: 1000, passes: 2, gas: 'N2' };
const ON_TIME = { offsetMdMm: 0.012, offsetCdMm: -0.008, rotationDeg: 0.004 };

describe('pattern layouts and the patterning of sheets (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  let sheets: string[];
  const toPatterning = async (barcode: string) => {
    await scanThrough(stack.admin, barcode, ['LIPON_DEPOSITION', 'INTERLAYER', 'NEG_COLLECTOR']);
    await scan(stack.admin, barcode, 'PATTERNING', 'TRACK_IN');
  };
  const record = (sheet: string, layout: { name: string; version: number }, extra: Record<string, unknown> = {}) => ({
    i: { sheetBarcode: sheet, stationCode: stationOf('PATTERNING'), layout, toolSettings: TOOL, alignment: ON_TIME, ...extra },
  });

  beforeAll(async () => {
    stack = await startTrackingTestStack('patterning');
    await newProduct(stack.admin, 'PAT-P');
    await newProduct(stack.admin, 'PAT-OTHER');
    sheets = await rollCutIntoSheets(stack.admin, 'PR-1', 'PAT-P', 0.5); // (500 - 200) / 60 = 5 sheets
  }, STACK_START_MS);
  afterAll(() => stack.close());

  it('creates versioned DRAFT layouts and refuses an unsound one with every problem named, storing nothing', async () => {
    const first = await stack.admin.ok(CREATE, { i: FINE });
    expect(first.createPatternLayout).toMatchObject({ name: 'PAT-FINE', version: 1, state: 'DRAFT', releasedBy: null, products: [] });
    const second = await stack.admin.ok(CREATE, { i: FINE });
    expect(second.createPatternLayout.version).toBe(2);

    const bad = await stack.admin.fails(CREATE, {
      i: {
        ...FINE,
        name: 'PAT-BAD',
        kerfMm: 2,
        fiducials: [
          { mdMm: 20, cdMm: 20 },
          { mdMm: 58, cdMm: 2 },
        ],
        maxRotationDeg: 0,
      },
    });
    expect(bad.extensions?.code).toBe('VALIDATION_FAILED');
    expect(bad.message).toContain('kerfMm: expected at most the street between cells (1 mm), got 2');
    expect(bad.message).toContain('maxRotationDeg: expected a number above 0');
    expect(bad.message).toContain('fiducials[0]: (20, 20) mm lies inside the cell grid');
    const details = bad.extensions?.details as { path: string }[];
    expect(details.map((d) => d.path)).toEqual(['input.kerfMm', 'input.maxRotationDeg', 'input.fiducials[0]']);
    const { patternLayouts } = await stack.admin.ok('{ patternLayouts(name: "PAT-BAD") { version } }');
    expect(patternLayouts).toEqual([]);
  });

  it('releases a layout only with the signer’s password, once, and audits the signature', async () => {
    const refused = await stack.admin.fails(RELEASE, { l: { name: 'PAT-FINE', version: 1 }, s: { ...SIGNED, password: 'not-it' } });
    expect(refused.extensions?.code).toBe('SIGNATURE_REJECTED');
    expect((await stack.admin.ok('{ patternLayout(name: "PAT-FINE", version: 1) { state } }')).patternLayout.state).toBe('DRAFT');

    const released = await stack.admin.ok(RELEASE, { l: { name: 'PAT-FINE', version: 1 }, s: SIGNED });
    expect(released.releasePatternLayout).toMatchObject({ state: 'RELEASED', releasedBy: 'admin' });
    const again = await stack.admin.fails(RELEASE, { l: { name: 'PAT-FINE', version: 1 }, s: SIGNED });
    expect(again.extensions?.code).toBe('CONFLICT');
    expect(again.message).toContain('Pattern layout PAT-FINE@1 is RELEASED; only a DRAFT layout can become RELEASED');
    const unknown = await stack.admin.fails(RELEASE, { l: { name: 'PAT-FINE', version: 9 }, s: SIGNED });
    expect(unknown.extensions?.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('Unknown pattern layout PAT-FINE version 9 (versions: 1 RELEASED, 2 DRAFT)');

    const { auditTrail } = await stack.admin.ok('{ auditTrail(entityType: "PatternLayout", entityKey: "PAT-FINE@1") { action } }');
    expect(auditTrail.map((a: { action: string }) => a.action).sort()).toEqual([
      'PATTERN_LAYOUT_CREATED',
      'PATTERN_LAYOUT_RELEASED',
      'SIGNATURE',
    ]);
  });

  it('allows a product only released layouts that fit its sheet', async () => {
    const draft = await stack.admin.fails(ALLOW, { i: { productCode: 'PAT-P', layout: { name: 'PAT-FINE', version: 2 } } });
    expect(draft.extensions?.code).toBe('CONFLICT');
    expect(draft.message).toBe('Pattern layout PAT-FINE@2 is DRAFT; only a RELEASED layout can be allowed for a product');

    // 7 rows of 9 mm pitch reach MD 66 mm: longer than the product's 60 mm sheet.
    await stack.admin.ok(CREATE, { i: { ...FINE, name: 'PAT-LONG', rows: 7 } });
    await stack.admin.ok(RELEASE, { l: { name: 'PAT-LONG', version: 1 }, s: SIGNED });
    const long = await stack.admin.fails(ALLOW, { i: { productCode: 'PAT-P', layout: { name: 'PAT-LONG', version: 1 } } });
    expect(long.extensions?.code).toBe('VALIDATION_FAILED');
    expect(long.message).toBe(
      'Pattern layout PAT-LONG@1 does not fit a sheet of product PAT-P (60 mm long): rows: the cells span MD 4 to 66 mm, expected inside the sheet length 0 to 60 mm',
    );
    const unknownProduct = await stack.admin.fails(ALLOW, { i: { productCode: 'NOPE', layout: { name: 'PAT-FINE', version: 1 } } });
    expect(unknownProduct.extensions?.code).toBe('NOT_FOUND');

    await stack.admin.ok(ALLOW, { i: { productCode: 'PAT-P', layout: { name: 'PAT-FINE', version: 1 } } });
    await stack.admin.ok(CREATE, { i: COARSE });
    await stack.admin.ok(RELEASE, { l: { name: 'PAT-COARSE', version: 1 }, s: SIGNED });
    await stack.admin.ok(ALLOW, { i: { productCode: 'PAT-P', layout: { name: 'PAT-COARSE', version: 1 } } });
    const { product } = await stack.admin.ok('{ product(code: "PAT-P") { patternLayouts { name version } } }');
    expect(product.patternLayouts).toEqual([
      { name: 'PAT-COARSE', version: 1 },
      { name: 'PAT-FINE', version: 1 },
    ]);
  });

  it('refuses patterning a sheet that is not tracked in at PATTERNING, or with a layout the product does not allow, changing nothing', async () => {
    const early = await stack.admin.fails(RECORD, record(sheets[0], { name: 'PAT-FINE', version: 1 }));
    expect(early.extensions?.code).toBe('WRONG_OPERATION');
    expect(early.message).toBe(
      'Sheet S-PR-1-0001 must be tracked in at PATTERNING on station PAT-1 to be patterned (it is WAITING at LIPON_DEPOSITION)',
    );

    await toPatterning(sheets[0]);
    const draft = await stack.admin.fails(RECORD, record(sheets[0], { name: 'PAT-FINE', version: 2 }));
    expect(draft.extensions?.code).toBe('VALIDATION_FAILED');
    expect(draft.message).toBe('Pattern layout PAT-FINE@2 is DRAFT; only a RELEASED layout may be patterned');

    await stack.admin.ok(CREATE, { i: { ...FINE, name: 'PAT-ELSEWHERE' } });
    await stack.admin.ok(RELEASE, { l: { name: 'PAT-ELSEWHERE', version: 1 }, s: SIGNED });
    await stack.admin.ok(ALLOW, { i: { productCode: 'PAT-OTHER', layout: { name: 'PAT-ELSEWHERE', version: 1 } } });
    const disallowed = await stack.admin.fails(RECORD, record(sheets[0], { name: 'PAT-ELSEWHERE', version: 1 }));
    expect(disallowed.extensions?.code).toBe('VALIDATION_FAILED');
    expect(disallowed.message).toBe('Product PAT-P does not allow pattern layout PAT-ELSEWHERE@1 (allowed: PAT-COARSE@1, PAT-FINE@1)');

    const badInput = await stack.admin.fails(
      RECORD,
      record(
        sheets[0],
        { name: 'PAT-FINE', version: 1 },
        {
          toolSettings: { laser_power_w: 'x'.repeat(201), 'Bad Name': 1 },
          alignment: { offsetMdMm: 25, offsetCdMm: 0, rotationDeg: 7 },
        },
      ),
    );
    expect(badInput.extensions?.code).toBe('VALIDATION_FAILED');
    expect((badInput.extensions?.details as { path: string }[]).map((d) => d.path)).toEqual([
      'input.toolSettings.laser_power_w',
      'input.toolSettings.Bad Name',
      'input.alignment.offsetMdMm',
      'input.alignment.rotationDeg',
    ]);
    const notObject = await stack.admin.fails(RECORD, record(sheets[0], { name: 'PAT-FINE', version: 1 }, { toolSettings: [1, 2] }));
    expect(notObject.message).toContain('toolSettings: expected an object of names to numbers or texts, got [1,2]');

    const { sheet } = await stack.admin.ok(SHEET, { b: sheets[0] });
    expect(sheet).toMatchObject({ rows: 4, cols: 5, patterning: null, activeHolds: [] });
    expect(sheet.cells).toHaveLength(20);
  });

  it('gives a patterned sheet the layout grid, cells and roll positions; sheets with different layouts share one roll', async () => {
    const done = await stack.admin.ok(RECORD, record(sheets[0], { name: 'PAT-FINE', version: 1 }));
    expect(done.recordPatterning).toEqual({
      sheetBarcode: sheets[0],
      layoutName: 'PAT-FINE',
      layoutVersion: 1,
      stationCode: 'PAT-1',
      toolSettings: TOOL,
      alignment: ON_TIME,
      registered: true,
      holdId: null,
      holdReason: null,
      layout: { rows: 5, cols: 6, cellMdMm: 8, pitchMdMm: 9, firstCellMdMm: 8, sheetLengthMdMm: 60 },
      recordedBy: 'admin',
    });
    await toPatterning(sheets[1]);
    await stack.admin.ok(RECORD, record(sheets[1], { name: 'PAT-COARSE', version: 1 }));

    const fine = (await stack.admin.ok(SHEET, { b: sheets[0] })).sheet;
    const coarse = (await stack.admin.ok(SHEET, { b: sheets[1] })).sheet;
    const untouched = (await stack.admin.ok(SHEET, { b: sheets[2] })).sheet;
    expect([fine.rows, fine.cols, fine.cells.length, fine.cellActiveAreaCm2]).toEqual([5, 6, 30, 0.64]);
    expect([coarse.rows, coarse.cols, coarse.cells.length, coarse.cellActiveAreaCm2]).toEqual([3, 3, 9, 2.25]);
    expect([untouched.rows, untouched.cols, untouched.cells.length, untouched.patterning]).toEqual([4, 5, 20, null]);
    expect(fine.patterning).toEqual({ layoutName: 'PAT-FINE', layoutVersion: 1, registered: true });
    const fineLayout = patternSheetLayout(FINE, 60);
    expect(fine.layout).toEqual(fineLayout);
    for (const c of [fine.cells[0], fine.cells[7], fine.cells[29]]) {
      expect({ mdMm: c.mdMm, cdMm: c.cdMm }).toEqual(cellRollPosition(fineLayout, fine.mdStartMm, c.row, c.col));
    }
    const coarseLast = coarse.cells[8];
    expect({ mdMm: coarseLast.mdMm, cdMm: coarseLast.cdMm }).toEqual(
      cellRollPosition(patternSheetLayout(COARSE, 60), coarse.mdStartMm, 2, 2),
    );
    // A roll region reaches the new cells: the first sheet's first row of 6 cells, centred 8 mm into it.
    const { roll } = await stack.admin.ok(
      'query($f: Float!, $t: Float!) { roll(barcode: "PR-1") { cellsInRegion(mdFromMm: $f, mdToMm: $t) { sheetBarcode row } } }',
      {
        f: fine.mdStartMm,
        t: fine.mdStartMm + 10,
      },
    );
    expect(roll.cellsInRegion).toHaveLength(6);
    // A cell past the old grid's 5 columns is now a real cell, and one past the new grid is refused.
    const cell = await stack.admin.ok(`{ sheet(barcode: "${sheets[0]}") { cell(row: 4, col: 5) { code } } }`);
    expect(cell.sheet.cell.code).toBe(`${sheets[0]}-R4C5`);
    const outside = await stack.admin.fails(`{ sheet(barcode: "${sheets[1]}") { cell(row: 3, col: 0) { code } } }`);
    expect(outside.message).toBe(`Cell (3, 0) is outside the 3 x 3 grid of sheet ${sheets[1]}`);

    const twice = await stack.admin.fails(RECORD, record(sheets[0], { name: 'PAT-COARSE', version: 1 }));
    expect(twice.extensions?.code).toBe('CONFLICT');
    expect(twice.message).toMatch(/^Sheet S-PR-1-0001 was already patterned with PAT-FINE@1 by admin at .*; a sheet is patterned once$/);
  });

  it('holds a misregistered sheet with the numbers in the reason, and keeps its grid', async () => {
    await toPatterning(sheets[2]);
    const off = await stack.admin.ok(
      RECORD,
      record(sheets[2], { name: 'PAT-FINE', version: 1 }, { alignment: { offsetMdMm: 0.045, offsetCdMm: -0.01, rotationDeg: -0.05 } }),
    );
    const reason = 'Misregistered at patterning with PAT-FINE@1: MD offset 45 µm past ±30 µm, rotation -0.05° past ±0.02°';
    expect(off.recordPatterning).toMatchObject({ registered: false, holdReason: reason });
    const { sheet } = await stack.admin.ok(SHEET, { b: sheets[2] });
    expect(sheet.activeHolds).toEqual([{ id: off.recordPatterning.holdId, reason }]);
    expect([sheet.rows, sheet.cols, sheet.patterning.registered]).toEqual([5, 6, false]);
    // Held: it leaves patterning but starts no further step until an engineer decides.
    await scan(stack.admin, sheets[2], 'PATTERNING', 'TRACK_OUT');
    const next = await stack.admin.fails('mutation($i: ScanInput!) { scan(input: $i) { stepState } }', {
      i: { barcode: sheets[2], stationCode: stationOf('INSPECTION'), action: 'TRACK_IN' },
    });
    expect(next.message).toContain(reason);
  });

  it('lets an engineer obsolete a layout: no new sheet may use it, patterned sheets keep their grid', async () => {
    await stack.admin.ok('mutation { obsoletePatternLayout(layout: { name: "PAT-COARSE", version: 1 }) { state } }');
    await toPatterning(sheets[3]);
    const refused = await stack.admin.fails(RECORD, record(sheets[3], { name: 'PAT-COARSE', version: 1 }));
    expect(refused.message).toBe('Pattern layout PAT-COARSE@1 is OBSOLETE; only a RELEASED layout may be patterned');
    expect((await stack.admin.ok(SHEET, { b: sheets[1] })).sheet.rows).toBe(3);
    const operator = await stack.userClient('OPERATOR');
    const forbidden = await operator.fails(CREATE, { i: { ...FINE, name: 'PAT-OP' } });
    expect(forbidden.extensions?.code).toBe('FORBIDDEN');
  });
});
