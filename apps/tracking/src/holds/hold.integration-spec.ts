import { TEST_ADMIN_PASSWORD, TEST_USER_PASSWORD } from '@mes/testing';
import { newProduct, rollCutIntoSheets, scan, SCAN } from '../testing/line-fixtures';
import { STACK_START_MS, startTrackingTestStack, type TrackingTestStack } from '@mes/tracking-testing';

const PLACE =
  'mutation($i: PlaceHoldInput!) { placeHold(input: $i) { id target reason active rollBarcode mdFromMm mdToMm sheetBarcode row col } }';
const RELEASE =
  'mutation($i: ReleaseHoldInput!, $s: SignatureInput!) { releaseHold(input: $i, signature: $s) { id active disposition releasedBy releaseComment } }';
/** The admin's electronic signature; role users (operator1, engineer1) sign with theirs. */
const ADMIN_SIGNS = { password: TEST_ADMIN_PASSWORD, meaning: 'APPROVED' };
const USER_SIGNS = { password: TEST_USER_PASSWORD, meaning: 'REVIEWED', comment: 'seen on the sheet' };

describe('holds (tracking subgraph on PostgreSQL)', () => {
  let stack: TrackingTestStack;
  // SMALL_LAYOUT sheets are 60 mm long from a 100 mm leader: sheet n covers [100 + 60(n-1), 100 + 60n).
  let sheets: string[];

  beforeAll(async () => {
    stack = await startTrackingTestStack('holds', { seedDemo: true });
    await newProduct(stack.admin, 'HOLD-P');
    sheets = await rollCutIntoSheets(stack.admin, 'H-1', 'HOLD-P', 1); // (1000 - 200) / 60 = 13 sheets
  }, STACK_START_MS);
  afterAll(() => stack.close());

  const trackIn = (barcode: string) => stack.admin.request(SCAN, { i: { barcode, stationCode: 'LPN-1', action: 'TRACK_IN' } });

  it('holds exactly the sheets that came from an MD region of the roll', async () => {
    expect(sheets).toHaveLength(13);
    const hold = await stack.admin.ok(PLACE, {
      i: { target: 'ROLL_REGION', rollBarcode: 'H-1', mdFromMm: 230, mdToMm: 300, reason: 'LCO rate sag 0.45 A/s' },
    });
    expect(hold.placeHold).toMatchObject({ target: 'ROLL_REGION', rollBarcode: 'H-1', mdFromMm: 230, mdToMm: 300, active: true });
    // Sheet 3 is [220, 280) and sheet 4 is [280, 340): both touch the region; 2 [160, 220) and 5 [340, 400) do not.
    for (const i of [2, 3]) {
      const refused = await trackIn(sheets[i]);
      expect(refused.errors?.[0].extensions?.code).toBe('UNIT_ON_HOLD');
      expect(refused.errors?.[0].message).toContain(
        `Sheet ${sheets[i]} is on hold: LCO rate sag 0.45 A/s (hold ${hold.placeHold.id} on roll H-1 MD 230-300 mm`,
      );
    }
    for (const i of [1, 4]) expect((await trackIn(sheets[i])).errors).toBeUndefined();
    const shown = await stack.admin.ok(`{ sheet(barcode: "${sheets[2]}") { activeHolds { id reason } } }`);
    expect(shown.sheet.activeHolds).toEqual([{ id: hold.placeHold.id, reason: 'LCO rate sag 0.45 A/s' }]);

    const region = await stack.admin.ok(
      '{ roll(barcode: "H-1") { cellsInRegion(mdFromMm: 230, mdToMm: 300) { sheetBarcode row col mdMm } } }',
    );
    const cells = region.roll.cellsInRegion as { sheetBarcode: string; mdMm: number }[];
    expect(new Set(cells.map((c) => c.sheetBarcode))).toEqual(new Set([sheets[2], sheets[3]]));
    expect(cells.every((c) => c.mdMm >= 230 && c.mdMm < 300)).toBe(true);

    const released = await stack.admin.ok(RELEASE, {
      s: ADMIN_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: 'rate within band after review' },
    });
    expect(released.releaseHold).toMatchObject({ active: false, disposition: 'RELEASE', releasedBy: 'admin' });
    expect((await trackIn(sheets[2])).errors).toBeUndefined();
  });

  it('only lets engineers and admins release a hold, with a comment', async () => {
    const operator = await stack.userClient('OPERATOR');
    const hold = await operator.ok(PLACE, { i: { target: 'SHEET', sheetBarcode: sheets[5], reason: 'scratch seen at inspection' } });
    const forbidden = await operator.fails(RELEASE, {
      s: USER_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: 'looks fine' },
    });
    expect(forbidden.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.message).toBe('releaseHold needs role ENGINEER or ADMIN; operator1 has role OPERATOR');
    const noComment = await stack.admin.fails(RELEASE, {
      s: ADMIN_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: '' },
    });
    expect(noComment.extensions?.code).toBe('VALIDATION_FAILED');
    expect(noComment.extensions?.details).toEqual([{ path: 'input.comment', message: 'expected a comment of at least 3 characters' }]);
    const engineer = await stack.userClient('ENGINEER');
    await engineer.ok(RELEASE, { s: USER_SIGNS, i: { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: 'cosmetic only' } });
    const twice = await engineer.fails(RELEASE, {
      s: USER_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: 'again' },
    });
    expect(twice.extensions?.code).toBe('CONFLICT');
    expect(twice.message).toContain(`Hold ${hold.placeHold.id} was already released by engineer1`);
  });

  it('scraps what a SCRAP disposition covers and nothing else', async () => {
    const hold = await stack.admin.ok(PLACE, { i: { target: 'SHEET', sheetBarcode: sheets[6], reason: 'delaminated LCO' } });
    await stack.admin.ok(RELEASE, {
      s: ADMIN_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'SCRAP', comment: 'delamination confirmed' },
    });
    const scrapped = await stack.admin.ok(`{ sheet(barcode: "${sheets[6]}") { status cells { status } } }`);
    expect(scrapped.sheet.status).toBe('SCRAPPED');
    expect(new Set(scrapped.sheet.cells.map((c: { status: string }) => c.status))).toEqual(new Set(['SCRAPPED']));
    const neighbour = await stack.admin.ok(`{ sheet(barcode: "${sheets[7]}") { status } }`);
    expect(neighbour.sheet.status).toBe('ACTIVE');
    const refused = await trackIn(sheets[6]);
    expect(refused.errors?.[0].extensions?.code).toBe('UNIT_NOT_ACTIVE');
    expect(refused.errors?.[0].message).toBe(`Sheet ${sheets[6]} was scrapped: it cannot be scanned at an operation`);
  });

  it('sends reworked sheets back to the previous operation', async () => {
    await scan(stack.admin, sheets[8], 'LIPON_DEPOSITION', 'TRACK_IN');
    await scan(stack.admin, sheets[8], 'LIPON_DEPOSITION', 'TRACK_OUT');
    const hold = await stack.admin.ok(PLACE, { i: { target: 'SHEET', sheetBarcode: sheets[8], reason: 'LiPON thickness below spec' } });
    await stack.admin.ok(RELEASE, { s: ADMIN_SIGNS, i: { holdId: hold.placeHold.id, disposition: 'REWORK', comment: 'redo LiPON' } });
    const reworked = await stack.admin.ok(`{ sheet(barcode: "${sheets[8]}") { operation stepState } }`);
    expect(reworked.sheet).toEqual({ operation: 'LIPON_DEPOSITION', stepState: 'WAITING' });
  });

  it('holds one cell without holding its sheet, and refuses cells outside the grid', async () => {
    const hold = await stack.admin.ok(PLACE, {
      i: { target: 'CELL', sheetBarcode: sheets[9], row: 2, col: 3, reason: 'AOI particle on pad' },
    });
    expect(hold.placeHold).toMatchObject({ target: 'CELL', sheetBarcode: sheets[9], row: 2, col: 3 });
    expect((await trackIn(sheets[9])).errors).toBeUndefined();
    const outside = await stack.admin.fails(PLACE, { i: { target: 'CELL', sheetBarcode: sheets[9], row: 4, col: 0, reason: 'x-ray' } });
    expect(outside.extensions?.code).toBe('VALIDATION_FAILED');
    expect(outside.message).toBe(`Cell (4, 0) is outside the 4 x 5 grid of sheet ${sheets[9]}`);
    // Past what a cell position can be stored as: refused the same way, not an internal error.
    const far = await stack.admin.fails(PLACE, {
      i: { target: 'CELL', sheetBarcode: sheets[9], row: 0, col: 2147483647, reason: 'far off' },
    });
    expect(far.extensions?.code).toBe('VALIDATION_FAILED');
    expect(far.message).toBe(`Cell (0, 2147483647) is outside the 4 x 5 grid of sheet ${sheets[9]}`);
  });

  it('explains hold requests that cannot be placed', async () => {
    const noRoll = await stack.admin.fails(PLACE, { i: { target: 'ROLL_REGION', mdFromMm: 0, mdToMm: 10, reason: 'sag' } });
    expect(noRoll.message).toBe('A ROLL_REGION hold needs rollBarcode (the barcode of the roll)');
    const backwards = await stack.admin.fails(PLACE, {
      i: { target: 'ROLL_REGION', rollBarcode: 'H-1', mdFromMm: 500, mdToMm: 100, reason: 'sag' },
    });
    expect(backwards.message).toBe('Invalid MD region on roll H-1: expected mdToMm > mdFromMm, got [500, 100)');
    const beyond = await stack.admin.fails(PLACE, {
      i: { target: 'ROLL_REGION', rollBarcode: 'H-1', mdFromMm: 0, mdToMm: 5000, reason: 'sag' },
    });
    expect(beyond.message).toBe('Invalid MD region on roll H-1: expected mdToMm <= roll length 1000 mm, got 5000');
    const unknown = await stack.admin.fails(PLACE, { i: { target: 'SHEET', sheetBarcode: 'S-NONE', reason: 'why' } });
    expect(unknown.extensions?.code).toBe('UNKNOWN_BARCODE');
  });

  it('follows a region hold through a splice to the sheets of the joined roll', async () => {
    const reg = (barcode: string) =>
      stack.admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
        i: { barcode, productCode: 'HOLD-P', widthMm: 300, lengthM: 0.5 },
      });
    await reg('SP-A');
    await reg('SP-B');
    const joined = await stack.admin.ok(
      'mutation($i: SpliceRollsInput!) { spliceRolls(input: $i) { barcode lengthMm origin parents { parentBarcode mdStartMm mdEndMm } } }',
      {
        i: {
          newBarcode: 'SP-AB',
          parts: [
            { barcode: 'SP-A', mdOffsetMm: 0 },
            { barcode: 'SP-B', mdOffsetMm: 500 },
          ],
        },
      },
    );
    expect(joined.spliceRolls).toMatchObject({
      lengthMm: 1000,
      origin: 'SPLICE',
      parents: [
        { parentBarcode: 'SP-A', mdStartMm: 0, mdEndMm: 500 },
        { parentBarcode: 'SP-B', mdStartMm: 500, mdEndMm: 1000 },
      ],
    });
    // A problem found on SP-B's substrate between 100 and 150 mm: on SP-AB that is [600, 650).
    await stack.admin.ok(PLACE, {
      i: { target: 'ROLL_REGION', rollBarcode: 'SP-B', mdFromMm: 100, mdToMm: 150, reason: 'substrate pinholes' },
    });
    const { scanThrough } = await import('../testing/line-fixtures');
    await scanThrough(stack.admin, 'SP-AB', ['INCOMING_FOIL', 'WEB_CLEAN', 'LCO_DEPOSITION', 'LCO_ANNEAL']);
    await scan(stack.admin, 'SP-AB', 'CUT_TO_SHEETS', 'TRACK_IN');
    const cut = await stack.admin.ok(
      'mutation { cutSheets(input: { rollBarcode: "SP-AB", stationCode: "CUT-1" }) { sheets { barcode mdStartMm mdEndMm } } }',
    );
    const held: string[] = [];
    for (const s of cut.cutSheets.sheets as { barcode: string; mdStartMm: number; mdEndMm: number }[]) {
      const r = await trackIn(s.barcode);
      if (r.errors) {
        expect(r.errors[0].message).toContain('substrate pinholes');
        held.push(`${s.mdStartMm}-${s.mdEndMm}`);
      }
    }
    expect(held).toEqual(['580-640', '640-700']);
  });

  it('applies SCRAP of a parent-roll region to the stretch of the spliced roll made from it, and only to it', async () => {
    const reg = (barcode: string) =>
      stack.admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
        i: { barcode, productCode: 'HOLD-P', widthMm: 300, lengthM: 0.5 },
      });
    await reg('SC-A');
    await reg('SC-B');
    await stack.admin.ok('mutation($i: SpliceRollsInput!) { spliceRolls(input: $i) { barcode } }', {
      i: {
        newBarcode: 'SC-AB',
        parts: [
          { barcode: 'SC-A', mdOffsetMm: 0 },
          { barcode: 'SC-B', mdOffsetMm: 500 },
        ],
      },
    });
    const { scanThrough } = await import('../testing/line-fixtures');
    await scanThrough(stack.admin, 'SC-AB', ['INCOMING_FOIL', 'WEB_CLEAN', 'LCO_DEPOSITION', 'LCO_ANNEAL']);
    await scan(stack.admin, 'SC-AB', 'CUT_TO_SHEETS', 'TRACK_IN');
    const cut = await stack.admin.ok(
      'mutation { cutSheets(input: { rollBarcode: "SC-AB", stationCode: "CUT-1" }) { sheets { barcode mdStartMm mdEndMm } } }',
    );
    await scan(stack.admin, 'SC-AB', 'CUT_TO_SHEETS', 'TRACK_OUT');
    // SC-B's [100, 300) is SC-AB's [600, 800): sheets 580-640 and 760-820 straddle it, 640-700 and 700-760 lie inside.
    const hold = await stack.admin.ok(PLACE, {
      i: { target: 'ROLL_REGION', rollBarcode: 'SC-B', mdFromMm: 100, mdToMm: 300, reason: 'substrate delamination' },
    });
    await stack.admin.ok(RELEASE, {
      s: ADMIN_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'SCRAP', comment: 'scrap the delaminated stretch' },
    });
    const statuses = await stack.admin.ok('{ roll(barcode: "SC-AB") { sheets { mdStartMm mdEndMm status cells { mdMm status } } } }');
    const sheetsOf = statuses.roll.sheets as {
      mdStartMm: number;
      mdEndMm: number;
      status: string;
      cells: { mdMm: number; status: string }[];
    }[];
    expect(sheetsOf.filter((x) => x.status === 'SCRAPPED').map((x) => `${x.mdStartMm}-${x.mdEndMm}`)).toEqual(['640-700', '700-760']);
    for (const sh of sheetsOf)
      for (const c of sh.cells)
        expect({ md: c.mdMm, status: c.status }).toEqual({ md: c.mdMm, status: c.mdMm >= 600 && c.mdMm < 800 ? 'SCRAPPED' : 'ACTIVE' });
    expect(cut.cutSheets.sheets.length).toBe(sheetsOf.length);
  });

  it('applies REWORK of a parent-roll hold to the sheets made from it through a slit', async () => {
    await stack.admin.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
      i: { barcode: 'SL-P', productCode: 'HOLD-P', widthMm: 300, lengthM: 1 },
    });
    const slit = await stack.admin.request('mutation($i: SlitRollInput!) { slitRoll(input: $i) { barcode } }', {
      i: {
        barcode: 'SL-P',
        lanes: [
          { barcode: 'SL-1', cdStartMm: 0, cdEndMm: 150 },
          { barcode: 'SL-2', cdStartMm: 150, cdEndMm: 300 },
        ],
      },
    });
    if (slit.errors) throw new Error(`slit fixture: ${slit.errors[0].message}`);
    const { scanThrough } = await import('../testing/line-fixtures');
    await scanThrough(stack.admin, 'SL-1', ['INCOMING_FOIL', 'WEB_CLEAN', 'LCO_DEPOSITION', 'LCO_ANNEAL']);
    await scan(stack.admin, 'SL-1', 'CUT_TO_SHEETS', 'TRACK_IN');
    const cut = await stack.admin.ok('mutation { cutSheets(input: { rollBarcode: "SL-1", stationCode: "CUT-1" }) { sheets { barcode } } }');
    await scan(stack.admin, 'SL-1', 'CUT_TO_SHEETS', 'TRACK_OUT');
    const first = cut.cutSheets.sheets[0].barcode as string;
    const hold = await stack.admin.ok(PLACE, { i: { target: 'ROLL', rollBarcode: 'SL-P', reason: 'wrong foil grade' } });
    await stack.admin.ok(RELEASE, {
      s: ADMIN_SIGNS,
      i: { holdId: hold.placeHold.id, disposition: 'REWORK', comment: 'back to the previous operation' },
    });
    // The sheets waited at LIPON_DEPOSITION, the first SHEET step: rework keeps them there (no earlier sheet step) but resets them.
    const after = await stack.admin.ok(`{ sheet(barcode: "${first}") { operation stepState status } }`);
    expect(after.sheet).toEqual({ operation: 'LIPON_DEPOSITION', stepState: 'WAITING', status: 'ACTIVE' });
    const trail = await stack.admin.ok(`{ auditTrail(entityType: "Hold", entityKey: "${hold.placeHold.id}") { action after } }`);
    const release = trail.auditTrail.find((a: { action: string }) => a.action === 'RELEASE_HOLD');
    const after2 = typeof release.after === 'string' ? JSON.parse(release.after) : release.after;
    expect(after2.affected.sheets).toBe(cut.cutSheets.sheets.length);
  });

  it('a release is signed: the signature is audited with signer, meaning, time and what was signed', async () => {
    const engineer = await stack.userClient('ENGINEER');
    const hold = await engineer.ok(PLACE, { i: { target: 'SHEET', sheetBarcode: sheets[9], reason: 'pinhole in LiPON' } });
    const before = Date.now();
    await engineer.ok(RELEASE, {
      i: { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: 'pinhole outside the active area' },
      s: { password: TEST_USER_PASSWORD, meaning: 'RESPONSIBLE', comment: 'I checked the map' },
    });
    const trail = await stack.admin.ok(`{ auditTrail(entityType: "Hold", entityKey: "${hold.placeHold.id}") { actor action after } }`);
    const signature = trail.auditTrail.find((a: { action: string }) => a.action === 'SIGNATURE');
    const after = typeof signature.after === 'string' ? JSON.parse(signature.after) : signature.after;
    expect(signature.actor).toBe('engineer1');
    expect(after).toEqual({
      signer: 'engineer1',
      meaning: 'RESPONSIBLE',
      comment: 'I checked the map',
      signedAt: expect.any(String),
      signed: `RELEASE_HOLD ${hold.placeHold.id} RELEASE`,
    });
    expect(Math.abs(new Date(after.signedAt).getTime() - before)).toBeLessThan(60_000);
  });

  it('a wrong password or no signature releases nothing; a wrong password counts as a failed login', async () => {
    const engineer = await stack.userClient('ENGINEER');
    const hold = await engineer.ok(PLACE, { i: { target: 'SHEET', sheetBarcode: sheets[10], reason: 'edge crack' } });
    const i = { holdId: hold.placeHold.id, disposition: 'RELEASE', comment: 'crack outside the cells' };
    const failuresBefore = Number(
      (await stack.query<{ n: string }>(`SELECT count(*) AS n FROM tracking.login_failures WHERE username = 'engineer1'`))[0].n,
    );

    const wrong = await engineer.fails(RELEASE, { i, s: { password: 'not-my-password', meaning: 'APPROVED' } });
    expect(wrong.extensions?.code).toBe('SIGNATURE_REJECTED');
    expect(wrong.message).toBe(
      "The signature of engineer1 was refused: the password is not engineer1's (type the password you signed in with); nothing was released",
    );
    const missing = await engineer.request('mutation($i: ReleaseHoldInput!) { releaseHold(input: $i) { id } }', { i });
    expect(missing.errors?.[0].message).toMatch(/argument "signature" of type "SignatureInput!" is required/);
    const noMeaning = await engineer.request(RELEASE, { i, s: { password: TEST_USER_PASSWORD } });
    expect(noMeaning.errors?.[0].message).toMatch(/Field "meaning" of required type "SignatureMeaning!" was not provided/);

    const still = await stack.admin.ok(`{ hold(id: "${hold.placeHold.id}") { active releasedBy } }`);
    expect(still.hold).toEqual({ active: true, releasedBy: null });
    const trail = await stack.admin.ok(`{ auditTrail(entityType: "Hold", entityKey: "${hold.placeHold.id}") { action } }`);
    expect(trail.auditTrail.map((a: { action: string }) => a.action)).toEqual(['PLACE_HOLD']);
    const failuresAfter = Number(
      (await stack.query<{ n: string }>(`SELECT count(*) AS n FROM tracking.login_failures WHERE username = 'engineer1'`))[0].n,
    );
    expect(failuresAfter).toBe(failuresBefore + 1);
    const audited = await stack.admin.ok('{ auditTrail(entityType: "User", entityKey: "engineer1") { action } }');
    expect(audited.auditTrail.map((a: { action: string }) => a.action)).toContain('SIGNATURE_FAILED');
  });
});
