import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import {
  newProduct,
  QUEUE_TIME_ROUTE,
  rollCutIntoSheets,
  scan,
  SCAN,
  scanThrough,
  SMALL_LAYOUT,
  stationOf,
} from '../testing/line-fixtures';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

const RELEASE = 'mutation($i: ReleaseHoldInput!, $s: SignatureInput!) { releaseHold(input: $i, signature: $s) { id active } }';
const SIGNED = { password: TEST_ADMIN_PASSWORD, meaning: 'APPROVED' };
const CREATE_PRODUCT = 'mutation($i: CreateProductInput!) { createProduct(input: $i) { code } }';

describe('queue time between vacuum steps (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  let sheets: string[];

  beforeAll(async () => {
    stack = await startTrackingTestStack('queuetime');
    // The demo route as seeded: INTERLAYER at most 120 min after LiPON, NEG_COLLECTOR at most 60 min after INTERLAYER.
    await newProduct(stack.admin, 'QT-P', SMALL_LAYOUT, QUEUE_TIME_ROUTE);
    sheets = await rollCutIntoSheets(stack.admin, 'QT-1', 'QT-P', 1);
  }, STACK_START_MS);
  afterAll(() => stack.close());

  /** Time passes without sleeping: the unit's track-out of `operation` is moved `minutes` into the past. */
  const trackedOutAgo = async (barcode: string, operation: string, minutes: number): Promise<string> => {
    const rows = await stack.query<{ at: Date }>(
      `UPDATE tracking.scan_events e SET at = now() - make_interval(mins => $3)
        WHERE e.action = 'TRACK_OUT' AND e.operation = $2
          AND ((e.unit_kind = 'SHEET' AND e.unit_id = (SELECT id FROM tracking.sheets WHERE barcode = $1))
            OR (e.unit_kind = 'ROLL' AND e.unit_id = (SELECT id FROM tracking.rolls WHERE barcode = $1)))
        RETURNING e.at`,
      [barcode, operation, minutes],
    );
    expect(rows).toHaveLength(1);
    return rows[0].at.toISOString();
  };
  const trackIn = (barcode: string, operation: string) =>
    stack.admin.request(SCAN, { i: { barcode, stationCode: stationOf(operation), action: 'TRACK_IN' } });
  const holdsOf = async (barcode: string) => {
    const rows = await stack.query<{ id: string; reason: string; active: boolean; placed_by: string }>(
      `SELECT h.id::text, h.reason, h.active, h.placed_by FROM tracking.holds h JOIN tracking.sheets s ON s.id = h.sheet_id WHERE s.barcode = $1 ORDER BY h.id`,
      [barcode],
    );
    return rows;
  };
  const scansAt = async (barcode: string, operation: string) =>
    (
      await stack.admin.ok<{ unitHistory: { kind: string; summary: string }[] }>(`{ unitHistory(barcode: "${barcode}") { kind summary } }`)
    ).unitHistory.filter((e) => e.kind === 'SCAN' && e.summary.includes(` ${operation} `)).length;

  it('shows vacuum steps and limits in the route, and the seeded demo line went through them', async () => {
    const { product } = await stack.admin.ok(
      '{ product(code: "TFB-0505") { currentRoute { steps { operation vacuum maxQueueMinutes } } } }',
    );
    const steps = product.currentRoute.steps as { operation: string; vacuum: boolean; maxQueueMinutes: number | null }[];
    expect(steps.filter((s) => s.vacuum).map((s) => s.operation)).toEqual([
      'LCO_DEPOSITION',
      'LIPON_DEPOSITION',
      'INTERLAYER',
      'NEG_COLLECTOR',
    ]);
    expect(steps.filter((s) => s.maxQueueMinutes !== null)).toEqual([
      { operation: 'INTERLAYER', vacuum: true, maxQueueMinutes: 120 },
      { operation: 'NEG_COLLECTOR', vacuum: true, maxQueueMinutes: 60 },
    ]);
    const seeded = await stack.admin.ok('{ sheet(barcode: "S-R0001-0020") { operation activeHolds { id } } }');
    expect(seeded.sheet).toEqual({ operation: 'SHEET_TEST', activeHolds: [] });
  });

  it('lets a unit in within the limit (the limit itself included)', async () => {
    const sheet = sheets[0];
    await scanThrough(stack.admin, sheet, ['LIPON_DEPOSITION']);
    await trackedOutAgo(sheet, 'LIPON_DEPOSITION', 119);
    expect((await trackIn(sheet, 'INTERLAYER')).errors).toBeUndefined();
    await scan(stack.admin, sheet, 'INTERLAYER', 'TRACK_OUT');
    await trackedOutAgo(sheet, 'INTERLAYER', 60);
    expect((await trackIn(sheet, 'NEG_COLLECTOR')).errors).toBeUndefined();
    expect(await holdsOf(sheet)).toEqual([]);
  });

  it('past the limit, holds the unit with the reason and refuses the scan; the hold stays although the scan is refused', async () => {
    const sheet = sheets[1];
    await scanThrough(stack.admin, sheet, ['LIPON_DEPOSITION']);
    const leftAt = await trackedOutAgo(sheet, 'LIPON_DEPOSITION', 181);
    const refused = await trackIn(sheet, 'INTERLAYER');
    const reason = `Queue time exceeded before INTERLAYER (route step 7): 181 min in air since it left vacuum step LIPON_DEPOSITION (route step 6) at ${leftAt}; limit 120 min`;
    const error = refused.errors?.[0];
    expect(error?.extensions?.code).toBe('UNIT_ON_HOLD');
    expect(error?.message).toContain(
      `Sheet ${sheet} is on hold: ${reason} (hold ${error?.extensions?.holdId} on sheet ${sheet}, placed by admin at `,
    );
    expect(error?.extensions?.holdReason).toBe(reason);

    expect(await holdsOf(sheet)).toEqual([{ id: error?.extensions?.holdId, reason, active: true, placed_by: 'admin' }]);
    const shown = await stack.admin.ok(`{ sheet(barcode: "${sheet}") { operation stepState activeHolds { id reason } } }`);
    expect(shown.sheet).toEqual({
      operation: 'INTERLAYER',
      stepState: 'WAITING',
      activeHolds: [{ id: error?.extensions?.holdId, reason }],
    });
    expect(await scansAt(sheet, 'INTERLAYER')).toBe(0);
    const audit = await stack.query(`SELECT actor, action FROM tracking.audit_records WHERE entity_type = 'Hold' AND entity_key = $1`, [
      error?.extensions?.holdId,
    ]);
    expect(audit).toEqual([{ actor: 'admin', action: 'PLACE_HOLD' }]);

    // Scanned again while held: refused by that hold, without a second one.
    const again = await trackIn(sheet, 'INTERLAYER');
    expect(again.errors?.[0].extensions?.holdId).toBe(error?.extensions?.holdId);
    expect(await holdsOf(sheet)).toHaveLength(1);
  });

  it('after RELEASE lets the unit in, and the next limit counts from the next vacuum step again', async () => {
    const sheet = sheets[1]; // held above
    const [hold] = await holdsOf(sheet);
    await stack.admin.ok(RELEASE, { s: SIGNED, i: { holdId: hold.id, disposition: 'RELEASE', comment: 'exposure reviewed: accepted' } });
    const passed = await trackIn(sheet, 'INTERLAYER');
    expect(passed.errors).toBeUndefined();
    await scan(stack.admin, sheet, 'INTERLAYER', 'TRACK_OUT');
    expect(await holdsOf(sheet)).toHaveLength(1);

    const leftAt = await trackedOutAgo(sheet, 'INTERLAYER', 75);
    const refused = await trackIn(sheet, 'NEG_COLLECTOR');
    expect(refused.errors?.[0].extensions?.holdReason).toBe(
      `Queue time exceeded before NEG_COLLECTOR (route step 8): 75 min in air since it left vacuum step INTERLAYER (route step 7) at ${leftAt}; limit 60 min`,
    );
  });

  it('after REWORK back to the vacuum step, counts from the new track-out there', async () => {
    const sheet = sheets[2];
    await scanThrough(stack.admin, sheet, ['LIPON_DEPOSITION']);
    await trackedOutAgo(sheet, 'LIPON_DEPOSITION', 300);
    const held = await trackIn(sheet, 'INTERLAYER');
    await stack.admin.ok(RELEASE, {
      s: SIGNED,
      i: { holdId: held.errors?.[0].extensions?.holdId, disposition: 'REWORK', comment: 'strip and redo LiPON' },
    });
    const reworked = await stack.admin.ok(`{ sheet(barcode: "${sheet}") { operation } }`);
    expect(reworked.sheet.operation).toBe('LIPON_DEPOSITION');
    await scanThrough(stack.admin, sheet, ['LIPON_DEPOSITION']);
    expect((await trackIn(sheet, 'INTERLAYER')).errors).toBeUndefined();
  });

  it('holds two racing track-ins of one overdue unit once, and refuses both', async () => {
    await stack.admin.ok(
      'mutation { createStation(input: { code: "INT-2", name: "Interlayer coater 2", operation: "INTERLAYER", lineCode: "R2R-1" }) { code } }',
    );
    const sheet = sheets[3];
    await scanThrough(stack.admin, sheet, ['LIPON_DEPOSITION']);
    await trackedOutAgo(sheet, 'LIPON_DEPOSITION', 200);
    const results = await Promise.all(
      ['INT-1', 'INT-2'].map((stationCode) => stack.admin.request(SCAN, { i: { barcode: sheet, stationCode, action: 'TRACK_IN' } })),
    );
    expect(results.map((r) => r.errors?.[0].extensions?.code)).toEqual(['UNIT_ON_HOLD', 'UNIT_ON_HOLD']);
    const holds = await holdsOf(sheet);
    expect(holds).toHaveLength(1);
    expect(results.map((r) => r.errors?.[0].extensions?.holdId)).toEqual([holds[0].id, holds[0].id]);
  });

  it('counts a sheet’s queue time from its roll’s track-out when the vacuum step ran before the cut', async () => {
    // Annealed LCO waits in air for LiPON: at most 240 min after the roll left LCO deposition.
    const route = QUEUE_TIME_ROUTE.map((s) => (s.operation === 'LIPON_DEPOSITION' ? { ...s, maxQueueMinutes: 240 } : s));
    await newProduct(stack.admin, 'QT-ROLL', SMALL_LAYOUT, route);
    const cut = await rollCutIntoSheets(stack.admin, 'QT-2', 'QT-ROLL', 1);

    await trackedOutAgo('QT-2', 'LCO_DEPOSITION', 200);
    expect((await trackIn(cut[0], 'LIPON_DEPOSITION')).errors).toBeUndefined();

    const leftAt = await trackedOutAgo('QT-2', 'LCO_DEPOSITION', 300);
    const reason = (at: string) =>
      `Queue time exceeded before LIPON_DEPOSITION (route step 6): 300 min in air since its source roll QT-2 left vacuum step LCO_DEPOSITION (route step 3) at ${at}; limit 240 min`;
    const refused = await trackIn(cut[1], 'LIPON_DEPOSITION');
    expect(refused.errors?.[0].extensions?.holdReason).toBe(reason(leftAt));
    expect(await holdsOf(cut[1])).toHaveLength(1);

    // Accepting one sheet's exposure accepts only that sheet's: its neighbour gets a hold of its own.
    await stack.admin.ok(RELEASE, {
      s: SIGNED,
      i: { holdId: refused.errors?.[0].extensions?.holdId, disposition: 'RELEASE', comment: 'LCO surface checked' },
    });
    expect((await trackIn(cut[1], 'LIPON_DEPOSITION')).errors).toBeUndefined();
    const neighbour = await trackIn(cut[2], 'LIPON_DEPOSITION');
    expect(neighbour.errors?.[0].extensions?.code).toBe('UNIT_ON_HOLD');
    expect(await holdsOf(cut[2])).toHaveLength(1);
    const roll = await stack.admin.ok('{ roll(barcode: "QT-2") { activeHolds { id } } }');
    expect(roll.roll.activeHolds).toEqual([]);
  });

  describe('route inputs', () => {
    const product = (code: string, route: unknown[]) => ({ i: { code, name: 'queue time', layout: SMALL_LAYOUT, route } });

    it('refuses a limit with no vacuum step before it, naming the step', async () => {
      const error = await stack.admin.fails(
        CREATE_PRODUCT,
        product('QT-BAD-1', [
          { operation: 'A_OP', level: 'ROLL' },
          { operation: 'B_OP', level: 'ROLL', vacuum: true, maxQueueMinutes: 60 },
        ]),
      );
      const message =
        'steps[1]: B_OP has maxQueueMinutes 60 but no step before it is a vacuum step to count the time in air from; mark that step vacuum: true or remove the limit';
      expect(error.extensions?.code).toBe('VALIDATION_FAILED');
      expect(error.message).toBe(`Invalid route: ${message}`);
      expect(error.extensions?.details).toEqual([{ path: 'input.route[1].maxQueueMinutes', message }]);

      const version = await stack.admin.fails('mutation($i: CreateRouteVersionInput!) { createRouteVersion(input: $i) { version } }', {
        i: { productCode: 'QT-P', steps: [{ operation: 'A_OP', level: 'ROLL', maxQueueMinutes: 30 }] },
      });
      expect(version.extensions?.details).toEqual([
        {
          path: 'input.steps[0].maxQueueMinutes',
          message:
            'steps[0]: A_OP has maxQueueMinutes 30 but no step before it is a vacuum step to count the time in air from; mark that step vacuum: true or remove the limit',
        },
      ]);
    });

    it('refuses limits that are not positive whole minutes, naming the step', async () => {
      const route = (maxQueueMinutes: unknown) => [
        { operation: 'A_OP', level: 'ROLL', vacuum: true },
        { operation: 'B_OP', level: 'ROLL', maxQueueMinutes },
      ];
      const zero = await stack.admin.fails(CREATE_PRODUCT, product('QT-BAD-2', route(0)));
      expect(zero.extensions?.code).toBe('VALIDATION_FAILED');
      expect(zero.extensions?.details).toEqual([
        { path: 'input.route[1].maxQueueMinutes', message: 'B_OP: expected maxQueueMinutes of at least 1 minute, got 0' },
      ]);
      const negative = await stack.admin.fails(CREATE_PRODUCT, product('QT-BAD-3', route(-15)));
      expect(negative.message).toBe(
        'Invalid input: input.route[1].maxQueueMinutes: B_OP: expected maxQueueMinutes of at least 1 minute, got -15',
      );
      const huge = await stack.admin.fails(CREATE_PRODUCT, product('QT-BAD-4', route(50_000)));
      expect(huge.message).toBe(
        'Invalid input: input.route[1].maxQueueMinutes: B_OP: expected maxQueueMinutes of at most 43200 minutes (30 days), got 50000',
      );
      // Fractions never reach the service: GraphQL's Int refuses them, naming the field.
      const fraction = await stack.admin.fails(CREATE_PRODUCT, product('QT-BAD-5', route(1.5)));
      expect(fraction.message).toContain('maxQueueMinutes');
      expect(fraction.message).toContain('Int cannot represent non-integer value: 1.5');
      const none = await stack.admin.ok('{ products { code } }');
      expect(none.products.map((p: { code: string }) => p.code).filter((c: string) => c.startsWith('QT-BAD'))).toEqual([]);
    });
  });
});
