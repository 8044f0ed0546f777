/**
 * A year of a line in the database (issue 16): the line's everyday operations measured on two MES
 * running side by side, one with the demo line's data alone ("empty"), one after SCALE_CELLS cell
 * results (default 10^8, about 40,000 sheets of 2,500 cells) were generated directly in PostgreSQL,
 * spread over the twelve months before now (so over twelve month partitions), each with its raw cell
 * (a 50-point float32 spectrum), its features, its result and its current result; each figure's runs
 * alternate between the two. Prints every figure of both, their ratio (goal: at most 1.5) and the
 * bytes each cell takes on disk. `SCALE_CELLS=10000000 npm run bench scale`.
 *
 * The generation runs in PostgreSQL (generate_series), 400 sheets (a million cells) per transaction,
 * with its progress printed, so neither this process's memory nor any one statement grows with the
 * load. SCALE_DATABASE=<name> keeps the load in that database (made when missing, never dropped): its
 * plan (cells, time span, sheets done) is stored there, so a run that stopped
 * (killed, machine rebooted) is started again with the same command and goes on from the last whole
 * chunk. Without it, a database of the run's own is made and dropped.
 *
 * What is generated: test_data's per-cell tables and the per-sheet yields and bin counts. Not
 * generated: map tiles of the bulk rolls (a per-sheet aggregate; its size per cell is measured on the
 * demo roll and added to the figure) and process trace batches (provenance reads the process schema,
 * whose size follows the number of runs and channels, not of cells: process.bench.ts measures it).
 */
import { Client } from 'pg';
import { ensurePartitions, monthOf } from '@mes/test-data-store';
import { testServerUrl, type TestDatabase } from '@mes/testing';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import type { SheetTestBody } from '@mes/sheet-test';
import { startMesProcesses, type MesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';

const FIFTY_POINTS = { fMaxHz: 1e6, fMinHz: 1, pointsPerDecade: 49 / 6 };
const CELLS_PER_SHEET = 2500;
const SHEETS_PER_ROLL = 600;
/** Sheets generated per statement batch: about a million cells, so progress shows and no statement runs for long. */
const CHUNK_SHEETS = 400;

/** Each figure on the empty line and on the loaded one, ms. */
type Figures = Record<string, { empty: number; loaded: number }>;

function scaleCells(): number {
  const text = process.env.SCALE_CELLS ?? '100000000';
  if (!/^\d+$/.test(text) || Number(text) < CELLS_PER_SHEET) {
    throw new Error(`SCALE_CELLS ${JSON.stringify(text)}: expected a whole number of cells >= ${CELLS_PER_SHEET} (one sheet)`);
  }
  return Number(text);
}

/** SCALE_DATABASE: a database kept between runs (made when missing), so a stopped load goes on; unset: none. */
async function keptDatabase(): Promise<TestDatabase | undefined> {
  const name = process.env.SCALE_DATABASE;
  if (name === undefined) return undefined;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`SCALE_DATABASE ${JSON.stringify(name)}: expected a database name (a-z, 0-9, _)`);
  const admin = new URL(testServerUrl());
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rows.length) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: async () => undefined };
}

/** What is being loaded and how far it got, kept in the database itself (one row). */
interface Plan {
  sheets: number;
  startMs: number;
  done: number;
  analyzed: boolean;
}

async function planOf(db: Client, sheets: number): Promise<Plan> {
  await db.query('CREATE SCHEMA IF NOT EXISTS bench');
  await db.query(
    `CREATE TABLE IF NOT EXISTS bench.scale_plan (sheets int NOT NULL, start_at timestamptz NOT NULL, done int NOT NULL, analyzed boolean NOT NULL)`,
  );
  await db.query(
    `INSERT INTO bench.scale_plan (sheets, start_at, done, analyzed) SELECT $1, now() - interval '365 days', 0, false
      WHERE NOT EXISTS (SELECT 1 FROM bench.scale_plan)`,
    [sheets],
  );
  const r = (await db.query(`SELECT sheets, extract(epoch FROM start_at) * 1000 AS start_ms, done, analyzed FROM bench.scale_plan`))
    .rows[0] as { sheets: number; start_ms: string; done: number; analyzed: boolean };
  if (r.sheets !== sheets) {
    throw new Error(
      `this database is being loaded with ${r.sheets} sheets (${r.sheets * CELLS_PER_SHEET} cells), not ${sheets}: run with SCALE_CELLS=${r.sheets * CELLS_PER_SHEET}, or drop the database to start over`,
    );
  }
  return { sheets, startMs: Number(r.start_ms), done: r.done, analyzed: r.analyzed };
}

