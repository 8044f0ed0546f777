import { Client } from 'pg';
import { LineDriver, synthesizeStackTest, type SheetRun } from '@mes/simulator';
import { signatureArg, TEST_ADMIN_PASSWORD } from '@mes/testing';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The end of the line through the gateway, beyond tests/system/assembly.system-spec.ts (which covers
 * the GRADED pick map of a hand-posted sheet, a failed cell refused with its bin, a stack built,
 * tested and passing, a region hold reaching it, and one bad input of each kind storing nothing): a
 * sheet tested by the simulator's rig with its retests and binned by the worker, every other way a
 * pick report, a layer scan or a stack test can be wrong (each storing nothing, audit included), and
 * holds on a sheet and on one cell placed after stacking.
 */
describe('the end of the line: refusals that store nothing, and holds placed after stacking', () => {
  let mes: MesProcesses;
  let db: Client;
  let driver: LineDriver;
  let sheet: SheetRun;
  let bins: (number | null)[];
  let picks: { row: number; col: number; cellCode: string }[];
  let stacks: string[][];
  let stacker: string;
  const COLS = 50;
  const TABLES = ['singulation_reports', 'singulated_cells', 'stacks', 'stack_layers', 'stack_tests', 'audit_records'];
  /** Row counts of every assembly table, audit included, in one statement. */
  const snapshot = async (): Promise<Record<string, number>> => {
    const row = (await db.query(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM assembly.${t})::int AS ${t}`).join(', ')}`)).rows[0];
    return row as Record<string, number>;
  };
  const report = 'mutation($i: SingulationReportInput!) { reportSingulation(input: $i) { picked broken } }';
  const addLayer = 'mutation($s: String!, $c: String!) { addStackLayer(input: { stackBarcode: $s, cellCode: $c }) { status } }';
  const postTest = 'mutation($i: StackTestInput!) { postStackTest(input: $i) { status bin tests { testId bin } } }';
  /** A cell code's index on the sheet: where-used lists a stack's cells by (row, col). */
  const rowCol = (code: string) => {
    const [, r, c] = /-R(\d+)C(\d+)$/.exec(code)!;
    return Number(r) * COLS + Number(c);
  };
  /** Where the MES keeps a route for stacks (scanStack), a built stack is scanned to its final test first. */
  const toStackTest = async (barcode: string) => {
    const mutations = (await mes.admin.ok('{ __type(name: "Mutation") { fields { name } } }')).__type.fields.map(
      (f: { name: string }) => f.name,
    );
    if (!mutations.includes('scanStack')) return;
    const stations = (await mes.admin.ok('{ stations { code operation } }')).stations as { code: string; operation: string }[];
    for (const op of ['FORMATION', 'STACK_TEST'])
      await mes.admin.ok('mutation($i: ScanStackInput!) { scanStack(input: $i) { barcode } }', {
        i: { stackBarcode: barcode, stationCode: stations.find((s) => s.operation === op)!.code },
      });
  };
  const codeAt = (i: number) => `${sheet.barcode}-R${Math.floor(i / COLS)}C${i % COLS}`;

  beforeAll(async () => {
    mes = await useSharedMes();
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    // One sheet through the whole front of the line, tested by the simulator's rig (rig-fault cells retested).
    driver = new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      sheets: 1,
      seed: 11,
      rollPrefix: 'EOL',
      maxRetests: 2,
      testTimeoutMs: 300_000,
    });
    const line = await driver.run();
    sheet = line.rolls[0].sheets[0];
    // The demo line's stacker, whatever its code.
    stacker = (await mes.admin.ok('{ stations { code operation } }')).stations.find(
      (s: { operation: string }) => s.operation === 'STACKING',
    ).code;
  }, 600_000);
  afterAll(async () => {
    await db?.end();
    await mes?.close();
  });

  it('a binned sheet waits for singulation and its pick map holds exactly its unheld grade 1 and 2 cells', async () => {
    expect(sheet.test?.status).toBe('DONE');
    expect(sheet.operation).toBe('SINGULATION');
    bins = (await mes.admin.ok(`{ sheetMap(sheet: "${sheet.barcode}", metric: SOFT_BIN) { values } }`)).sheetMap.values;
    expect(bins.some((b) => b === 0 || b === null)).toBe(false);
    picks = (await mes.admin.ok(`{ pickMap(sheet: "${sheet.barcode}") { entries { row col cellCode } } }`)).pickMap.entries;
    const allowed = bins.flatMap((b, i) => (b === 1 || b === 2 ? [codeAt(i)] : []));
    expect(picks.map((p) => p.cellCode).sort()).toEqual(allowed.sort());
  });

  it('refuses a pick report before track-in, from another station, with a cell twice, outside the sheet or empty, storing nothing', async () => {
    const before = await snapshot();
    const good = {
      sheet: sheet.barcode,
      stationCode: 'SNG-1',
      strategy: 'GRADED',
      picked: [{ row: picks[0].row, col: picks[0].col }],
      broken: [],
    };

    const early = await mes.admin.fails(report, { i: good });
    expect(early.extensions?.code).toBe('NOT_TRACKED_IN');
    expect(early.message).toMatch(new RegExp(`^Sheet ${sheet.barcode} is not tracked in at SNG-1 .*scan TRACK_IN there first$`));

    await mes.admin.ok(`mutation { scan(input: { barcode: "${sheet.barcode}", stationCode: "SNG-1", action: TRACK_IN }) { stepState } }`);
    const elsewhere = await mes.admin.fails(report, { i: { ...good, stationCode: 'TST-1' } });
    expect(elsewhere.extensions?.code).toBe('WRONG_OPERATION');
    expect(elsewhere.message).toBe('Station TST-1 performs SHEET_TEST, not SINGULATION');

    const p = picks[1];
    const twice = await mes.admin.fails(report, {
      i: { ...good, picked: [{ row: p.row, col: p.col }], broken: [{ row: p.row, col: p.col, reason: 'cracked' }] },
    });
    expect(twice.extensions?.code).toBe('VALIDATION_FAILED');
    expect(twice.message).toContain(`cell (${p.row}, ${p.col}) is reported twice`);

    const outside = await mes.admin.fails(report, { i: { ...good, picked: [{ row: 50, col: 0 }] } });
    expect(outside.extensions?.code).toBe('VALIDATION_FAILED');
    expect(outside.message).toContain('cell (50, 0) is not in the pick map: it is outside the sheet');

    const empty = await mes.admin.fails(report, { i: { ...good, picked: [] } });
    expect(empty.extensions?.code).toBe('VALIDATION_FAILED');
    expect(empty.message).toContain('expected at least one picked or broken cell');

    expect(await snapshot()).toEqual(before);

    // The station's real report: every pick, two of them broken.
    const broken = picks.slice(-2);
    const done = await mes.admin.ok(report, {
      i: {
        ...good,
        picked: picks.slice(0, -2).map(({ row, col }) => ({ row, col })),
        broken: broken.map(({ row, col }) => ({ row, col, reason: 'cracked at pick' })),
      },
    });
    expect(done.reportSingulation).toEqual({ picked: picks.length - 2, broken: 2 });
  });

  it('refuses a broken cell, a failed cell and a layer already in another stack, storing nothing', async () => {
    stacks = (await mes.admin.ok('{ stackProposal(productCode: "MLB-1200", grade: 1) { stacks } }')).stackProposal.stacks;
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    for (const barcode of ['STK-EOL-1', 'STK-EOL-2'])
      await mes.admin.ok(
        `mutation { startStack(input: { barcode: "${barcode}", productCode: "MLB-1200", stationCode: "${stacker}" }) { status } }`,
      );
    for (const code of stacks[0]) await mes.admin.ok(addLayer, { s: 'STK-EOL-1', c: code });
    const before = await snapshot();

    const again = await mes.admin.fails(addLayer, { s: 'STK-EOL-2', c: stacks[0][2] });
    expect(again.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CELL_ALREADY_STACKED' });
    expect(again.message).toBe(`Cell ${stacks[0][2]} is already layer 3 of stack STK-EOL-1`);

    const brokenCode = picks[picks.length - 1].cellCode;
    const broken = await mes.admin.fails(addLayer, { s: 'STK-EOL-2', c: brokenCode });
    expect(broken.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CELL_BROKEN' });
    expect(broken.message).toBe(`Cell ${brokenCode} broke at singulation (cracked at pick): it cannot be stacked`);

    const failedIndex = bins.findIndex((b) => b !== null && b >= 10);
    const failed = await mes.admin.fails(addLayer, { s: 'STK-EOL-2', c: codeAt(failedIndex) });
    expect(failed.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CELL_NOT_SINGULATED', softBin: bins[failedIndex] });

    const notACell = await mes.admin.fails(addLayer, { s: 'STK-EOL-2', c: 'S-R0001-0001-R07C1' });
    expect(notACell.extensions?.code).toBe('VALIDATION_FAILED');

    expect(await snapshot()).toEqual(before);
  });

  it('refuses a stack test of an unbuilt stack, of an unknown stack, with a short spectrum or a reused test id, storing nothing; the built stack passes', async () => {
    // The stack's layers in parallel, as the simulator's stack rig measures them.
    const physical = driver.physicalSheet(sheet.barcode)!;
    const layerOf = (code: string) => {
      const [, r, c] = /-R(\d+)C(\d+)$/.exec(code)!;
      const i = Number(r) * COLS + Number(c);
      const cell = physical.cells[i] as { zReOhm: number[]; zImOhm: number[] };
      return { frequenciesHz: physical.frequenciesHz, zReOhm: cell.zReOhm, zImOhm: cell.zImOhm, ocvV: physical.truth[i].ocvV };
    };
    const m = synthesizeStackTest(stacks[0].map(layerOf), null, 1);
    const input = { testId: 'STT-EOL-1', stackBarcode: 'STK-EOL-1', stationCode: 'STT-1', ...m };

    await mes.admin.ok(addLayer, { s: 'STK-EOL-2', c: stacks[1][0] });
    await toStackTest('STK-EOL-1');
    const before = await snapshot();
    const unbuilt = await mes.admin.fails(postTest, { i: { ...input, testId: 'STT-EOL-0', stackBarcode: 'STK-EOL-2' } });
    // Not built, so (where stacks have their own route) not at STACK_TEST either: either refusal is right.
    expect(unbuilt.extensions?.code).toBe('CONFLICT');
    expect(['STACK_NOT_BUILT', 'WRONG_STEP']).toContain(unbuilt.extensions?.reason);
    expect(unbuilt.message).toMatch(/^Stack STK-EOL-2 (has 1 of its 8 layers: finish building it|is at STACKING, not at STACK_TEST)/);

    const unknown = await mes.admin.fails(postTest, { i: { ...input, testId: 'STT-EOL-9', stackBarcode: 'STK-EOL-404' } });
    expect(unknown.extensions?.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe('Unknown stack STK-EOL-404: nothing was stored');

    const short = await mes.admin.fails(postTest, { i: { ...input, zImOhm: m.zImOhm.slice(1) } });
    expect(short.extensions?.code).toBe('VALIDATION_FAILED');
    expect(short.message).toContain(`input.zImOhm: expected ${m.frequenciesHz.length} values, got ${m.frequenciesHz.length - 1}`);

    const wrongStation = await mes.admin.fails(postTest, { i: { ...input, stationCode: stacker } });
    expect(wrongStation.extensions?.code).toBe('WRONG_OPERATION');
    expect(await snapshot()).toEqual(before);

    const passed = (await mes.admin.ok(postTest, { i: input })).postStackTest;
    expect(passed).toEqual({ status: 'TESTED', bin: 'PASS', tests: [{ testId: 'STT-EOL-1', bin: 'PASS' }] });
    const afterPass = await snapshot();
    const reused = await mes.admin.fails(postTest, { i: { ...input, ocvV: m.ocvV + 0.1 } });
    expect(reused.extensions?.code).toBe('CONFLICT');
    expect(reused.message).toMatch(/^Stack test STT-EOL-1 was already posted with other content \(/);
    expect(await snapshot()).toEqual(afterPass);
  });

  it('a hold on one layer cell, placed after stacking, holds that stack alone; a sheet hold holds both; releasing frees them', async () => {
    const view =
      '{ a: stack(barcode: "STK-EOL-1") { onHold status activeHolds { holdId cellCode } } b: stack(barcode: "STK-EOL-2") { onHold } }';
    const [, r, c] = /-R(\d+)C(\d+)$/.exec(stacks[0][4])!;
    const cellHold = (
      await mes.admin.ok(
        `mutation { placeHold(input: { target: CELL, sheetBarcode: "${sheet.barcode}", row: ${r}, col: ${c}, reason: "delamination seen at stacking" }) { id } }`,
      )
    ).placeHold.id;
    let seen = await mes.admin.ok(view);
    expect(seen.a).toEqual({ onHold: true, status: 'TESTED', activeHolds: [{ holdId: cellHold, cellCode: stacks[0][4] }] });
    expect(seen.b.onHold).toBe(false);
    const byCell = (await mes.admin.ok(`{ stacksWhereUsedByHold(holdId: "${cellHold}") { barcode cellCodes } }`)).stacksWhereUsedByHold;
    expect(byCell).toEqual([{ barcode: 'STK-EOL-1', cellCodes: [stacks[0][4]] }]);

    const sheetHold = (
      await mes.admin.ok(
        `mutation { placeHold(input: { target: SHEET, sheetBarcode: "${sheet.barcode}", reason: "patterning lane scratch" }) { id } }`,
      )
    ).placeHold.id;
    seen = await mes.admin.ok(view);
    expect(seen.b.onHold).toBe(true);
    const bySheet = (await mes.admin.ok(`{ stacksWhereUsedByHold(holdId: "${sheetHold}") { barcode } }`)).stacksWhereUsedByHold;
    expect(bySheet.map((s: { barcode: string }) => s.barcode)).toEqual(['STK-EOL-1', 'STK-EOL-2']);
    const whereUsed = (await mes.admin.ok(`{ stacksWhereUsed(sheet: "${sheet.barcode}") { barcode cellCodes } }`)).stacksWhereUsed;
    expect(whereUsed).toEqual([
      { barcode: 'STK-EOL-1', cellCodes: [...stacks[0]].sort((x, y) => rowCol(x) - rowCol(y)) },
      { barcode: 'STK-EOL-2', cellCodes: [stacks[1][0]] },
    ]);

    for (const id of [cellHold, sheetHold])
      await mes.admin.ok(
        `mutation { releaseHold(input: { holdId: "${id}", disposition: RELEASE, comment: "checked, fine" }, ${signatureArg()}) { active } }`,
      );
    seen = await mes.admin.ok(view);
    expect(seen.a).toEqual({ onHold: false, status: 'TESTED', activeHolds: [] });
    expect(seen.b.onHold).toBe(false);
  });
});
