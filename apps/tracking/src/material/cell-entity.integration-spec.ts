import type { INestApplication } from '@nestjs/common';
import { cellRollPosition } from '@mes/geometry';
import { createTestDatabase, GraphqlClient, TEST_ADMIN_PASSWORD, testConfig, type TestDatabase } from '@mes/testing';
import { migrateTracking, startTracking } from '../bootstrap';
import { HoldRepository } from '../holds/hold.repository';
import { DEMO_LINE } from '../seed/demo-line';
import { MaterialRepository } from './material.repository';

/**
 * Cell as a federation entity: the gateway sends tracking every Cell representation of a step of its
 * plan in one _entities request, and tracking reads them, and their holds, in one query each. Tracking
 * runs in this process (not as a test stack) so the spec can count its repositories' calls.
 */
describe('Cell entities for the gateway (tracking subgraph on PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let admin: GraphqlClient;
  beforeAll(async () => {
    db = await createTestDatabase('cell_entities');
    await migrateTracking(db.url);
    app = await startTracking(testConfig(db.url, { MES_SEED_DEMO: 'true' }), 0);
    const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
    admin = await new GraphqlClient(url).login('admin', TEST_ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('resolves the gateway’s Cell representations in one query, each cell with its own position and holds', async () => {
    const PLACE = 'mutation($i: PlaceHoldInput!) { placeHold(input: $i) { id } }';
    const start = async (barcode: string) => (await admin.ok(`{ sheet(barcode: "${barcode}") { mdStartMm } }`)).sheet.mdStartMm as number;
    const [start2, start3] = [await start('S-R0001-0002'), await start('S-R0001-0003')];
    // A region hold over part of sheet 2 of R0001, a cell hold on it, a hold on sheet 3.
    await admin.ok(PLACE, {
      i: { target: 'ROLL_REGION', rollBarcode: 'R0001', mdFromMm: start2 + 20, mdToMm: start2 + 60, reason: 'coater arc' },
    });
    await admin.ok(PLACE, { i: { target: 'CELL', sheetBarcode: 'S-R0001-0002', row: 40, col: 3, reason: 'scratch' } });
    await admin.ok(PLACE, { i: { target: 'SHEET', sheetBarcode: 'S-R0001-0003', reason: 'dropped' } });
    const refs = [
      ...Array.from({ length: 50 }, (_, i) => ({ sheetBarcode: 'S-R0001-0002', row: i, col: 3 })),
      ...Array.from({ length: 10 }, (_, i) => ({ sheetBarcode: 'S-R0001-0003', row: i, col: 0 })),
      { sheetBarcode: 'S-R0001-0002', row: 50, col: 0 }, // outside the grid: no cell
    ];
    const material = app.get(MaterialRepository);
    const holds = app.get(HoldRepository);
    const cellQueries = jest.spyOn(material, 'cellsByKeys');
    const holdQueries = jest.spyOn(holds, 'activeForCells');
    const { _entities: cells } = await admin.ok(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cell { code sheetBarcode row col rollBarcode mdMm cdMm status activeHolds { reason } } } }`,
      { r: refs.map((c) => ({ __typename: 'Cell', ...c })) },
    );
    expect(cellQueries).toHaveBeenCalledTimes(1);
    expect(holdQueries).toHaveBeenCalledTimes(1);
    cellQueries.mockRestore();
    holdQueries.mockRestore();

    expect(cells).toHaveLength(61);
    expect(cells[60]).toBeNull();
    const layout = DEMO_LINE.product.layout;
    refs.slice(0, 60).forEach((ref, i) => {
      expect(cells[i]).toMatchObject({
        ...ref,
        code: `${ref.sheetBarcode}-R${ref.row}C${ref.col}`,
        rollBarcode: 'R0001',
        status: 'ACTIVE',
      });
      const mdStart = ref.sheetBarcode === 'S-R0001-0002' ? start2 : start3;
      expect({ mdMm: cells[i].mdMm, cdMm: cells[i].cdMm }).toEqual(cellRollPosition(layout, mdStart, ref.row, ref.col));
    });
    // Each cell has its own holds: the same cells are held as heldCells finds one sheet at a time.
    const { heldCells } = await admin.ok('{ heldCells(sheet: "S-R0001-0002") { row col reason } }');
    const heldInCol3 = heldCells.filter((h: { col: number }) => h.col === 3).map((h: { row: number }) => h.row);
    expect(heldInCol3.length).toBeGreaterThan(1);
    expect(heldInCol3.length).toBeLessThan(50);
    expect(cells.slice(0, 50).flatMap((c: { row: number; activeHolds: unknown[] }) => (c.activeHolds.length ? [c.row] : []))).toEqual(
      heldInCol3,
    );
    expect(cells[40].activeHolds.map((h: { reason: string }) => h.reason)).toContain('scratch');
    expect(cells[39].activeHolds.map((h: { reason: string }) => h.reason)).not.toContain('scratch');
    for (const c of cells.slice(50, 60)) expect(c.activeHolds.map((h: { reason: string }) => h.reason)).toEqual(['dropped']);
  });
});