export async function benchScale(): Promise<void> {
  const cells = scaleCells();
  const sheets = Math.ceil(cells / CELLS_PER_SHEET);
  const database = await keptDatabase();
  const mes = await startMesProcesses('bench_scale', { LOG_LEVEL: 'error' }, { database });
  const db = new Client({ connectionString: mes.db.url });
  await db.connect();
  let empty: MesProcesses | undefined;
  try {
    const plan = await planOf(db, sheets);
    const loaded = await probeOn(mes);
    // Three sheets of the demo roll before the load: the generation copies a real spectrum and
    // feature document from them, and the reads below find the demo roll as on the empty line.
    if (loaded.posted() === 0) for (let i = 0; i < 3; i++) await loaded.postToDone();
    const t0 = performance.now();
    await generate(db, plan);
    const generateS = (performance.now() - t0) / 1000;

    // The empty line runs beside the loaded one, on a database of its own with the same sheets,
    // and each figure takes its runs in turn on one and the other: both see the same machine at the
    // same moment (a shared machine's load swung the ratios of earlier runs by 0.5 to 2 either way).
    empty = await startMesProcesses('bench_scale_empty', { LOG_LEVEL: 'error' });
    const bare = await probeOn(empty);
    // As many sheets of the demo roll as the loaded line has (each run posts three more to it).
    while (bare.posted() < loaded.posted()) await bare.postToDone();
    const reads = await measureReads(empty, mes);
    const posts = await measurePosts(bare, loaded);
    const figures = { ...posts, ...reads };

    const size = await bytesPerCell(db);
    console.log(
      `\nScale: ${(sheets * CELLS_PER_SHEET).toLocaleString()} generated cells (${sheets.toLocaleString()} sheets, ${Math.ceil(sheets / SHEETS_PER_ROLL)} rolls, 12 months), this run generated for ${generateS.toFixed(0)} s; each figure: p50 of its runs, empty -> loaded, taken in turn`,
    );
    for (const [name, f] of Object.entries(figures))
      console.log(`${name.padEnd(58)} ${f.empty.toFixed(1).padStart(9)} ms -> ${f.loaded.toFixed(1).padStart(9)} ms`);
    for (const [name, f] of Object.entries(figures))
      report(`${name}: loaded / empty`, f.loaded / f.empty, 'x', { value: 1.5, better: 'lower' });
    report('bytes per cell on disk (test_data tables and indexes)', size.perCell, 'B');
    report('  of which raw cells (spectrum), features, results, current', size.perCellCore, 'B');
    report('  map tiles per cell (measured on the demo roll)', size.tilesPerCell, 'B');
    for (const [table, b] of Object.entries(size.byTable)) report(`  ${table} per cell`, b, 'B');
    report('test_data schema on disk', size.totalBytes / 2 ** 30, 'GiB');
  } finally {
    await db.end();
    await empty?.close();
    await mes.close();
  }
}

interface Probe {
  /** Posts one more sheet of the demo roll; answers the POST's time and the time to DONE. */
  postToDone(): Promise<{ postMs: number; doneMs: number }>;
  /** Sheets this bench has posted to the line so far (by this run or an earlier one). */
  posted(): number;
}

