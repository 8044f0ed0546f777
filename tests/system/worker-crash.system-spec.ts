import { Client } from 'pg';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * A binning worker killed in the middle of a sheet loses nothing: the chunks already fitted stay,
 * BullMQ's stalled-job check hands the chunks in hand to the next worker, the sheet ends DONE, and
 * every cell is fitted and binned exactly once.
 */
describe('a binning worker killed mid-sheet', () => {
  let mes: MesProcesses;
  let db: Client;

  beforeAll(async () => {
    mes = await useSharedMes();
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await mes?.close();
  });

  it('bins every cell exactly once after the worker is killed and another takes over', async () => {
    const { registerRig } = await mes.admin.ok('mutation { registerRig(name: "RIG CRASH", stationCode: "TST-1") { apiKey } }');
    const sim = simulateSheet({ seed: 5, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': registerRig.apiKey },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'CRASH-0001', sheet: 'S-R0001-0001', startedAt: '2026-11-22T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const { sheetTestId } = (await res.json()) as { sheetTestId: string };
    const status = async () =>
      String((await db.query('SELECT status FROM test_data.sheet_tests WHERE id = $1', [sheetTestId])).rows[0].status);

    // Kill the worker half-way through the sheet: some chunks fitted and written, others not yet.
    const fitted = async () =>
      Number((await db.query('SELECT count(*) FROM test_data.cell_features WHERE sheet_test_id = $1', [sheetTestId])).rows[0].count);
    for (let i = 0; i < 3000 && (await fitted()) === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await mes.killApp('binning-worker');
    const fittedBeforeCrash = await fitted();
    expect(await status()).toBe('BINNING');
    expect(fittedBeforeCrash).toBeGreaterThan(0);
    expect(fittedBeforeCrash).toBeLessThan(2500);
    const written = Number(
      (await db.query('SELECT count(*) FROM test_data.cell_results WHERE sheet_test_id = $1', [sheetTestId])).rows[0].count,
    );
    expect(written).toBe(0); // the sheet is binned in one transaction once every chunk is fitted

    mes.startApp('binning-worker');
    for (let i = 0; i < 240 && (await status()) !== 'DONE'; i++) await new Promise((r) => setTimeout(r, 500));
    expect(await status()).toBe('DONE');
    const cells = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT (row, col))::int AS distinct_cells FROM test_data.cell_results WHERE sheet_test_id = $1`,
      [sheetTestId],
    );
    expect(cells.rows[0]).toEqual({ n: 2500, distinct_cells: 2500 });
    const features = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT (row, col))::int AS distinct_cells FROM test_data.cell_features WHERE sheet_test_id = $1`,
      [sheetTestId],
    );
    expect(features.rows[0]).toEqual({ n: 2500, distinct_cells: 2500 });
    const sheet = await mes.admin.ok('{ sheet(barcode: "S-R0001-0001") { operation } }');
    expect(sheet.sheet.operation).toBe('SHEET_TEST'); // rig faults wait for their retest
  });
});
