import { randomUUID } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { Pool } from 'pg';
import { encodeFrequencies, encodeSpectrum } from '@mes/sheet-test';
import { simulateSheet } from '@mes/simulator';
import { JOB_IDS, JOBS, sheetTestChunks, type JobName } from '@mes/queue-contracts';
import { createTestDatabase, type TestDatabase } from '@mes/testing';
import { migrateTestData, SheetTestStore } from '@mes/test-data-store';
import { evaluateSheetTest } from './evaluate-sheet-test';
import { FittingThreads } from './fitting-threads';
import { sheetTestJobHandlers } from './sheet-test.jobs';

/**
 * Chunked binning against a real PostgreSQL and Redis: chunks that run at the same time, twice (a
 * retry or a stalled job running again), or after the test is DONE bin every cell exactly once.
 */
describe('sheet-test jobs in chunks', () => {
  let db: TestDatabase;
  let pool: Pool;
  let queue: Queue;
  let threads: FittingThreads;
  let handlers: Record<JobName, (job: Job) => Promise<unknown>>;
  let rigId: string;
  const tracked: string[] = [];
  const holds: string[] = [];
  const recounts: { sheet: string; station: string; good: number; reject: number; reason: string }[] = [];
  const sim = simulateSheet({ seed: 21, sheetIndex: 1, rows: 12, cols: 12, cellActiveAreaCm2: 0.25 });
  const job = (name: JobName, data: object) => ({ name, data }) as Job;

  async function storeTest(testId: string, sheet = 'S-T-0001', productCode: string | null = null): Promise<string> {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequencies, frequency_count, cell_count, status, product_code)
       VALUES ($1, $2, repeat('0', 64), $3, $7, 'R-T', 12, 12, 0.25, now(), 25, $4, $5, $6, 'QUEUED', $8)`,
      [id, testId, rigId, encodeFrequencies(sim.frequenciesHz), sim.frequenciesHz.length, sim.cells.length, sheet, productCode],
    );
    await pool.query(
      `INSERT INTO test_data.sheet_test_cells (sheet_test_id, row, col, status, ocv_v, spectrum, received_at)
       SELECT $1, u.row, u.col, u.status, u.ocv, u.spectrum, (SELECT received_at FROM test_data.sheet_tests WHERE id = $1) FROM unnest($2::smallint[], $3::smallint[], $4::text[], $5::float8[], $6::bytea[]) AS u(row, col, status, ocv, spectrum)`,
      [
        id,
        sim.cells.map((c) => c.row),
        sim.cells.map((c) => c.col),
        sim.cells.map((c) => c.status),
        sim.cells.map((c) => (c.status === 'OK' ? c.ocvV : null)),
        sim.cells.map((c) => (c.status === 'OK' ? encodeSpectrum(c.zReOhm, c.zImOhm) : null)),
      ],
    );
    return id;
  }
  const count = async (sql: string, id: string) => Number((await pool.query(sql, [id])).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('chunks');
    await migrateTestData(db.url);
    pool = new Pool({ connectionString: db.url, max: 12 });
    // pool.end() resolves before the server has closed every connection; the drop at teardown (WITH FORCE) may end one first.
    pool.on('error', () => undefined);
    queue = new Queue('sheet-tests', { connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, prefix: `t-${db.name}` });
    threads = new FittingThreads(2);
    rigId = String(
      (
        await pool.query(
          `INSERT INTO test_data.rigs (name, station_code, key_hash, created_by) VALUES ('RIG T', 'TST-1', repeat('0', 64), 'test') RETURNING id`,
        )
      ).rows[0].id,
    );
    const tracking = {
      trackOutTestedSheet: async (sheet: string) => void tracked.push(`track-out ${sheet}`),
      holdSheet: async (sheet: string, reason: string) => (tracked.push(`hold ${sheet}`), holds.push(reason), '1'),
      sheet: async () => null,
      recountSheet: async (sheet: string, station: string, good: number, reject: number, reason: string) =>
        void recounts.push({ sheet, station, good, reject, reason }),
    };
    handlers = sheetTestJobHandlers({
      store: new SheetTestStore(pool),
      threads,
      tracking,
      queue,
      logger: { log: () => undefined, warn: () => undefined },
      chunkCells: 40,
    });
  });
  afterAll(async () => {
    await threads?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await pool?.end();
    await db?.drop();
  });

  it('splits a test into keyed chunk jobs; adding them twice adds nothing', async () => {
    const id = await storeTest('T-SPLIT');
    expect(await handlers[JOBS.binSheetTest](job(JOBS.binSheetTest, { sheetTestId: id }))).toEqual({ chunks: 4 });
    await handlers[JOBS.binSheetTest](job(JOBS.binSheetTest, { sheetTestId: id }));
    const jobs = (await queue.getJobs(['waiting'])).filter((j) => String(j.id).startsWith(id));
    expect(jobs.map((j) => j.id).sort()).toEqual([0, 1, 2, 3].map((c) => JOB_IDS.fitCells(id, c)));
    expect(jobs.map((j) => j.data.limit)).toEqual([36, 36, 36, 36]);
    expect((await pool.query('SELECT status FROM test_data.sheet_tests WHERE id = $1', [id])).rows[0].status).toBe('BINNING');
  });

  it('bins every cell exactly once when every chunk runs twice at the same time, as a whole sheet would be binned', async () => {
    const id = await storeTest('T-RACE');
    const chunks = sheetTestChunks(sim.cells.length, 40);
    const runs = await Promise.all(
      [...chunks, ...chunks].map(
        (c) => handlers[JOBS.fitCells](job(JOBS.fitCells, { sheetTestId: id, ...c })) as Promise<{ done?: string }>,
      ),
    );
    expect(runs.filter((r) => r.done === 'now')).toHaveLength(1);
    expect(await count('SELECT count(*) AS n FROM test_data.cell_features WHERE sheet_test_id = $1', id)).toBe(144);
    expect(await count('SELECT count(*) AS n FROM test_data.cell_results WHERE sheet_test_id = $1', id)).toBe(144);
    const test = (await pool.query('SELECT status, cells_binned, rule_set_version FROM test_data.sheet_tests WHERE id = $1', [id])).rows[0];
    expect(test).toEqual({ status: 'DONE', cells_binned: 144, rule_set_version: 1 });
    expect(
      await count(`SELECT count(*) AS n FROM test_data.current_cell_results WHERE sheet_barcode = 'S-T-0001' AND sheet_test_id = $1`, id),
    ).toBe(144);
    const finish = await queue.getJob(JOB_IDS.finishSheetTest(id));
    expect(finish?.name).toBe(JOBS.finishSheetTest);

    // The same bins as fitting and binning the whole sheet in one go (the stored spectra are float32).
    const whole = evaluateSheetTest(
      { frequenciesHz: sim.frequenciesHz, cellAreaCm2: 0.25, temperatureC: 25 },
      sim.cells.map((c) => {
        if (c.status !== 'OK') return { row: c.row, col: c.col, status: c.status, ocvV: null, zReOhm: null, zImOhm: null };
        const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));
        return { row: c.row, col: c.col, status: c.status, ocvV: c.ocvV, zReOhm: f32(c.zReOhm), zImOhm: f32(c.zImOhm) };
      }),
    );
    const stored = (await pool.query('SELECT row, col, soft_bin FROM test_data.cell_results WHERE sheet_test_id = $1', [id])).rows as {
      row: number;
      col: number;
      soft_bin: number;
    }[];
    const bySite = new Map(stored.map((r) => [`${r.row},${r.col}`, r.soft_bin]));
    for (const w of whole)
      expect({ cell: `${w.row},${w.col}`, softBin: bySite.get(`${w.row},${w.col}`) }).toEqual({
        cell: `${w.row},${w.col}`,
        softBin: w.bin.softBin,
      });

    // A chunk that runs again after DONE changes nothing.
    expect(await handlers[JOBS.fitCells](job(JOBS.fitCells, { sheetTestId: id, ...chunks[2] }))).toMatchObject({ done: 'before' });
    expect(await count('SELECT count(*) AS n FROM test_data.cell_results WHERE sheet_test_id = $1', id)).toBe(144);
  });

  it('moves the sheet on once, however often the finish job runs', async () => {
    const id = await storeTest('T-FINISH');
    for (const c of sheetTestChunks(sim.cells.length, 40)) await handlers[JOBS.fitCells](job(JOBS.fitCells, { sheetTestId: id, ...c }));
    const before = tracked.length;
    const first = await handlers[JOBS.finishSheetTest](job(JOBS.finishSheetTest, { sheetTestId: id }));
    const again = await handlers[JOBS.finishSheetTest](job(JOBS.finishSheetTest, { sheetTestId: id }));
    const disposition = (await pool.query('SELECT disposition FROM test_data.sheet_tests WHERE id = $1', [id])).rows[0]
      .disposition as string;
    expect(again).toEqual({ disposition });
    expect(first).toBeDefined();
    expect(tracked.length - before).toBe(disposition === 'WAITS_FOR_RETEST' ? 0 : 1);
  });

  it('keeps each cell’s current result by the retest convention: grades only go down, rig faults are superseded', async () => {
    // Two binned tests of one sheet with chosen bins, the retest 1 s after the first test.
    const tests: string[] = [];
    for (const [i, testId] of ['T-RT-1', 'T-RT-2'].entries()) {
      const id = randomUUID();
      tests.push(id);
      await pool.query(
        `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
           frequency_count, cell_count, status, rule_set_version, received_at)
         VALUES ($1, $2, repeat('0', 64), $3, 'S-RT-1', 'R-RT', 1, 6, 0.25, now(), 25, 0, 6, 'DONE', 1, now() + make_interval(secs => $4))`,
        [id, testId, rigId, i],
      );
    }
    const bins: [number, number | null][] = [
      [2, 1],
      [0, 3],
      [1, 0],
      [12, 1],
      [14, 1],
      [1, null],
    ];
    for (const [t, key] of [
      [0, 0],
      [1, 1],
    ] as const) {
      const cells = bins.flatMap(([first, retest], col) =>
        (key === 0 ? first : retest) === null ? [] : [{ col, soft: (key === 0 ? first : retest) as number }],
      );
      await pool.query(
        `INSERT INTO test_data.cell_results (sheet_test_id, row, col, rule_set_version, sheet_barcode, ocv_v, soft_bin, hard_bin, bin_name, rule_id, rule_set_name, received_at)
         SELECT $1, 0, u.col, 1, 'S-RT-1', 3.9 + $2, u.soft, CASE WHEN u.soft BETWEEN 1 AND 9 THEN 1 WHEN u.soft = 0 THEN 0 ELSE 2 END, 'B' || u.soft, 'r', 'rs',
                (SELECT received_at FROM test_data.sheet_tests WHERE id = $1)
           FROM unnest($3::int[], $4::int[]) AS u(col, soft)`,
        [tests[t], t / 10, cells.map((c) => c.col), cells.map((c) => c.soft)],
      );
    }
    const store = new SheetTestStore(pool);
    const client = await pool.connect();
    try {
      await store.refreshCurrentResults(client, 'S-RT-1');
    } finally {
      client.release();
    }
    const current = (
      await pool.query(
        `SELECT col, soft_bin, first_soft_bin, tests, sheet_test_id, ocv_v FROM test_data.current_cell_results WHERE sheet_barcode = 'S-RT-1' ORDER BY col`,
      )
    ).rows;
    expect(current.map((c) => [c.col, c.soft_bin, c.first_soft_bin, c.tests, c.sheet_test_id === tests[1] ? 'retest' : 'first'])).toEqual([
      [0, 2, 2, 2, 'first'], // pass grade 2, retest says 1: grades only go down
      [1, 3, 0, 2, 'retest'], // rig fault superseded by the valid retest
      [2, 1, 1, 2, 'first'], // a later rig fault never erases a valid result
      [3, 1, 12, 2, 'retest'], // OPEN is retestable: the clean retest counts
      [4, 14, 14, 2, 'first'], // other fails are physical and stay
      [5, 1, 1, 1, 'first'], // not retested
    ]);
    // The values shown with a cell are those of the result that counts.
    expect(current.map((c) => c.ocv_v)).toEqual([3.9, 4.0, 3.9, 4.0, 3.9, 3.9]);
    expect(await store.sheetStanding('S-RT-1')).toEqual({ pass: 5, fail: 1, rigFault: 0, testsDone: 2 });
  });

  it('moves the sheet on by its product’s policy: no retest wait, and a hold below the product’s threshold', async () => {
    await pool.query(
      `INSERT INTO test_data.product_test_policies (product_code, max_retests, yield_hold_below, updated_by, updated_at) VALUES ('TFB-STRICT', 0, 0.999, 'erik', now())`,
    );
    const id = await storeTest('T-STRICT', 'S-T-0002', 'TFB-STRICT');
    // A rig fault, which would keep the sheet waiting for a retest under the default policy.
    await pool.query(
      `UPDATE test_data.sheet_test_cells SET status = 'NO_CONTACT', ocv_v = NULL, spectrum = NULL WHERE sheet_test_id = $1 AND row = 0 AND col = 0`,
      [id],
    );
    for (const c of sheetTestChunks(sim.cells.length, 40)) await handlers[JOBS.fitCells](job(JOBS.fitCells, { sheetTestId: id, ...c }));
    const before = tracked.length;
    const finished = (await handlers[JOBS.finishSheetTest](job(JOBS.finishSheetTest, { sheetTestId: id }))) as {
      disposition: string;
      yield: number;
    };
    expect(
      await count(
        `SELECT count(*) AS n FROM test_data.current_cell_results WHERE sheet_barcode = 'S-T-0002' AND soft_bin = 0 AND $1::uuid IS NOT NULL`,
        id,
      ),
    ).toBeGreaterThan(0);
    expect(finished.disposition).toBe('HELD');
    expect(tracked.slice(before)).toEqual(['track-out S-T-0002', 'hold S-T-0002']);
    expect(holds.at(-1)).toBe(
      `Sheet test T-STRICT: yield ${(100 * finished.yield).toFixed(1).replace(/\.0$/, '')} % is below the threshold of 99.9 %`,
    );
    expect((await pool.query('SELECT disposition FROM test_data.sheet_tests WHERE id = $1', [id])).rows[0].disposition).toBe('HELD');
  });

  it('re-bins the tests of a request once with the newest released rule set, keeping the old results', async () => {
    // The strict product's tests were binned with its version 1 (created on first use); release a version 2 with a tight OCV window.
    const v1 = (await pool.query(`SELECT rule_set FROM test_data.rule_sets WHERE product_code = 'TFB-STRICT' AND version = 1`)).rows[0]
      .rule_set as { rules: { id: string; upper?: number }[] };
    v1.rules.find((r) => r.id === 'ocv-window')!.upper = 0;
    await pool.query(
      `INSERT INTO test_data.rule_sets (product_code, version, name, status, rule_set, created_by, created_at, released_by, released_at)
       VALUES ('TFB-STRICT', 2, 'tight', 'RELEASED', $1, 'erik', now(), 'erik', now())`,
      [JSON.stringify({ ...v1, version: 2 })],
    );
    const request = randomUUID();
    await pool.query(
      `INSERT INTO test_data.rebin_requests (id, scope, status, requested_by, requested_at) VALUES ($1, $2, 'QUEUED', 'erik', now())`,
      [
        request,
        JSON.stringify({
          receivedFrom: new Date(Date.now() - 3600_000).toISOString(),
          receivedTo: new Date(Date.now() + 60_000).toISOString(),
        }),
      ],
    );
    const strict = (await pool.query(`SELECT id FROM test_data.sheet_tests WHERE test_id = 'T-STRICT'`)).rows[0].id as string;
    const first = (await handlers[JOBS.rebin](job(JOBS.rebin, { requestId: request }))) as { testsInScope: number; testsRebinned: number };
    expect(first.testsRebinned).toBe(1); // only the strict product has a newer version; the others stay at theirs
    expect((await pool.query(`SELECT status, tests_rebinned FROM test_data.rebin_requests WHERE id = $1`, [request])).rows[0]).toEqual({
      status: 'DONE',
      tests_rebinned: 1,
    });
    await pool.query(`UPDATE test_data.rebin_requests SET status = 'RUNNING' WHERE id = $1`, [request]); // as if the job ran again after a crash
    expect(await handlers[JOBS.rebin](job(JOBS.rebin, { requestId: request }))).toMatchObject({ testsRebinned: 0 });
    const results = (
      await pool.query(
        `SELECT rule_set_version, count(*)::int AS n, count(*) FILTER (WHERE soft_bin = 14)::int AS ocv FROM test_data.cell_results WHERE sheet_test_id = $1 GROUP BY 1 ORDER BY 1`,
        [strict],
      )
    ).rows;
    expect(results.map((r) => [r.rule_set_version, r.n])).toEqual([
      [1, 144],
      [2, 144],
    ]);
    expect(results[1].ocv).toBeGreaterThan(100);
    const current = (
      await pool.query(`SELECT DISTINCT rule_set_version FROM test_data.current_cell_results WHERE sheet_barcode = 'S-T-0002'`)
    ).rows;
    expect(current).toEqual([{ rule_set_version: 2 }]);
  });

  it('refuses to finish a test that is not binned yet', async () => {
    const id = await storeTest('T-EARLY');
    await expect(handlers[JOBS.finishSheetTest](job(JOBS.finishSheetTest, { sheetTestId: id }))).rejects.toThrow(
      `sheet test ${id} is QUEUED, not DONE: nothing to finish yet`,
    );
  });

  describe("visual bins from the sheet's inspection", () => {
    const binAll = async (id: string) => {
      for (const c of sheetTestChunks(sim.cells.length, 40)) await handlers[JOBS.fitCells](job(JOBS.fitCells, { sheetTestId: id, ...c }));
    };
    const results = async (id: string) =>
      (
        await pool.query(
          'SELECT row, col, soft_bin, rule_id, deciding_defect FROM test_data.cell_results WHERE sheet_test_id = $1 ORDER BY row, col',
          [id],
        )
      ).rows as { row: number; col: number; soft_bin: number; rule_id: string; deciding_defect: string | null }[];
    /** An inspection stored as the ingest stores it: defects already mapped to cells (zone, row, col). */
    async function inspect(
      inspectionId: string,
      sheet: string,
      defects: { row: number; col: number; cls: string; sizeUm: number; zone?: string }[],
    ) {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO test_data.inspections (id, inspection_id, content_hash, rig_id, sheet_barcode, roll_barcode, layout, offset_md_mm, offset_cd_mm, rotation_deg, inspected_at, defect_count)
         VALUES ($1, $2, repeat('0', 64), $3, $4, 'R-T', '{}', 0, 0, 0, now(), $5)`,
        [id, inspectionId, rigId, sheet, defects.length],
      );
      await pool.query(
        `INSERT INTO test_data.inspection_defects (inspection_uuid, seq, sheet_barcode, defect_class, md_mm, cd_mm, size_um, zone, row, col)
         SELECT $1, u.ord - 1, $2, u.cls, 0, 0, u.size, u.zone, u.row, u.col
           FROM unnest($3::varchar[], $4::float8[], $5::varchar[], $6::smallint[], $7::smallint[]) WITH ORDINALITY AS u(cls, size, zone, row, col, ord)`,
        [
          id,
          sheet,
          defects.map((d) => d.cls),
          defects.map((d) => d.sizeUm),
          defects.map((d) => d.zone ?? 'ACTIVE'),
          defects.map((d) => d.row),
          defects.map((d) => d.col),
        ],
      );
      return id;
    }

    it('re-bins a binned sheet when its inspection comes later, naming the deciding defect, the same however often it runs', async () => {
      const id = await storeTest('T-VIS-LATE', 'S-V-0001');
      await binAll(id);
      const before = await results(id);
      const passes = before.filter((r) => r.soft_bin >= 1 && r.soft_bin <= 2);
      expect(passes.length).toBeGreaterThan(3);
      const [big, crowded, kerfOnly] = passes;
      const inspection = await inspect('AOI-LATE', 'S-V-0001', [
        { row: big.row, col: big.col, cls: 'PARTICLE', sizeUm: 20 },
        { row: big.row, col: big.col, cls: 'PARTICLE', sizeUm: 120 },
        ...[11, 12, 13, 14].map((sizeUm) => ({ row: crowded.row, col: crowded.col, cls: 'DEBRIS', sizeUm })),
        { row: kerfOnly.row, col: kerfOnly.col, cls: 'PARTICLE', sizeUm: 500, zone: 'KERF' },
      ]);
      const run = () =>
        handlers[JOBS.rebinInspectedSheet](job(JOBS.rebinInspectedSheet, { inspectionUuid: inspection, sheet: 'S-V-0001' }));
      expect(await run()).toEqual({ testsRebinned: 1 });
      const applied = await pool.query(`SELECT rebinned_at FROM test_data.inspections WHERE id = $1`, [inspection]);
      expect(applied.rows[0].rebinned_at).toBeInstanceOf(Date);
      const after = await results(id);
      const at = (r: { row: number; col: number }) => after.find((a) => a.row === r.row && a.col === r.col);
      expect(at(big)).toMatchObject({ soft_bin: 15, rule_id: 'visual-large-defect', deciding_defect: 'AOI-LATE#1' });
      expect(at(crowded)).toMatchObject({ soft_bin: 3, rule_id: 'visual-small-particles', deciding_defect: 'AOI-LATE#5' });
      expect(at(kerfOnly)).toMatchObject({ soft_bin: kerfOnly.soft_bin, deciding_defect: null });
      // every other cell as it was, and one result per cell at the test's version
      const others = (rows: typeof after) =>
        rows.filter((r) => ![big, crowded].some((x) => x.row === r.row && x.col === r.col)).map((r) => [r.row, r.col, r.soft_bin]);
      expect(others(after)).toEqual(others(before));
      expect(after).toHaveLength(144);
      const current = (
        await pool.query(`SELECT soft_bin FROM test_data.current_cell_results WHERE sheet_barcode = 'S-V-0001' AND row = $1 AND col = $2`, [
          big.row,
          big.col,
        ])
      ).rows;
      expect(current).toEqual([{ soft_bin: 15 }]);
      const visualCount = async () =>
        Number(
          (await pool.query(`SELECT cells AS n FROM test_data.sheet_bin_counts WHERE sheet_barcode = 'S-V-0001' AND soft_bin = 15`)).rows[0]
            ?.n ?? 0,
        );
      expect(await visualCount()).toBe(before.filter((r) => r.soft_bin === 15).length + 1);
      expect(await run()).toEqual({ testsRebinned: 1 });
      expect(await results(id)).toEqual(after);
    });

    it('corrects the counts the sheet was tracked out with when an inspection re-bins it after its track-out', async () => {
      const id = await storeTest('T-VIS-OUT', 'S-V-0005');
      await binAll(id);
      // As the finish job leaves a sheet it tracked out (the simulated sheet may have rig faults to retest first).
      await pool.query(`UPDATE test_data.sheet_tests SET disposition = 'TRACKED_OUT', disposed_at = now() WHERE id = $1`, [id]);
      const before = await results(id);
      const good = before.filter((r) => r.soft_bin >= 1 && r.soft_bin <= 9);
      const [big] = good;
      const inspection = await inspect('AOI-AFTER', 'S-V-0005', [{ row: big.row, col: big.col, cls: 'PARTICLE', sizeUm: 200 }]);
      const run = () =>
        handlers[JOBS.rebinInspectedSheet](job(JOBS.rebinInspectedSheet, { inspectionUuid: inspection, sheet: 'S-V-0005' }));
      recounts.length = 0;
      await run();
      expect(recounts).toEqual([
        {
          sheet: 'S-V-0005',
          station: 'TST-1',
          good: good.length - 1,
          reject: before.length - good.length + 1,
          reason: expect.stringMatching(new RegExp(`^re-binned with inspection ${inspection} after track-out: yield \\d+\\.\\d %$`)),
        },
      ]);
      // A retried job sends the same counts (tracking keeps one correction for them).
      await run();
      expect(recounts[1]).toEqual(recounts[0]);
    });

    it('does not recount a sheet whose test has not sent it on yet: its track-out will carry the counts', async () => {
      const id = await storeTest('T-VIS-WAIT', 'S-V-0006');
      await binAll(id);
      const inspection = await inspect('AOI-BEFORE-OUT', 'S-V-0006', [{ row: 0, col: 0, cls: 'PARTICLE', sizeUm: 200 }]);
      recounts.length = 0;
      await handlers[JOBS.rebinInspectedSheet](job(JOBS.rebinInspectedSheet, { inspectionUuid: inspection, sheet: 'S-V-0006' }));
      expect(recounts).toEqual([]);
    });

    it('keeps the features of a test binned before features had a table when an inspection re-bins it', async () => {
      const id = await storeTest('T-VIS-LEGACY', 'S-V-0004');
      await binAll(id);
      const withFeatures = await count(
        'SELECT count(*) AS n FROM test_data.cell_features WHERE sheet_test_id = $1 AND features IS NOT NULL',
        id,
      );
      // As such a test was stored: its features in its results, none in cell_features.
      await pool.query(
        `UPDATE test_data.cell_results r SET features = f.features FROM test_data.cell_features f
          WHERE f.sheet_test_id = r.sheet_test_id AND f.row = r.row AND f.col = r.col AND r.sheet_test_id = $1`,
        [id],
      );
      await pool.query('DELETE FROM test_data.cell_features WHERE sheet_test_id = $1', [id]);
      const before = await results(id);
      const pass = before.find((r) => r.soft_bin >= 1 && r.soft_bin <= 9)!;
      const inspection = await inspect('AOI-LEGACY', 'S-V-0004', [{ row: pass.row, col: pass.col, cls: 'PARTICLE', sizeUm: 90 }]);
      const rebin = () =>
        handlers[JOBS.rebinInspectedSheet](job(JOBS.rebinInspectedSheet, { inspectionUuid: inspection, sheet: 'S-V-0004' }));
      await rebin();
      expect(await count('SELECT count(*) AS n FROM test_data.cell_features WHERE sheet_test_id = $1 AND features IS NOT NULL', id)).toBe(
        withFeatures,
      );
      const after = await results(id);
      expect(after.find((r) => r.row === pass.row && r.col === pass.col)).toMatchObject({ soft_bin: 15 });
      expect(after.filter((r) => r.soft_bin === 15).length).toBe(before.filter((r) => r.soft_bin === 15).length + 1);
      // binned again (a retried job): the same results, from the features now in their table
      await rebin();
      expect(await results(id)).toEqual(after);
    });

    it('bins a sheet inspected before its test finishes with the defects at once', async () => {
      // The same spectra on another sheet tell which cell passes electrically.
      const plain = await storeTest('T-VIS-PLAIN', 'S-V-0003');
      await binAll(plain);
      const pass = (await results(plain)).find((r) => r.soft_bin >= 1 && r.soft_bin <= 9);
      if (!pass) throw new Error('the simulated sheet has no passing cell');
      await inspect('AOI-EARLY', 'S-V-0002', [{ row: pass.row, col: pass.col, cls: 'PINHOLE', sizeUm: 60 }]);
      const id = await storeTest('T-VIS-EARLY', 'S-V-0002');
      await binAll(id);
      const cell = (await results(id)).find((r) => r.row === pass.row && r.col === pass.col);
      expect(cell).toMatchObject({ soft_bin: 15, deciding_defect: 'AOI-EARLY#0' });
    });
  });
});