/** Posts the demo roll's next untested sheets to a line (a run that goes on after a stop has posted some already). */
async function probeOn(mes: MesProcesses): Promise<Probe> {
  const { registerRig } = await mes.admin.ok(`mutation { registerRig(name: "SCALE RIG ${Date.now()}", stationCode: "TST-1") { apiKey } }`);
  const key = registerRig.apiKey as string;
  const c = new Client({ connectionString: mes.db.url });
  await c.connect();
  let posted: number;
  try {
    posted = Number((await c.query(`SELECT count(*) AS n FROM test_data.sheet_tests WHERE test_id LIKE 'SCALE-PROBE-%'`)).rows[0].n);
  } finally {
    await c.end();
  }
  const sim = simulateSheet({ seed: 16, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25, frequencies: FIFTY_POINTS });
  return {
    posted: () => posted,
    async postToDone() {
      const sheet = `S-R0001-${String(++posted).padStart(4, '0')}`;
      const body = toSheetTestBody(sim, { testId: `SCALE-PROBE-${sheet}`, sheet, startedAt: new Date().toISOString() }) as SheetTestBody;
      const t0 = performance.now();
      const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify(body),
      });
      const answer = (await res.json()) as { sheetTestId: string };
      if (res.status !== 202) throw new Error(`post of ${sheet} answered ${res.status}: ${JSON.stringify(answer)}`);
      const postMs = performance.now() - t0;
      for (;;) {
        const st = (await (
          await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${answer.sheetTestId}`, { headers: { 'x-api-key': key } })
        ).json()) as { status: string };
        if (st.status === 'FAILED') throw new Error(`sheet test of ${sheet} FAILED`);
        if (st.status === 'DONE') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      return { postMs, doneMs: performance.now() - t0 };
    },
  };
}

/** p50 of three posts of one more sheet of the demo roll, each to DONE, on each line in turn. */
async function measurePosts(empty: Probe, loaded: Probe): Promise<Figures> {
  const runs = { empty: { post: [] as number[], done: [] as number[] }, loaded: { post: [] as number[], done: [] as number[] } };
  for (let i = 0; i < 3; i++) {
    for (const which of i % 2 ? (['loaded', 'empty'] as const) : (['empty', 'loaded'] as const)) {
      const r = await (which === 'empty' ? empty : loaded).postToDone();
      runs[which].post.push(r.postMs);
      runs[which].done.push(r.doneMs);
    }
  }
  const p50 = (ms: number[]) => summarize(ms).p50;
  return {
    'ingest of one more sheet (POST, 2,500 cells x 50 points)': { empty: p50(runs.empty.post), loaded: p50(runs.loaded.post) },
    'post to DONE (one worker)': { empty: p50(runs.empty.done), loaded: p50(runs.loaded.done) },
  };
}

/** p50 of every read, on the demo roll R0001 and the sheets this bench posted to it, on each line in turn. */
async function measureReads(empty: MesProcesses, loaded: MesProcesses): Promise<Figures> {
  const lines = [empty, loaded];
  const clients = lines.map((m) => new Client({ connectionString: m.db.url }));
  await Promise.all(clients.map((c) => c.connect()));
  const timed = async (query: string, runs: number, before?: (c: Client) => Promise<void>) => {
    for (const m of lines) await m.admin.ok(query); // warm-up (plans, connections)
    const ms: number[][] = [[], []];
    for (let i = 0; i < runs; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) {
        if (before) await before(clients[k]);
        const t = performance.now();
        await lines[k].admin.ok(query);
        ms[k].push(performance.now() - t);
      }
    }
    return { empty: summarize(ms[0]).p50, loaded: summarize(ms[1]).p50 };
  };
  try {
    return {
      sheetMap: await timed('{ sheetMap(sheet: "S-R0001-0001", metric: ASR_OHM_CM2) { values } }', 30),
      // cold: as after a sheet of the roll was binned, the roll's map rows are summed again
      'rollMap (cold)': await timed('{ rollMap(roll: "R0001", metric: ASR_OHM_CM2) { mdBins cdBins valuesFloat32 } }', 15, async (c) => {
        await c.query(`UPDATE test_data.roll_maps SET version = version + 1 WHERE roll_barcode = 'R0001'`);
      }),
      'roll yield': await timed('{ rollYield(roll: "R0001") { cellsTested firstPassYield finalYield } }', 30),
      // The demo roll's first sheets: its cells begin 1,000 mm into the roll (an MD 0-1000 region was empty).
      'region yield of a roll region (cells of MD 1000-1900 mm)': await timed(
        '{ regionYield(regions: [{ label: "a", rollBarcode: "R0001", mdStartMm: 1000, mdEndMm: 1900 }]) { cellsTested finalYield } }',
        30,
      ),
      'where-used of a roll region (stacks)': await timed(
        '{ stacksWhereUsed(roll: "R0001", mdFromMm: 1000, mdToMm: 1900) { barcode } }',
        30,
      ),
      'cell result with its history': await timed(
        '{ cellResult(sheet: "S-R0001-0001", row: 10, col: 10) { softBin history { softBin } } }',
        30,
      ),
      'cell provenance': await timed(
        '{ cellProvenance(sheet: "S-R0001-0001", row: 10, col: 10) { mdMm layers { operation traces { channel mean } } } }',
        30,
      ),
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

/**
 * The plan's tests of 2,500 cells, DONE, spread evenly over the year before the plan was made, on
 * rolls of 600 sheets; every row as the ingest and the worker write it (one feature document and one
 * spectrum taken from the sheet the probe posted, so their sizes are real). From the plan's `done`
 * on, one transaction per chunk that also moves `done`: a stop loses at most the chunk under way.
 */
async function generate(db: Client, plan: Plan): Promise<void> {
  const { sheets } = plan;
  const yearMs = 365 * 24 * 3600 * 1000;
  await ensurePartitions(db, monthOf(new Date(plan.startMs)), monthOf(new Date(plan.startMs + yearMs)));
  const sample = (
    await db.query(
      `SELECT t.id, t.rig_id, t.frequencies, t.frequency_count, t.layout, c.spectrum, f.features
         FROM test_data.sheet_tests t
         JOIN test_data.sheet_test_cells c ON c.sheet_test_id = t.id AND c.received_at = t.received_at AND c.spectrum IS NOT NULL
         JOIN test_data.cell_features f ON f.sheet_test_id = t.id AND f.received_at = t.received_at AND f.row = c.row AND f.col = c.col
        WHERE t.status = 'DONE' AND t.test_id LIKE 'SCALE-PROBE-%' LIMIT 1`,
    )
  ).rows[0] as { rig_id: string; frequencies: Buffer; frequency_count: number; layout: object; spectrum: Buffer; features: object };
  if (!sample) throw new Error('no DONE sheet test to take a spectrum and features from');
  await db.query('SET synchronous_commit = off');
  const t0 = performance.now();
  const from = plan.done;
  if (from >= sheets) console.log(`  all ${sheets.toLocaleString()} sheets were generated by an earlier run`);
  for (let a = from; a < sheets; a += CHUNK_SHEETS) {
    const b = Math.min(sheets, a + CHUNK_SHEETS);
    const tc = performance.now();
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, product_code, rows, cols, cell_area_cm2, started_at, temperature_c,
         frequencies, frequency_count, cell_count, status, cells_binned, rule_set_version, md_start_mm, layout, received_at, completed_at, disposition, disposed_at)
       SELECT gen_random_uuid(), 'SCALE-' || lpad(s::text, 7, '0'), repeat('0', 64), $1, 'S-SCALE-' || lpad(s::text, 7, '0'),
              'R-SCALE-' || lpad((s / ${SHEETS_PER_ROLL})::text, 5, '0'), 'TFB-0505', 50, 50, 0.25, at, 25, $2, $3, 2500, 'DONE', 2500, 1,
              (s % ${SHEETS_PER_ROLL}) * 300, $4, at, at, 'TRACKED_OUT', at
         FROM generate_series($5::int, $6::int - 1) s, LATERAL (SELECT to_timestamp(($7::float8 + s * $8::float8) / 1000) AS at) x`,
      [sample.rig_id, sample.frequencies, sample.frequency_count, JSON.stringify(sample.layout), a, b, plan.startMs, yearMs / sheets],
    );
    const these = `SELECT id, sheet_barcode, roll_barcode, received_at, md_start_mm FROM test_data.sheet_tests
                    WHERE test_id >= 'SCALE-' || lpad(${a}::text, 7, '0') AND test_id < 'SCALE-' || lpad(${b}::text, 7, '0')`;
    await db.query(
      `INSERT INTO test_data.sheet_test_cells (sheet_test_id, received_at, row, col, status, ocv_v, spectrum)
       SELECT t.id, t.received_at, r, c, 'OK', 3.9 + random() * 0.05, $1 FROM (${these}) t, generate_series(0, 49) r, generate_series(0, 49) c`,
      [sample.spectrum],
    );
    await db.query(
      `INSERT INTO test_data.cell_features (sheet_test_id, received_at, row, col, status, ocv_v, features)
       SELECT t.id, t.received_at, r, c, 'OK', 3.9, $1 FROM (${these}) t, generate_series(0, 49) r, generate_series(0, 49) c`,
      [sample.features],
    );
    await db.query(
      `INSERT INTO test_data.cell_results (sheet_test_id, received_at, row, col, rule_set_version, sheet_barcode, ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2,
                                           soft_bin, hard_bin, bin_name, rule_id, rule_set_name, md_mm, cd_mm)
       SELECT t.id, t.received_at, r, c, 1, t.sheet_barcode, 3.9 + random() * 0.05, 1 + random(), 20 + random() * 5, 5 + random(),
              bin, CASE WHEN bin < 10 THEN 1 ELSE 2 END, CASE WHEN bin < 10 THEN 'PASS_' || bin ELSE 'FAIL_ASR' END, 'grade', 'as-made-ocv-eis',
              t.md_start_mm + 15.25 + r * 5.5, 15.25 + c * 5.5
         FROM (${these}) t, generate_series(0, 49) r, generate_series(0, 49) c,
              LATERAL (SELECT CASE WHEN random() < 0.05 THEN 14 ELSE 1 + (r + c) % 3 END AS bin) x`,
    );
    await db.query(
      `INSERT INTO test_data.current_cell_results (sheet_barcode, row, col, roll_barcode, sheet_test_id, rule_set_version, tests, first_soft_bin,
                                                  ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, md_mm, cd_mm)
       SELECT r.sheet_barcode, r.row, r.col, t.roll_barcode, r.sheet_test_id, 1, 1, r.soft_bin, r.ocv_v, r.r_ohmic_ohm, r.r_ct_ohm, r.asr_ohm_cm2,
              r.soft_bin, r.hard_bin, r.bin_name, r.md_mm, r.cd_mm
         FROM (${these}) t JOIN test_data.cell_results r ON r.sheet_test_id = t.id AND r.received_at = t.received_at`,
    );
    await db.query(
      `INSERT INTO test_data.sheet_yields (sheet_barcode, roll_barcode, cells_tested, first_pass, final_pass)
       SELECT sheet_barcode, min(roll_barcode), count(*), count(*) FILTER (WHERE first_soft_bin BETWEEN 1 AND 9), count(*) FILTER (WHERE soft_bin BETWEEN 1 AND 9)
         FROM test_data.current_cell_results WHERE sheet_barcode IN (SELECT sheet_barcode FROM (${these}) t) GROUP BY sheet_barcode`,
    );
    await db.query(
      `INSERT INTO test_data.sheet_bin_counts (sheet_barcode, soft_bin, hard_bin, bin_name, roll_barcode, cells)
       SELECT sheet_barcode, soft_bin, hard_bin, bin_name, min(roll_barcode), count(*)
         FROM test_data.current_cell_results WHERE sheet_barcode IN (SELECT sheet_barcode FROM (${these}) t) GROUP BY sheet_barcode, soft_bin, hard_bin, bin_name`,
    );
    await db.query(`UPDATE bench.scale_plan SET done = $1`, [b]);
    await db.query('COMMIT');
    const chunkS = (performance.now() - tc) / 1000;
    const rate = ((b - from) * CELLS_PER_SHEET) / ((performance.now() - t0) / 1000);
    console.log(
      `  generated ${b.toLocaleString()} of ${sheets.toLocaleString()} sheets: ${(((b - a) * CELLS_PER_SHEET) / chunkS / 1000).toFixed(0)} k cells/s this chunk, ${(rate / 1000).toFixed(0)} k on average, about ${(((sheets - b) * CELLS_PER_SHEET) / rate / 60).toFixed(0)} min to go`,
    );
  }
  if (!plan.analyzed) {
    console.log('  VACUUM ANALYZE');
    await db.query('VACUUM ANALYZE');
    await db.query(`UPDATE bench.scale_plan SET analyzed = true`);
  }
}

async function bytesPerCell(
  db: Client,
): Promise<{ perCell: number; perCellCore: number; tilesPerCell: number; totalBytes: number; byTable: Record<string, number> }> {
  const total = (
    await db.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'test_data' AND c.relkind = 'r'`,
    )
  ).rows[0].bytes as number;
  const core = (
    await db.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'test_data' AND c.relkind = 'r'
          AND (c.relname ~ '^(sheet_test_cells|cell_features|cell_results)_p' OR c.relname = 'current_cell_results')`,
    )
  ).rows[0].bytes as number;
  const cells = Number((await db.query(`SELECT count(*)::float8 AS n FROM test_data.current_cell_results`)).rows[0].n);
  const demo = (
    await db.query(
      `SELECT (SELECT pg_total_relation_size('test_data.sheet_map_tiles') + pg_total_relation_size('test_data.roll_map_rows'))::float8 AS bytes,
              (SELECT count(*) FROM test_data.current_cell_results WHERE roll_barcode = 'R0001')::float8 AS cells`,
    )
  ).rows[0] as { bytes: number; cells: number };
  const tilesPerCell = demo.cells ? demo.bytes / demo.cells : 0;
  const byTable: Record<string, number> = {};
  for (const table of ['sheet_test_cells', 'cell_features', 'cell_results']) {
    const r = await db.query(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'test_data' AND c.relkind = 'r' AND c.relname ~ $1`,
      [`^${table}_p`],
    );
    byTable[table] = Number(r.rows[0].bytes) / cells;
  }
  byTable.current_cell_results =
    Number((await db.query(`SELECT pg_total_relation_size('test_data.current_cell_results')::float8 AS b`)).rows[0].b) / cells;
  return { perCell: total / cells + tilesPerCell, perCellCore: core / cells, tilesPerCell, totalBytes: total, byTable };
}
