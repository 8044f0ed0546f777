/**
 * Benchmarks of the web UI, measured in headless Chromium against the whole MES (every app its own
 * process): the sheet page interactive (cold load to the heat map drawn and answering the pointer),
 * the hover answer (pointer event to the read-out committed), a roll map of about 66,000 bins drawn
 * (1,200 sheets x 55 CD bins at the default steps), and the JavaScript the first page ships (gzip).
 * The sheet is a real simulated test binned by the worker; the 1,200-sheet roll is generated in
 * PostgreSQL (binning that many sheets would take an hour) and its map tiles built with the
 * worker's own code, as the roll-map bench does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, Pool } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { SheetTestStore } from '@mes/test-data-store';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import { launchChromium } from '../../tests/support/browser';
import { startMesProcesses, type MesProcesses } from '../../tests/support/mes-processes';
import { ensureWebBuilt, WEB_DIST } from '../dev/web-build';
import { report, summarize } from './bench-util';

const ROLL = 'R-BENCH-WEB';
const SHEETS = 1200;
const LAYOUT = {
  rows: 50,
  cols: 50,
  cellMdMm: 5,
  cellCdMm: 5,
  pitchMdMm: 5.5,
  pitchCdMm: 5.5,
  firstCellMdMm: 15.25,
  firstCellCdMm: 15.25,
  sheetLengthMdMm: 300,
};

type Perf = Record<string, number[] | undefined>;

/** The JavaScript (and CSS) index.html loads before the first page shows, gzip-compressed. */
export function firstPageBytes(): { js: number; jsGzip: number; cssGzip: number; allJsGzip: number; files: string[] } {
  const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const size = (f: string) => readFileSync(path.join(WEB_DIST, f));
  const js = refs.filter((f) => f.endsWith('.js'));
  const all = require('node:fs')
    .readdirSync(path.join(WEB_DIST, 'assets'))
    .filter((f: string) => f.endsWith('.js'))
    .map((f: string) => `assets/${f}`);
  return {
    js: js.reduce((s, f) => s + size(f).length, 0),
    jsGzip: js.reduce((s, f) => s + gzipSync(size(f)).length, 0),
    cssGzip: refs.filter((f) => f.endsWith('.css')).reduce((s, f) => s + gzipSync(size(f)).length, 0),
    allJsGzip: all.reduce((s: number, f: string) => s + gzipSync(size(f)).length, 0),
    files: js,
  };
}

