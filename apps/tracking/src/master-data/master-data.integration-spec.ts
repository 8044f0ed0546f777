import { newProduct, newRoll, ROUTE, SMALL_LAYOUT } from '../testing/line-fixtures';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

describe('master data (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  beforeAll(async () => {
    stack = await startTrackingTestStack('masterdata');
  }, STACK_START_MS);
  afterAll(() => stack.close());

  it('lists the stations of the demo line with their operations, SHEET_TEST among them', async () => {
    const { stations } = await stack.admin.ok('{ stations { code name operation } }');
    expect(stations).toContainEqual({ code: 'TST-1', name: 'Sheet test rig 1', operation: 'SHEET_TEST' });
    expect(stations).toContainEqual({ code: 'TST-2', name: 'Sheet test rig 2', operation: 'SHEET_TEST' });
    const testers = await stack.admin.ok('{ stations(operation: "SHEET_TEST") { code } }');
    expect(testers.stations.map((s: { code: string }) => s.code)).toEqual(['TST-1', 'TST-2']);
  });

  it('describes the demo product with its layout and cell area', async () => {
    const { product } = await stack.admin.ok(
      '{ product(code: "TFB-0505") { layout { rows cols pitchMdMm } cellActiveAreaCm2 currentRoute { version steps { seq operation level } } } }',
    );
    expect(product.layout).toEqual({ rows: 50, cols: 50, pitchMdMm: 5.5 });
    expect(product.cellActiveAreaCm2).toBeCloseTo(0.25, 12);
    expect(product.currentRoute.steps).toHaveLength(ROUTE.length);
    expect(product.currentRoute.steps[10]).toEqual({ seq: 11, operation: 'SHEET_TEST', level: 'SHEET' });
  });

  it('refuses a layout whose cells do not fit the sheet, naming the problem', async () => {
    const error = await stack.admin.fails('mutation($i: CreateProductInput!) { createProduct(input: $i) { code } }', {
      i: { code: 'BAD-1', name: 'bad', layout: { ...SMALL_LAYOUT, rows: 40 }, route: [{ operation: 'A_OP', level: 'ROLL' }] },
    });
    expect(error.extensions?.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(
      /^Invalid sheet layout: rows: the cells span MD 5 to 444 mm, expected inside the sheet length 0 to 60 mm/,
    );
  });

  it('refuses a route that goes from sheets back to a roll', async () => {
    const error = await stack.admin.fails('mutation($i: CreateProductInput!) { createProduct(input: $i) { code } }', {
      i: {
        code: 'BAD-2',
        name: 'bad',
        layout: SMALL_LAYOUT,
        route: [
          { operation: 'A_OP', level: 'ROLL' },
          { operation: 'B_OP', level: 'SHEET' },
          { operation: 'C_OP', level: 'ROLL' },
        ],
      },
    });
    expect(error.message).toBe('Invalid route: steps[2]: C_OP is a ROLL step after SHEET steps; sheets cannot become a roll again');
  });

  it('makes a new route version instead of editing one in use; rolls keep the version they started on', async () => {
    await newProduct(stack.admin, 'VER-P');
    await newRoll(stack.admin, 'VER-R1', 'VER-P');
    const shorter = ROUTE.filter((s) => s.operation !== 'WEB_CLEAN').map((s) => ({ operation: s.operation, level: s.level }));
    const v2 = await stack.admin.ok(
      'mutation($i: CreateRouteVersionInput!) { createRouteVersion(input: $i) { version steps { operation } } }',
      { i: { productCode: 'VER-P', steps: shorter } },
    );
    expect(v2.createRouteVersion.version).toBe(2);
    await newRoll(stack.admin, 'VER-R2', 'VER-P');
    const r1 = await stack.admin.ok('{ roll(barcode: "VER-R1") { routeVersion } }');
    const r2 = await stack.admin.ok('{ roll(barcode: "VER-R2") { routeVersion } }');
    expect([r1.roll.routeVersion, r2.roll.routeVersion]).toEqual([1, 2]);
    const versions = await stack.admin.ok('{ routeVersions(productCode: "VER-P") { version steps { operation } } }');
    expect(versions.routeVersions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions.routeVersions[1].steps).toHaveLength(ROUTE.length);
  });

  it('refuses duplicate codes and unknown parents', async () => {
    const dup = await stack.admin.fails(
      'mutation { createStation(input: { code: "TST-1", name: "again", operation: "SHEET_TEST", lineCode: "R2R-1" }) { code } }',
    );
    expect(dup.extensions?.code).toBe('CONFLICT');
    expect(dup.message).toBe('Station TST-1 already exists');
    const orphan = await stack.admin.fails(
      'mutation { createEquipment(input: { code: "EQ-9", name: "x", kind: "PUMP", stationCode: "NOPE" }) { code } }',
    );
    expect(orphan.message).toBe('Unknown station NOPE');
  });
});
