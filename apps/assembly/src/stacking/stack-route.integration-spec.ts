import { DataSource } from 'typeorm';
import { Role, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import type { LineData } from '../clients/line-data';
import { assemblyDataSourceOptions, migrateAssembly } from '../database/assembly-data-source';
import { AssemblyMasterDataRepository } from '../master-data/master-data.repository';
import { AssemblyMasterDataService } from '../master-data/master-data.service';
import { StackRepository } from './stack.repository';
import { StackService } from './stack.service';

const ENGINEER: Actor = { userId: '2', username: 'eng', role: Role.ENGINEER };

/**
 * A stack product's own route on a real PostgreSQL: reflow before formation (as made, the lithium
 * is not plated yet), packaging after a passed final test; tracking's stations and cell states are
 * stood in.
 */
describe('a stack follows its product’s route', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let products: AssemblyMasterDataService;
  let stacks: StackService;
  const stations: Record<string, string> = {
    'STACK-1': 'STACKING',
    'RFL-1': 'REFLOW',
    'FRM-1': 'FORMATION',
    'STT-1': 'STACK_TEST',
    'PKG-1': 'PACKAGING',
  };
  const line = {
    stationOperations: async () => new Set(Object.values(stations)),
    productCodes: async () => new Set(['TFB-0505']),
    stationOperation: async (code: string) => stations[code] ?? null,
    cellStates: async (cells: { sheetBarcode: string; row: number; col: number }[]) =>
      cells.map((c) => ({ ...c, rollBarcode: 'R0001', mdMm: 0, cdMm: 0, status: 'ACTIVE', activeHolds: [] })),
  } as unknown as LineData;
  const product = {
    name: 'Reflowable 2-layer battery',
    cellProductCode: 'TFB-0505',
    targetCapacityMah: 0.3,
    nominalCellCapacityMah: 0.15,
    maxLayers: 4,
    allowedGrades: [1],
    asrSpreadPct: 10,
    capacitySpreadPct: 5,
    ocvMinV: 0.1,
    ocvMaxV: 4.3,
    impedanceTolerance: 0.05,
  };
  const productCount = async () => Number((await ds.query('SELECT count(*) AS n FROM assembly.stack_products'))[0].n);
  const refusal = async (p: Promise<unknown>): Promise<DomainError> => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  };
  const scan = (stationCode: string) => stacks.scan(ENGINEER, { stackBarcode: 'STK-R1', stationCode });

  beforeAll(async () => {
    db = await createTestDatabase('asmroute');
    await migrateAssembly(db.url);
    ds = new DataSource({ ...assemblyDataSourceOptions(db.url), logging: false });
    await ds.initialize();
    products = new AssemblyMasterDataService(ds, line, new AssemblyMasterDataRepository(ds));
    stacks = new StackService(ds, line, products, new StackRepository(ds), new AssemblyMasterDataRepository(ds));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('refuses a route that would take formed stacks above 180 °C or names an operation no station performs, and an unknown cell product, storing nothing', async () => {
    const hot = await refusal(
      products.createStackProduct(ENGINEER, {
        ...product,
        code: 'MLB-HOT',
        route: [
          { operation: 'STACKING' },
          { operation: 'FORMATION' },
          { operation: 'STACK_TEST' },
          { operation: 'REFLOW', maxTemperatureC: 235 },
        ],
      }),
    );
    expect(hot.code).toBe('VALIDATION_FAILED');
    expect(hot.details).toEqual([
      {
        path: 'input.route[3].maxTemperatureC',
        message:
          'REFLOW at 235 °C comes after FORMATION: every stack is FORMED by then and would be refused (lithium melts at 180.5 °C); put it before FORMATION or keep it at 180 °C or below',
      },
    ]);
    const unknown = await refusal(
      products.createStackProduct(ENGINEER, {
        ...product,
        code: 'MLB-ODD',
        route: [{ operation: 'STACKING' }, { operation: 'LASER_MARK' }, { operation: 'STACK_TEST' }],
      }),
    );
    expect(unknown.message).toBe(
      'Stack product MLB-ODD refused: input.route[1].operation: no station performs LASER_MARK: expected an operation of a station of the line; nothing was stored',
    );
    const noCell = await refusal(products.createStackProduct(ENGINEER, { ...product, code: 'MLB-NOCELL', cellProductCode: 'TFB-9999' }));
    expect(noCell.details).toEqual([{ path: 'input.cellProductCode', message: 'expected the code of a cell product (TFB-0505)' }]);
    expect(await productCount()).toBe(0);
  });

  it('keeps the default route when none is given', async () => {
    const p = await products.createStackProduct(ENGINEER, { ...product, code: 'MLB-PLAIN' });
    expect(p.route.map((s) => s.operation)).toEqual(['STACKING', 'FORMATION', 'STACK_TEST']);
  });

  it('moves a stack along its product’s route: reflow as made, formation, final test, packaging only after a pass', async () => {
    const p = await products.createStackProduct(ENGINEER, {
      ...product,
      code: 'MLB-RFL',
      route: [
        { operation: 'STACKING' },
        { operation: 'REFLOW', maxTemperatureC: 235 },
        { operation: 'FORMATION', maxTemperatureC: 45 },
        { operation: 'STACK_TEST' },
        { operation: 'PACKAGING', maxTemperatureC: 150 },
      ],
    });
    expect(p.route).toEqual([
      { operation: 'STACKING', maxTemperatureC: null },
      { operation: 'REFLOW', maxTemperatureC: 235 },
      { operation: 'FORMATION', maxTemperatureC: 45 },
      { operation: 'STACK_TEST', maxTemperatureC: null },
      { operation: 'PACKAGING', maxTemperatureC: 150 },
    ]);
    // A built two-layer stack of it.
    await ds.query(`INSERT INTO assembly.singulated_cells (sheet_barcode, row, col, roll_barcode, md_mm, cd_mm, soft_bin, hard_bin, asr_ohm_cm2, capacity_mah, status, report_id)
                    SELECT 'S-R0001-0001', r, 0, 'R0001', 100 + r * 5.5, 10, 1, 1, 80, 0.15, 'STACKED', 1 FROM generate_series(0, 1) r`);
    await ds.query(
      `INSERT INTO assembly.stacks (barcode, stack_product_id, layers_planned, status, step, station_code, created_by)
       SELECT 'STK-R1', id, 2, 'BUILT', 'STACKING', 'STACK-1', 'test' FROM assembly.stack_products WHERE code = 'MLB-RFL'`,
    );
    await ds.query(`INSERT INTO assembly.stack_layers (stack_id, layer_index, cell_id, added_by)
                    SELECT s.id, c.row + 1, c.id, 'test' FROM assembly.stacks s, assembly.singulated_cells c`);

    const wrong = await refusal(scan('FRM-1'));
    expect(wrong.code).toBe('WRONG_OPERATION');
    expect(wrong.message).toBe(
      'Stack STK-R1 is at STACKING; its next step is REFLOW, not FORMATION (route STACKING → REFLOW → FORMATION → STACK_TEST → PACKAGING)',
    );
    expect(await scan('RFL-1')).toMatchObject({ step: 'REFLOW', electrochemicalState: 'AS_MADE' });
    expect(await scan('FRM-1')).toMatchObject({ step: 'FORMATION', electrochemicalState: 'AS_MADE' });
    expect(await scan('STT-1')).toMatchObject({ step: 'STACK_TEST', electrochemicalState: 'FORMED' });

    const untested = await refusal(scan('PKG-1'));
    expect(untested.code).toBe('CONFLICT');
    expect(untested.extra).toEqual({ reason: 'NOT_PASSED' });
    expect(untested.message).toBe('Stack STK-R1 has no final test yet: test it at STACK_TEST before it goes on to PACKAGING');
    await ds.query(`UPDATE assembly.stacks SET status = 'TESTED', bin = 'OPEN_LAYER' WHERE barcode = 'STK-R1'`);
    expect((await refusal(scan('PKG-1'))).message).toBe('Stack STK-R1 failed its final test (OPEN_LAYER): it does not leave STACK_TEST');
    await ds.query(`UPDATE assembly.stacks SET bin = 'PASS' WHERE barcode = 'STK-R1'`);
    expect(await scan('PKG-1')).toMatchObject({ step: 'PACKAGING', electrochemicalState: 'FORMED' });
  });

  it('still refuses a formed stack at a step above 180 °C when a stored route has one (a product defined before routes were checked)', async () => {
    await ds.query(
      `UPDATE assembly.stack_products SET route = '[{"operation":"STACKING","maxTemperatureC":null},{"operation":"FORMATION","maxTemperatureC":null},{"operation":"STACK_TEST","maxTemperatureC":null},{"operation":"REFLOW","maxTemperatureC":235}]'::jsonb WHERE code = 'MLB-RFL'`,
    );
    await ds.query(`UPDATE assembly.stacks SET step = 'STACK_TEST' WHERE barcode = 'STK-R1'`);
    const hot = await refusal(scan('RFL-1'));
    expect(hot.code).toBe('CONFLICT');
    expect(hot.extra).toEqual({ reason: 'THERMAL_BUDGET' });
    expect(hot.message).toBe(
      'REFLOW reaches 235 °C and stack STK-R1 is FORMED: its plated lithium melts at 180.5 °C (steps above 180 °C take AS_MADE stacks only)',
    );
    const [{ step }] = await ds.query(`SELECT step FROM assembly.stacks WHERE barcode = 'STK-R1'`);
    expect(step).toBe('STACK_TEST');
  });

  it('keeps the stack yield of each work order: built, tested, passed, scrapped', async () => {
    await products.createWorkOrder(ENGINEER, { code: 'WO-Y', stackProductCode: 'MLB-PLAIN', quantity: 10 });
    // Five stacks of the order: building, built, tested PASS, tested OPEN_LAYER, tested PASS then scrapped.
    await ds.query(
      `INSERT INTO assembly.stacks (barcode, stack_product_id, work_order_id, layers_planned, status, bin, step, station_code, created_by)
       SELECT 'STK-Y' || n, p.id, w.id, 2, st, b, 'STACK_TEST', 'STT-1', 'test'
         FROM assembly.stack_products p, assembly.work_orders w,
              (VALUES (1, 'BUILDING', NULL), (2, 'BUILT', NULL), (3, 'TESTED', 'PASS'), (4, 'TESTED', 'OPEN_LAYER'), (5, 'SCRAPPED', 'PASS')) AS v(n, st, b)
        WHERE p.code = 'MLB-PLAIN' AND w.code = 'WO-Y'`,
    );
    const [wo] = (await products.workOrders()).filter((w) => w.code === 'WO-Y');
    expect(wo).toMatchObject({
      stacksStarted: 5,
      stacksBuilt: 4,
      stacksTested: 3,
      stacksPassed: 1,
      stacksScrapped: 1,
      stackYield: 1 / 3,
    });
    const fresh = await products.createWorkOrder(ENGINEER, { code: 'WO-Z', stackProductCode: 'MLB-PLAIN', quantity: 1 });
    expect(fresh).toMatchObject({ stacksStarted: 0, stacksTested: 0, stackYield: null });
  });
});