async function generateRoll(mes: MesProcesses, db: Client): Promise<number> {
  await mes.admin.ok(
    `mutation { registerRoll(input: { barcode: "${ROLL}", productCode: "TFB-0505", widthMm: 300, lengthM: ${(SHEETS * 300) / 1000 + 1} }) { barcode } }`,
  );
  const t0 = performance.now();
  const rig = (await db.query(`SELECT id FROM test_data.rigs LIMIT 1`)).rows[0].id as string;
  await db.query(
    `INSERT INTO test_data.sheet_tests (id, test_id, content_hash, rig_id, sheet_barcode, roll_barcode, rows, cols, cell_area_cm2, started_at, temperature_c,
       frequency_count, cell_count, status, rule_set_version, md_start_mm, layout, completed_at)
     SELECT gen_random_uuid(), 'BENCH-WEB-' || s, repeat('0', 64), $1, 'S-BENCH-WEB-' || s, $2, 50, 50, 0.25, now(), 25, 0, 2500, 'DONE', 1, s * 300, $3, now()
       FROM generate_series(0, $4 - 1) s`,
    [rig, ROLL, JSON.stringify(LAYOUT), SHEETS],
  );
  // A slow drift along the roll, a thin edge band across it and scattered shorts: a map with structure.
  await db.query(
    `INSERT INTO test_data.current_cell_results (sheet_barcode, row, col, roll_barcode, sheet_test_id, rule_set_version, tests, first_soft_bin,
                                                ocv_v, r_ohmic_ohm, r_ct_ohm, asr_ohm_cm2, soft_bin, hard_bin, bin_name, md_mm, cd_mm)
     SELECT t.sheet_barcode, r, c, t.roll_barcode, t.id, 1, 1, x.b, 3.9 + 0.02 * sin(t.md_start_mm / 9000.0) - CASE WHEN c < 2 THEN 0.03 ELSE 0 END + random() * 0.005,
            1 + random(), 20 + random() * 5, 5 + random(), x.b, CASE WHEN x.b < 10 THEN 1 ELSE 2 END, 'B' || x.b, t.md_start_mm + 15.25 + r * 5.5, 15.25 + c * 5.5
       FROM test_data.sheet_tests t, generate_series(0, 49) r, generate_series(0, 49) c,
            LATERAL (SELECT CASE WHEN random() < 0.02 THEN 10 WHEN c < 2 THEN 2 ELSE 1 END AS b) x
      WHERE t.roll_barcode = $1`,
    [ROLL],
  );
  const pool = new Pool({ connectionString: mes.db.url, max: 2 });
  const store = new SheetTestStore(pool);
  try {
    for (let s = 0; s < SHEETS; s++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await store.refreshMapTiles(client, `S-BENCH-WEB-${s}`, ROLL);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
  } finally {
    await pool.end();
  }
  await db.query('ANALYZE test_data.current_cell_results');
  return performance.now() - t0;
}

async function signedInPage(browser: Browser, mes: MesProcesses, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  await context.addInitScript(
    (t) => (globalThis as any).sessionStorage.setItem('mes.session', JSON.stringify({ token: t, username: 'admin', role: 'ADMIN' })),
    token,
  );
  return context.newPage();
}

const perf = (page: Page) => page.evaluate(() => (globalThis as unknown as { __mesPerf?: Perf }).__mesPerf ?? {});
async function waitPerf(page: Page, key: string, count = 1): Promise<number[]> {
  await page.waitForFunction(
    ([k, n]) => (((globalThis as unknown as { __mesPerf?: Perf }).__mesPerf ?? {})[k as string]?.length ?? 0) >= (n as number),
    [key, count],
    { timeout: 60_000 },
  );
  return (await perf(page))[key] ?? [];
}

export async function benchWeb(): Promise<void> {
  await ensureWebBuilt();
  // Browser figures move with the machine's load (a shared 2-core machine is often far above 2).
  const load = () =>
    require('node:os')
      .loadavg()
      .map((l: number) => l.toFixed(1))
      .join(' / ');
  console.log(`load average at start (1/5/15 min): ${load()}`);
  const bytes = firstPageBytes();
  report(`JavaScript for the first page (gzip; ${bytes.files.length} file)`, bytes.jsGzip / 1024, 'kB');
  report('  same, uncompressed', bytes.js / 1024, 'kB');
  report('  CSS for the first page (gzip)', bytes.cssGzip / 1024, 'kB');
  report('  every page and the barcode library, loaded on demand (gzip)', bytes.allJsGzip / 1024, 'kB');

  const mes = await startMesProcesses('bench_web');
  const db = new Client({ connectionString: mes.db.url });
  await db.connect();
  let browser: Browser | undefined;
  try {
    const key = (await mes.admin.ok('mutation { registerRig(name: "RIG BENCH", stationCode: "TST-1") { apiKey } }')).registerRig
      .apiKey as string;
    const sim = simulateSheet({ seed: 1, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const posted = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RIG-BENCH-1', sheet: 'S-R0001-0001', startedAt: '2026-11-30T10:00:00Z' })),
    });
    const { sheetTestId } = (await posted.json()) as { sheetTestId: string };
    for (let i = 0; i < 1200; i++) {
      const st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': key } })).json()) as {
        status: string;
      };
      if (st.status === 'DONE') break;
      if (st.status === 'FAILED') throw new Error('the bench sheet test failed to bin');
      await new Promise((r) => setTimeout(r, 250));
    }
    const generateMs = await generateRoll(mes, db);
    report(`  (generated the ${SHEETS}-sheet roll and its map tiles in)`, generateMs / 1000, 's');
    browser = await launchChromium();
    const token = (
      await mes.admin.ok('mutation($p: String!) { login(username: "admin", password: $p) { token } }', { p: TEST_ADMIN_PASSWORD })
    ).login.token as string;

    // Sheet page interactive: a cold page (new browser context, nothing cached), navigation start
    // to the heat map drawn with its handlers attached.
    const interactive: number[] = [];
    let hoverPage: Page | undefined;
    for (let i = 0; i < 6; i++) {
      const page = await signedInPage(browser, mes, token);
      await page.goto(`${mes.gatewayUrl}/#/sheet/S-R0001-0001`);
      interactive.push((await waitPerf(page, 'sheetInteractiveMs'))[0]);
      if (i === 5) hoverPage = page;
      else await page.context().close();
    }
    const s = summarize(interactive.slice(1)); // the first load also warms the services' caches
    report('Sheet page interactive, cold load (p50)', s.p50, 'ms', { value: 1000, better: 'lower' });
    report('  p95 / first load after start', s.p95, 'ms');
    report('  first load after start', interactive[0], 'ms');

    // Hover answer: pointer event to the read-out committed, over 120 different cells.
    const page = hoverPage as Page;
    const box = (await page.getByTestId('sheet-canvas').boundingBox())!;
    for (let i = 0; i < 120; i++) {
      const [r, c] = [(i * 7) % 50, (i * 13) % 50];
      await page.mouse.move(box.x + r * 12 + 6, box.y + (49 - c) * 12 + 6);
    }
    const hover = summarize(await waitPerf(page, 'hoverMs', 100));
    report(`Hover answer (p50 of ${hover.n})`, hover.p50, 'ms', { value: 16, better: 'lower' });
    report('  p95', hover.p95, 'ms', { value: 16, better: 'lower' });
    await page.context().close();

    // Roll map: ~66,000 bins drawn (colour every bin, scale to the canvas), soft bins and OCV.
    const drawBins: number[] = [];
    const drawOcv: number[] = [];
    const shown: number[] = [];
    let bins = '';
    for (let i = 0; i < 5; i++) {
      const p = await signedInPage(browser, mes, token);
      await p.goto(`${mes.gatewayUrl}/#/roll/${ROLL}`);
      drawBins.push((await waitPerf(p, 'rollDrawMs'))[0]);
      shown.push((await waitPerf(p, 'rollShownMs'))[0]);
      bins = (await p.locator('.toolbar .muted').first().textContent()) ?? '';
      await p.getByLabel('Metric').selectOption('OCV_V');
      drawOcv.push((await waitPerf(p, 'rollDrawMs', 2))[1]);
      await p.context().close();
    }
    report(`Roll map drawn, ${bins} (soft bins, p50)`, summarize(drawBins).p50, 'ms', { value: 200, better: 'lower' });
    report('Roll map drawn, OCV colour scale (p50)', summarize(drawOcv).p50, 'ms', { value: 200, better: 'lower' });
    report('  roll page cold load to map drawn (p50, includes the query)', summarize(shown.slice(1)).p50, 'ms');
    console.log(`load average at the end (1/5/15 min): ${load()}`);
  } finally {
    await browser?.close();
    await db.end();
    await mes.close();
  }
}
