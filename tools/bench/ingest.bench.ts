/**
 * Sheet-test ingest benchmarks (issue: sheet-test ingest): accepting a 2,500-cell, 50-point sheet
 * through the gateway against a raw binary COPY of the same rows, post-to-DONE time with the default
 * worker, sheetMap latency, and rollMap over a roll of 600 sheets (roll-map.bench.ts). Runs the MES as separate processes, as npm start does.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ARROW_STREAM_MEDIA_TYPE, copyRowsBinary, encodeSheetCells, encodeSheetTestArrow, type SheetTestBody } from '@mes/sheet-test';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { startMesProcesses } from '../../tests/support/mes-processes';
import { report, summarize } from './bench-util';
import { benchRollMap } from './roll-map.bench';

const FIFTY_POINTS = { fMaxHz: 1e6, fMinHz: 1, pointsPerDecade: 49 / 6 }; // 1 MHz to 1 Hz in 50 points

export async function benchIngest(): Promise<Record<string, number>> {
  // A known signing secret, so the roll map bench can also ask a test-data subgraph of its own directly.
  const jwtSecret = randomBytes(32).toString('hex');
  const mes = await startMesProcesses('bench_ingest', { MES_JWT_SECRET: jwtSecret });
  const db = new Client({ connectionString: mes.db.url });
  await db.connect();
  try {
    const { registerRig } = await mes.admin.ok('mutation { registerRig(name: "BENCH RIG", stationCode: "TST-1") { apiKey } }');
    const key = registerRig.apiKey as string;
    const sim = simulateSheet({ seed: 3, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25, frequencies: FIFTY_POINTS });
    if (sim.frequenciesHz.length !== 50) throw new Error(`expected 50 frequencies, got ${sim.frequenciesHz.length}`);
    const bodyFor = (sheet: string, testId: string) =>
      toSheetTestBody(sim, { testId, sheet, startedAt: '2026-11-22T10:00:00Z' }) as SheetTestBody;
    const post = async (body: SheetTestBody, form: 'json' | 'arrow' = 'json') => {
      const payload = form === 'json' ? JSON.stringify(body) : encodeSheetTestArrow(body);
      const t0 = performance.now();
      const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
        method: 'POST',
        headers: { 'content-type': form === 'json' ? 'application/json' : ARROW_STREAM_MEDIA_TYPE, 'x-api-key': key },
        body: payload,
      });
      const answer = (await res.json()) as { sheetTestId: string };
      if (res.status !== 202) throw new Error(`post answered ${res.status}: ${JSON.stringify(answer)}`);
      const steps = (res.headers.get('server-timing') ?? '').split(', ').map((e) => e.split(';dur='));
      return { ms: performance.now() - t0, id: answer.sheetTestId, steps: steps.map(([name, ms]) => [name, Number(ms)] as const) };
    };
    const waitDone = async (id: string) => {
      for (;;) {
        const st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${id}`, { headers: { 'x-api-key': key } })).json()) as {
          status: string;
        };
        if (st.status === 'DONE' || st.status === 'FAILED') return st.status;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // (b) post-to-DONE on an idle line, default worker count.
    const doneMs: number[] = [];
    for (const i of [1, 2, 3]) {
      const t0 = performance.now();
      const { id } = await post(bodyFor(`S-R0001-${String(i).padStart(4, '0')}`, `BENCH-DONE-${i}`));
      await waitDone(id);
      doneMs.push(performance.now() - t0);
    }

    // (a) accepting sheets: p50 of the POST (validation, sheet check, one transaction with COPY).
    // Measured with the binning worker stopped (the ingest alone, as the raw COPY it is compared with
    // runs alone), and again while the worker fits the posted sheets on both cores.
    await mes.stopApp('binning-worker');
    const accept: number[] = [];
    // The same test as JSON and as an Arrow stream (float32 spectra, as stored), taking turns, five
    // sheets each (the demo roll has 20 sheets waiting at the test).
    const acceptArrow: number[] = [];
    const steps: Record<'json' | 'arrow', Map<string, number[]>> = { json: new Map(), arrow: new Map() };
    const keep = (form: 'json' | 'arrow', r: Awaited<ReturnType<typeof post>>) => {
      for (const [name, ms] of r.steps) steps[form].set(name, [...(steps[form].get(name) ?? []), ms]);
      return r.ms;
    };
    for (let i = 4; i <= 8; i++) {
      accept.push(keep('json', await post(bodyFor(`S-R0001-${String(i).padStart(4, '0')}`, `BENCH-ACCEPT-${i}`))));
      acceptArrow.push(keep('arrow', await post(bodyFor(`S-R0001-${String(i + 5).padStart(4, '0')}`, `BENCH-ARROW-${i + 5}`), 'arrow')));
    }
    mes.startApp('binning-worker');
    await new Promise((r) => setTimeout(r, 3000));
    const acceptBusy: number[] = [];
    for (let i = 14; i <= 20; i++) acceptBusy.push((await post(bodyFor(`S-R0001-${String(i).padStart(4, '0')}`, `BENCH-ACCEPT-${i}`))).ms);
    // The raw COPY of the same rows, as the floor: into a temporary table (no WAL, no index), and into
    // a logged table with the same primary key as sheet_test_cells (what a durable store has to do).
    await db.query('CREATE TEMP TABLE raw_cells (sheet_test_id uuid, row int2, col int2, status text, ocv_v float8, spectrum bytea)');
    await db.query(
      'CREATE TABLE bench_logged_cells (sheet_test_id uuid, row int2, col int2, status text, ocv_v float8, spectrum bytea, PRIMARY KEY (sheet_test_id, row, col))',
    );
    const encoded = encodeSheetCells(bodyFor('S-X', 'raw'));
    const timeCopy = async (table: string) => {
      const samples: number[] = [];
      for (let i = 0; i < 12; i++) {
        const rows = copyRowsBinary(encoded, [{ type: 'uuid', value: `00000000-0000-0000-0000-${String(i + 1).padStart(12, '0')}` }]);
        const t0 = performance.now();
        await db.query('BEGIN');
        await new Promise<void>((resolve, reject) => {
          const s = db.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`));
          s.on('finish', () => resolve());
          s.on('error', reject);
          s.end(rows);
        });
        await db.query('COMMIT');
        samples.push(performance.now() - t0);
      }
      return samples;
    };
    const copyMs = await timeCopy('raw_cells');
    const loggedMs = await timeCopy('bench_logged_cells');
    const a = summarize(accept);
    const c = summarize(copyMs);
    console.log('\nAccepting a sheet test of 2,500 cells x 50 points through the gateway');
    const sample = bodyFor('S-X', 'size');
    const jsonText = JSON.stringify(sample);
    const arrowBytes = encodeSheetTestArrow(sample);
    const parseMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      JSON.parse(jsonText);
      parseMs.push(performance.now() - t0);
    }
    const parse = summarize(parseMs);
    report('JSON body size', jsonText.length / 1e6, 'MB');
    report('Arrow body size (float32 spectra)', arrowBytes.length / 1e6, 'MB');
    report('POST p50 (validate, check sheet, store, enqueue), worker stopped', a.p50, 'ms');
    report('POST p50 while the worker bins on both cores', summarize(acceptBusy).p50, 'ms');
    report('accepted cells per second (p50)', 2500 / (a.p50 / 1000), 'cells/s');
    report('raw binary COPY of the same rows, p50', c.p50, 'ms');
    report('JSON.parse of the body alone, p50', parse.p50, 'ms');
    report('JSON POST / (JSON.parse + raw COPY), the floor', a.p50 / (parse.p50 + c.p50), 'x', { value: 1.5, better: 'lower' });
    const arrow = summarize(acceptArrow);
    report('Arrow POST p50, worker stopped', arrow.p50, 'ms');
    report('Arrow ingest rate / raw COPY rate', c.p50 / arrow.p50, 'x', { value: 0.5, better: 'higher' });
    report('JSON ingest rate / raw COPY rate', c.p50 / a.p50, 'x');
    // Inside test-data, from its Server-Timing header: where an accepted post's time goes.
    for (const form of ['json', 'arrow'] as const) {
      const parts = [...steps[form]].map(([name, ms]) => `${name} ${summarize(ms).p50.toFixed(1)}`);
      const inside = [...steps[form].values()].reduce((sum, ms) => sum + summarize(ms).p50, 0);
      console.log(`  ${form} inside test-data, p50 ms: ${parts.join(', ')} (sum ${inside.toFixed(1)})`);
    }
    const logged = summarize(loggedMs);
    report('binary COPY into a logged table with the same key, p50', logged.p50, 'ms');
    report('ingest rate / that COPY rate', logged.p50 / a.p50, 'x', { value: 0.5, better: 'higher' });
    const d = summarize(doneMs);
    report('post-to-DONE of one sheet, default worker, p50 of 3', d.p50, 'ms', { value: 1000, better: 'lower' });

    // (d) sheetMap p50 through the gateway, once the worker has binned the sheets posted meanwhile;
    // its CPU time over that backlog (prom-client's counter, all its threads) gives sheets per hour
    // per worker core, the figure docs/scale.md sizes a line's and a plant's workers with.
    const doneSheets = async () =>
      Number((await db.query(`SELECT count(*) AS n FROM test_data.sheet_tests WHERE status = 'DONE'`)).rows[0].n);
    const [cpu0, done0] = [await workerCpuSeconds(mes.appUrls['binning-worker']), await doneSheets()];
    for (const id of (await db.query(`SELECT id FROM test_data.sheet_tests WHERE status <> 'DONE'`)).rows) await waitDone(String(id.id));
    const [cpu1, done1] = [await workerCpuSeconds(mes.appUrls['binning-worker']), await doneSheets()];
    if (done1 > done0) {
      const perSheet = (cpu1 - cpu0) / (done1 - done0);
      report(`binning worker CPU per sheet (user + system, ${done1 - done0} sheets of a backlog)`, perSheet, 's');
      report('sheets per hour per worker core', 3600 / perSheet, 'sheets/h');
    }
    const mapMs: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await mes.admin.ok('{ sheetMap(sheet: "S-R0001-0004", metric: ASR_OHM_CM2) { values } }');
      mapMs.push(performance.now() - t0);
    }
    report('sheetMap of 2,500 cells via gateway, p50', summarize(mapMs).p50, 'ms', { value: 20, better: 'lower' });
    // (c) rollMap over a roll of 600 sheets against the plain SQL aggregate.
    const roll = await benchRollMap(mes, db, jwtSecret);
    return { acceptP50Ms: a.p50, copyP50Ms: c.p50, doneP50Ms: d.p50, sheetMapP50Ms: summarize(mapMs).p50, ...roll };
  } finally {
    await db.end();
    await mes.close();
  }
}

/** A process's CPU seconds so far (user + system, every thread), from its Prometheus metrics. */
async function workerCpuSeconds(appUrl: string): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`)).text();
  const m = /^mes_process_cpu_seconds_total(?:\{[^}]*\})?\s+([\d.e+-]+)$/m.exec(text); // {app="..."}
  if (!m) throw new Error(`${appUrl}/metrics has no mes_process_cpu_seconds_total`);
  return Number(m[1]);
}

if (require.main === module) {
  benchIngest().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
