import { newProduct, newRoll, scan } from '../testing/line-fixtures';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

/** Lithium melts at 180.5 °C: a FORMED unit (formation plated its anode) never enters a hotter step. */
describe('electrochemical state and thermal budget (tracking on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  beforeAll(async () => {
    stack = await startTrackingTestStack('thermal', { seedDemo: true });
    for (const [code, operation] of [
      ['RFL-1', 'REFLOW'],
      ['CUR-1', 'CURE'],
    ]) {
      await stack.admin.ok('mutation($i: CreateStationInput!) { createStation(input: $i) { code } }', {
        i: { code, name: operation, operation, lineCode: 'R2R-1' },
      });
    }
    await newProduct(stack.admin, 'THERM-P', undefined, [
      { operation: 'INCOMING_FOIL', level: 'ROLL' },
      { operation: 'CURE', level: 'ROLL', maxTemperatureC: 150 },
      { operation: 'FORMATION', level: 'ROLL' },
      { operation: 'REFLOW', level: 'ROLL', maxTemperatureC: 235 },
    ]);
  }, STACK_START_MS);
  afterAll(() => stack.close());

  const unit = async (barcode: string) =>
    (await stack.admin.ok(`{ roll(barcode: "${barcode}") { operation stepState electrochemicalState } }`)).roll;

  it('keeps the step temperature on the route version', async () => {
    const p = await stack.admin.ok('{ product(code: "THERM-P") { currentRoute { steps { operation maxTemperatureC } } } }');
    expect(p.product.currentRoute.steps.map((s: { maxTemperatureC: number | null }) => s.maxTemperatureC)).toEqual([null, 150, null, 235]);
  });

  it('lets an AS_MADE unit through a hot step', async () => {
    await newRoll(stack.admin, 'TH-1', 'THERM-P');
    await scan(stack.admin, 'TH-1', 'INCOMING_FOIL', 'TRACK_IN');
    await scan(stack.admin, 'TH-1', 'INCOMING_FOIL', 'TRACK_OUT');
    await stack.admin.ok('mutation { scan(input: { barcode: "TH-1", stationCode: "CUR-1", action: TRACK_IN }) { stepState } }');
    await stack.admin.ok('mutation { scan(input: { barcode: "TH-1", stationCode: "CUR-1", action: TRACK_OUT }) { stepState } }');
    expect(await unit('TH-1')).toEqual({ operation: 'FORMATION', stepState: 'WAITING', electrochemicalState: 'AS_MADE' });
  });

  it('makes a unit FORMED at formation and then refuses it at a step above 180 °C, storing nothing', async () => {
    await stack.admin.ok('mutation { scan(input: { barcode: "TH-1", stationCode: "FRM-1", action: TRACK_IN }) { stepState } }');
    await stack.admin.ok('mutation { scan(input: { barcode: "TH-1", stationCode: "FRM-1", action: TRACK_OUT }) { stepState } }');
    expect(await unit('TH-1')).toEqual({ operation: 'REFLOW', stepState: 'WAITING', electrochemicalState: 'FORMED' });
    const refused = await stack.admin.fails(
      'mutation { scan(input: { barcode: "TH-1", stationCode: "RFL-1", action: TRACK_IN }) { stepState } }',
    );
    expect(refused.extensions?.code).toBe('CONFLICT');
    expect(refused.extensions?.reason).toBe('THERMAL_BUDGET');
    expect(refused.message).toBe(
      'Roll TH-1 cannot be tracked into REFLOW: REFLOW reaches 235 °C and the unit is FORMED: its plated lithium melts at 180.5 °C (steps above 180 °C take AS_MADE units only)',
    );
    expect(await unit('TH-1')).toEqual({ operation: 'REFLOW', stepState: 'WAITING', electrochemicalState: 'FORMED' });
  });

  it('refuses a step temperature that is not a number in range', async () => {
    const bad = await stack.admin.fails('mutation($i: CreateProductInput!) { createProduct(input: $i) { code } }', {
      i: {
        code: 'THERM-BAD',
        name: 'bad',
        layout: {
          rows: 4,
          cols: 5,
          cellMdMm: 10,
          cellCdMm: 10,
          pitchMdMm: 11,
          pitchCdMm: 11,
          firstCellMdMm: 10,
          firstCellCdMm: 10,
          sheetLengthMdMm: 60,
        },
        route: [{ operation: 'INCOMING_FOIL', level: 'ROLL', maxTemperatureC: 5000 }],
      },
    });
    expect(bad.extensions?.code).toBe('VALIDATION_FAILED');
  });
});
