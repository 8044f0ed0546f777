import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import { LineDriver, simulateSheet, toSheetTestBody, type LineRunResult, type PatternSpec } from '@mes/simulator';
import { colourOf } from '@mes/web';
import { ensureWebBuilt } from '../../tools/dev/web-build';
import { launchChromium, newPage, scanLikeAScanner, screenshot, seriousA11yViolations, signIn } from '../support/browser';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The engineer's analytics pages in headless Chromium against the whole MES: a control chart with
 * frozen limits and the events of a roll whose LiPON drifts, the patterns drawn on the maps, the
 * stacked map, the correlation with the process data, yield with intervals and a test, and a stack
 * built from a singulated sheet. Screenshots go to .data/screenshots (20-...).
 */
describe('analytics pages in a real browser', () => {
  let mes: MesProcesses;
  let browser: Browser;
  let drifted: LineRunResult['rolls'][number];
  let chartId: string;
  let baselineSheets: string[];
  const PASSWORD = 'password-123';
  const SHEETS = 8;
  const STACK_SHEET = 'S-R0001-0001';

  const until = async <T>(what: () => Promise<T>, done: (v: T) => boolean, seconds = 120): Promise<T> => {
    let v = await what();
    for (let i = 0; i < seconds * 4 && !done(v); i++) {
      await new Promise((r) => setTimeout(r, 250));
      v = await what();
    }
    if (!done(v)) throw new Error(`still not there after ${seconds} s: ${JSON.stringify(v).slice(0, 300)}`);
    return v;
  };
  const drive = (prefix: string, seed: number, patterns: PatternSpec[]): Promise<LineRunResult> =>
    new LineDriver({
      url: mes.gatewayUrl,
      username: 'admin',
      password: TEST_ADMIN_PASSWORD,
      rolls: 1,
      sheets: SHEETS,
      seed,
      rollPrefix: prefix,
      concurrency: 1,
      gzip: true,
      patterns,
    }).run();

  /** A binned sheet singulated whole and one stack of grade-1 cells built from it, tested with its layers' parallel spectrum. */
  const buildStack = async () => {
    const admin = mes.admin;
    const key = (await admin.ok('mutation { registerRig(name: "RIG STK", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
    // No probe-contact opens: every cell has a result after one test, so the sheet may be singulated.
    const sim = simulateSheet({ seed: 23, sheetIndex: 1, rows: 50, cols: 50, cellActiveAreaCm2: 0.25, defects: { contactOpenRate: 0 } });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RIG-STK-1', sheet: STACK_SHEET, startedAt: '2026-11-30T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { sheetTestId: string }).sheetTestId;
    await until(
      async () =>
        (
          (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${id}`, { headers: { 'x-api-key': key } })).json()) as {
            status: string;
          }
        ).status,
      (s) => s === 'DONE',
    );
    const picks = (await admin.ok(`{ pickMap(sheet: "${STACK_SHEET}") { entries { row col } } }`)).pickMap.entries as {
      row: number;
      col: number;
    }[];
    await admin.ok(`mutation { scan(input: { barcode: "${STACK_SHEET}", stationCode: "SNG-1", action: TRACK_IN }) { stepState } }`);
    await admin.ok('mutation($i: SingulationReportInput!) { reportSingulation(input: $i) { picked } }', {
      i: { sheet: STACK_SHEET, stationCode: 'SNG-1', strategy: 'GRADED', picked: picks, broken: [] },
    });
    const layers: string[] = (await admin.ok('{ stackProposal(productCode: "MLB-1200", grade: 1) { stacks } }')).stackProposal.stacks[0];
    await admin.ok(
      'mutation { startStack(input: { barcode: "STK-0001", productCode: "MLB-1200", workOrder: "WO-0001", stationCode: "STACK-1" }) { status } }',
    );
    for (const c of layers)
      await admin.ok('mutation($c: String!) { addStackLayer(input: { stackBarcode: "STK-0001", cellCode: $c }) { status } }', { c });
    // Along the stack's own route to its final test.
    for (const station of ['FRM-1', 'STT-1'])
      await admin.ok('mutation($i: ScanStackInput!) { scanStack(input: $i) { step } }', {
        i: { stackBarcode: 'STK-0001', stationCode: station },
      });
    // The stack measures its layers in parallel: Z = 1 / Σ (1 / Z_i).
    const cells = layers.map((code) => {
      const [, r, c] = /-R(\d+)C(\d+)$/.exec(code)!;
      return sim.cells.find((x) => x.row === Number(r) && x.col === Number(c)) as unknown as {
        ocvV: number;
        zReOhm: number[];
        zImOhm: number[];
      };
    });
    const zReOhm: number[] = [];
    const zImOhm: number[] = [];
    sim.frequenciesHz.forEach((_, k) => {
      let yr = 0;
      let yi = 0;
      for (const c of cells) {
        const d = c.zReOhm[k] ** 2 + c.zImOhm[k] ** 2;
        yr += c.zReOhm[k] / d;
        yi -= c.zImOhm[k] / d;
      }
      const d = yr ** 2 + yi ** 2;
      zReOhm.push(yr / d);
      zImOhm.push(-yi / d);
    });
    const tested = await admin.ok('mutation($i: StackTestInput!) { postStackTest(input: $i) { bin } }', {
      i: {
        testId: 'STT-0001',
        stackBarcode: 'STK-0001',
        stationCode: 'STT-1',
        ocvV: cells.reduce((s, c) => s + c.ocvV, 0) / cells.length,
        frequenciesHz: sim.frequenciesHz,
        zReOhm,
        zImOhm,
      },
    });
    expect(tested.postStackTest.bin).toBe('PASS');
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    [mes, browser] = await Promise.all([useSharedMes(), launchChromium()]);
    const admin = mes.admin;
    for (const [username, role] of [
      ['erik', 'ENGINEER'],
      ['olga', 'OPERATOR'],
    ] as const)
      await admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: PASSWORD, role } });
    chartId = (
      await admin.ok(
        `mutation { createSpcChart(input: { productCode: "TFB-0505", name: "ASR sheet mean", metric: "ASR", statistic: "ZONE_MEAN", chartType: "I_MR",
           zones: 5, rules: ["NELSON_1", "NELSON_2", "NELSON_3", "WE_2"] }) { id } }`,
      )
    ).createSpcChart.id;
    // A baseline roll freezes the limits; a second roll's LiPON thickens along MD from halfway.
    const base = await drive('SPCA', 31, []);
    const baseSheets = base.rolls[0].sheets.map((s) => s.barcode);
    baselineSheets = baseSheets;
    await until(
      async () => (await admin.ok(`{ spcChart(id: "${chartId}") { points(last: 100) { seq } } }`)).spcChart.points.length,
      (n: number) => n >= SHEETS,
    );
    // The stack's sheet (another roll, at the base level) lands before the limits are frozen: after the drift its
    // step back down would be a moving range beyond the limits, and the hold would keep it from singulation.
    await buildStack();
    await until(
      async () => (await admin.ok(`{ spcChart(id: "${chartId}") { points(last: 100) { seq } } }`)).spcChart.points.length,
      (n: number) => n >= SHEETS + 1,
    );
    await admin.ok(
      `mutation($s: [String!]!, $sig: SignatureInput!) { freezeSpcLimits(input: { chartId: "${chartId}", baselineSheets: $s, reason: "roll SPCA, no known issue" }, signature: $sig) { version } }`,
      { s: baseSheets, sig: { password: TEST_ADMIN_PASSWORD, meaning: 'APPROVED' } },
    );
    const layout = base.rolls[0].sheets;
    const fromMdMm = layout[SHEETS / 2].mdStartMm;
    const toMdMm = layout[SHEETS - 1].mdEndMm;
    drifted = (await drive('SPCB', 32, [{ kind: 'MD_DRIFT', fromMdMm, toMdMm, relativeChange: 0.3 }])).rolls[0];
    // Thickness maps for the correlation: LiPON follows the drift, LCO is flat with noise.
    const md = Array.from({ length: 25 }, (_, i) => layout[0].mdStartMm + ((toMdMm - layout[0].mdStartMm) * i) / 24);
    const cd = [0, 75, 150, 225, 300];
    const lipon = md.flatMap((m) => cd.map(() => 1.5 * (1 + 0.3 * Math.min(1, Math.max(0, (m - fromMdMm) / (toMdMm - fromMdMm))))));
    const lco = md.flatMap((m, i) => cd.map((_, j) => 10 + 0.05 * Math.sin(i * 7.1 + j * 3.3)));
    for (const [layer, valuesUm] of [
      ['LIPON', lipon],
      ['LCO', lco],
    ] as const)
      await admin.ok('mutation($i: ThicknessMapInput!) { postThicknessMap(input: $i) { id } }', {
        i: { rollBarcode: drifted.barcode, layer, instrument: 'XRF-1', measuredAt: new Date().toISOString(), cdMm: cd, mdMm: md, valuesUm },
      });
    await until(
      async () => (await admin.ok(`{ spcEvents(chartId: "${chartId}") { holds { holdId } } }`)).spcEvents as { holds: unknown[] }[],
      (e) => e.length > 0 && e.every((x) => x.holds.length > 0),
    );
    await until(
      async () => (await admin.ok(`{ rollPatterns(roll: "${drifted.barcode}") { sheets } }`)).rollPatterns?.sheets ?? 0,
      (n: number) => n === SHEETS,
    );
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await mes?.close();
  });

  const expectAccessible = async (page: Page, what: string) => {
    expect({ page: what, violations: await seriousA11yViolations(page) }).toEqual({ page: what, violations: [] });
  };
  const engineerPage = async () => {
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'erik', PASSWORD);
    return page;
  };

  it('SPC page: the chart’s points and limits, the moving range chart under it, the rule-breaking points in red, events acknowledged with a comment, links to the held region', async () => {
    const api = (
      await mes.admin.ok(
        `{ spcChart(id: "${chartId}") { points(last: 300) { sheetBarcode dispersion dispersionUcl } events { id status atSheet rule panel points { sheet } holds { roll mdFromMm mdToMm } } } }`,
      )
    ).spcChart as {
      points: { sheetBarcode: string; dispersion: number | null; dispersionUcl: number | null }[];
      events: {
        id: string;
        status: string;
        atSheet: string;
        rule: string;
        panel: 'MAIN' | 'DISPERSION';
        points: { sheet: string }[];
        holds: { roll: string; mdFromMm: number; mdToMm: number }[];
      }[];
    };
    const redOn = (panel: 'MAIN' | 'DISPERSION') => {
      const sheets = new Set(api.events.filter((e) => e.panel === panel).flatMap((e) => e.points.map((p) => p.sheet)));
      return api.points.filter((p) => sheets.has(p.sheetBarcode)).length;
    };
    const page = await engineerPage();
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'SPC' }).click();
    await page.getByRole('button', { name: 'Show' }).click();
    const chart = page.getByTestId('control-chart');
    await chart.waitFor();
    // One mark per point; exactly the points named by an event on this chart are drawn as violations.
    expect(await chart.locator('circle').count()).toBe(api.points.length);
    expect(redOn('MAIN')).toBeGreaterThan(0);
    expect(await chart.locator('circle.violated').count()).toBe(redOn('MAIN'));
    expect(await chart.locator('path.limit-line').count()).toBe(2);
    expect(await chart.locator('line.centre-line').count()).toBe(1);
    // Under it the moving range chart: a mark per point but the first, its own limits and its own violations
    // (the drift's steps between sheets are moving ranges beyond D4 · MR̄).
    const mr = page.getByTestId('dispersion-chart');
    expect(await mr.getAttribute('aria-label')).toContain('moving range chart');
    expect(await mr.locator('circle').count()).toBe(api.points.filter((p) => p.dispersion !== null).length);
    expect(api.points[0].dispersion).toBeNull();
    expect(redOn('DISPERSION')).toBeGreaterThan(0);
    expect(await mr.locator('circle.violated').count()).toBe(redOn('DISPERSION'));
    expect(await mr.locator('path.limit-line').count()).toBe(2);
    expect(await mr.locator('line.centre-line').count()).toBe(1);
    // The MR chart sits under the main chart, as wide.
    const [mainBox, mrBox] = [(await chart.boundingBox())!, (await mr.boundingBox())!];
    expect(mrBox.y).toBeGreaterThan(mainBox.y + mainBox.height - 1);
    expect(mrBox.width).toBeCloseTo(mainBox.width, 0);
    const mrEvent = api.events.find((e) => e.panel === 'DISPERSION' && e.status === 'OPEN')!;
    expect(
      await page
        .getByTestId('spc-event')
        .filter({ hasText: `on the moving range chart at sheet ${mrEvent.atSheet}` })
        .count(),
    ).toBeGreaterThan(0);
    const events = page.getByTestId('spc-event');
    expect(await events.count()).toBe(api.events.filter((e) => e.status === 'OPEN').length);
    const first = api.events[0];
    expect(await events.first().textContent()).toContain(`${first.rule}`);
    expect(await events.first().textContent()).toContain(first.atSheet);
    await screenshot(page, '20-spc-chart-events');
    await expectAccessible(page, 'spc');

    // Acknowledge the newest event: it leaves the open list and the API has the comment.
    const open = events.first();
    await open.getByLabel('Comment').fill('LiPON target eroded; target changed');
    await open.getByRole('button', { name: 'Acknowledge' }).click();
    await until(
      () => events.count(),
      (n) => n === api.events.filter((e) => e.status === 'OPEN').length - 1,
      20,
    );
    const acked = (await mes.admin.ok(`{ spcEvents(chartId: "${chartId}") { id status acknowledgedBy comment } }`)).spcEvents.find(
      (e: { id: string }) => e.id === first.id,
    );
    expect(acked).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'erik', comment: 'LiPON target eroded; target changed' });

    // The held region's link (shown with the acknowledged events) opens the roll map with the region selected.
    const hold = first.holds[0];
    await page.getByLabel('show acknowledged events').check();
    await page.getByTestId('spc-event').first().getByText('Acknowledged by erik').waitFor();
    await events
      .first()
      .getByRole('link', { name: new RegExp(`^${hold.roll} MD`) })
      .first()
      .click();
    await page.getByTestId('roll-canvas').waitFor();
    await page.getByTestId('selection').waitFor();
    expect(Number(await page.getByLabel('MD from (mm)').inputValue())).toBe(Math.floor(hold.mdFromMm));
    expect(Number(await page.getByLabel('MD to (mm)').inputValue())).toBe(Math.ceil(hold.mdToMm));
    await screenshot(page, '21-spc-held-region-on-roll');
    await page.context().close();
  });

  it('SPC page: an engineer creates a chart, its points come from the sheets already binned, and limits are frozen from a chosen window', async () => {
    const page = await engineerPage();
    await page.goto(`${mes.gatewayUrl}/#/spc/TFB-0505`);
    await page.getByTestId('spc-chart').first().waitFor();
    await page.getByText('New control chart').click();
    const form = page.getByRole('form', { name: 'New control chart' });
    // A name already taken: the MES's refusal is shown, nothing is created.
    await form.getByLabel('Name').fill('ASR sheet mean');
    await form.getByRole('button', { name: 'Create chart' }).click();
    expect(await form.getByRole('alert').textContent()).toContain('Product TFB-0505 already has an SPC chart named ASR sheet mean');
    await form.getByLabel('Name').fill('Yield per sheet');
    await form.getByLabel('Statistic').selectOption('YIELD');
    await form.getByRole('button', { name: 'Create chart' }).click();
    await form.getByRole('status').waitFor();
    const section = page.getByTestId('spc-chart').filter({ has: page.getByRole('heading', { name: 'Yield per sheet' }) });
    // The backfill job adds the points of every sheet binned so far: the baseline roll's come first.
    const created = await until(
      async () =>
        (
          (await mes.admin.ok('{ spcCharts(productCode: "TFB-0505") { id name chartType points(last: 300) { sheetBarcode value } } }'))
            .spcCharts as { id: string; name: string; chartType: string; points: { sheetBarcode: string }[] }[]
        ).find((c) => c.name === 'Yield per sheet')!,
      (c) => c.points.length >= 2 * SHEETS,
    );
    expect(created.chartType).toBe('P');
    expect(created.points.slice(0, SHEETS).map((p) => p.sheetBarcode)).toEqual(baselineSheets);
    await page.reload();
    await section.getByLabel('Baseline from point').waitFor();
    await section.getByLabel('Baseline from point').fill('1');
    await section.getByLabel('to', { exact: true }).fill(String(SHEETS));
    expect(await section.getByTestId('baseline-window').textContent()).toBe(
      `${SHEETS} sheets, ${baselineSheets[0]} … ${baselineSheets[SHEETS - 1]}`,
    );
    // No reason, no freeze.
    expect(await section.getByRole('button', { name: 'Freeze limits v1' }).isDisabled()).toBe(true);
    await section.getByLabel('Reason').fill('roll SPCA, before the drift');
    await section.getByRole('button', { name: 'Freeze limits v1' }).click();
    // The freeze is signed: the dialog names what is signed; a wrong password is refused there and nothing is frozen.
    const dialog = page.getByRole('dialog', { name: 'Sign the limits v1 of Yield per sheet' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`From ${SHEETS} sheets, ${baselineSheets[0]} to ${baselineSheets[SHEETS - 1]}`);
    await dialog.getByRole('radio', { name: /Responsible/ }).check();
    await dialog.getByLabel('Your password (signs as the signed-in user)').fill('not-the-password');
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.getByRole('alert').waitFor();
    await screenshot(page, '20c-spc-freeze-signature-refused');
    expect((await mes.admin.ok(`{ spcChart(id: "${created.id}") { limitsVersion } }`)).spcChart.limitsVersion).toBe(0);
    await dialog.getByLabel('Your password (signs as the signed-in user)').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Sign' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await section.getByRole('status').textContent()).toMatch(/^Limits v1 frozen: centre /);
    const limits = (
      await mes.admin.ok(
        `{ spcChart(id: "${created.id}") { limitsVersion limits { version baselineSheets reason frozenBy signatureMeaning } } }`,
      )
    ).spcChart;
    expect(limits).toEqual({
      limitsVersion: 1,
      limits: [{ version: 1, baselineSheets, reason: 'roll SPCA, before the drift', frozenBy: 'erik', signatureMeaning: 'RESPONSIBLE' }],
    });
    await section.getByText('frozen by erik (signed responsible)').waitFor();
    await section.getByRole('button', { name: 'Freeze limits v2' }).waitFor();
    await screenshot(page, '20b-spc-new-chart-frozen');
    await expectAccessible(page, 'SPC with a new chart');
    await page.context().close();
  });

  it('patterns: the roll’s drift and a sheet’s classes listed with scores and drawn over the maps; links to every analysis', async () => {
    const roll = drifted.barcode;
    const api = (await mes.admin.ok(`{ rollPatterns(roll: "${roll}") { classes findings { kind score source } } }`)).rollPatterns as {
      classes: string[];
      findings: { kind: string; score: number; source: string }[];
    };
    expect(api.classes).toContain('MD_DRIFT');
    const page = await engineerPage();
    await page.goto(`${mes.gatewayUrl}/#/roll/${roll}`);
    const patterns = page.getByTestId('patterns');
    await patterns.waitFor();
    expect(await patterns.getByRole('heading').textContent()).toContain('MD drift');
    expect(await patterns.locator('tbody tr').count()).toBe(api.findings.length);
    expect(await patterns.locator('tbody tr').first().textContent()).toContain(api.findings[0].score.toFixed(1));
    // The chosen finding (the strongest first) is drawn over the roll map.
    await page.getByTestId('pattern-overlay').locator('rect').first().waitFor({ state: 'attached' });
    // Choosing the drift shows the map it was found on (the metric's, or the bins for a failure pattern).
    const drift = api.findings.find((f) => f.kind === 'MD_DRIFT')!;
    await patterns.getByRole('button', { name: 'MD drift' }).click();
    expect(await page.getByLabel('Metric').inputValue()).toBe(drift.source === 'FAIL' ? 'SOFT_BIN' : 'ASR_OHM_CM2');
    expect(await patterns.locator('tr[aria-current="true"]').textContent()).toContain('MD drift');
    const links = await page.getByRole('navigation', { name: 'Analyses of this roll' }).getByRole('link').allTextContents();
    expect(links).toEqual(['Yield', 'Stacked map', 'Correlation with process data', 'SPC of TFB-0505']);
    await screenshot(page, '22-roll-patterns');
    await expectAccessible(page, 'roll with patterns');

    // A sheet of the drifting half: its classes and findings, and the chosen one over its heat map.
    const sheet = drifted.sheets[SHEETS - 1].barcode;
    const sp = (await mes.admin.ok(`{ sheetPatterns(sheet: "${sheet}") { classes findings { kind } } }`)).sheetPatterns as {
      classes: string[];
      findings: { kind: string }[];
    };
    await page.goto(`${mes.gatewayUrl}/#/sheet/${sheet}`);
    await page.getByTestId('sheet-canvas').waitFor();
    await patterns.waitFor();
    expect(await patterns.locator('tbody tr').count()).toBe(sp.findings.length);
    if (sp.findings.length) await page.getByTestId('pattern-overlay').locator('rect').first().waitFor({ state: 'attached' });
    const sheetLinks = await page.getByRole('navigation', { name: 'Analyses of this sheet' }).getByRole('link').allTextContents();
    expect(sheetLinks).toEqual([`Stacked map of roll ${roll}`, `Correlation of roll ${roll}`, 'SPC of TFB-0505', 'Yield']);
    await screenshot(page, '23-sheet-patterns');
    await expectAccessible(page, 'sheet with patterns');
    await page.context().close();
  });

  it('exports: every export of the sheet and roll pages downloads as its file; a missing one says why', async () => {
    const page = await engineerPage();
    const roll = drifted.barcode;
    const sheet = drifted.sheets[SHEETS - 1].barcode;
    /** Clicks the export and returns the saved file's name and bytes. */
    const fetchExport = async (label: string): Promise<{ name: string; body: Buffer }> => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('exports').getByRole('button', { name: label, exact: true }).click(),
      ]);
      return { name: download.suggestedFilename(), body: readFileSync((await download.path())!) };
    };
    const stdfRecords = (b: Buffer): Set<string> => {
      // Every record: REC_LEN (U2, little-endian as CPU_TYPE 2 says), REC_TYP, REC_SUB.
      const seen = new Set<string>();
      for (let at = 0; at + 4 <= b.length; at += 4 + b.readUInt16LE(at)) seen.add(`${b[at + 2]}.${b[at + 3]}`);
      return seen;
    };
    const tested = async (scope: string): Promise<number> =>
      ((await mes.admin.ok(`{ binPareto(${scope}) { count } }`)).binPareto as { count: number }[]).reduce((a, b) => a + b.count, 0);
    const cells = await tested(`sheet: "${sheet}"`);

    await page.goto(`${mes.gatewayUrl}/#/sheet/${sheet}`);
    await page.getByTestId('sheet-canvas').waitFor();
    await page.getByTestId('exports').getByRole('button', { name: 'test.csv' }).waitFor();
    expect(await page.getByTestId('exports').getByRole('button').allTextContents()).toEqual([
      'results.csv',
      'results.stdf',
      'bins.csv',
      'e142.xml',
      'test.csv',
      'test.stdf',
      'pick-map.csv',
      'pick-result.csv',
    ]);
    const results = await fetchExport('results.csv');
    expect(results.name).toBe(`${sheet}-results.csv`);
    const lines = results.body.toString('utf8').trimEnd().split('\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['roll', 'sheet', 'row', 'col']);
    expect(lines.length - 1).toBe(cells);
    for (const label of ['results.stdf', 'test.stdf']) {
      const stdf = await fetchExport(label);
      // FAR first; a wafer (WIR, WRR), parts (PIR, PRR) and parametric results (PTR) inside.
      expect([stdf.body[2], stdf.body[3]]).toEqual([0, 10]);
      expect([...stdfRecords(stdf.body)]).toEqual(expect.arrayContaining(['2.10', '2.20', '5.10', '5.20', '15.10']));
    }
    expect((await fetchExport('bins.csv')).body.toString('utf8')).toMatch(/^soft_bin,hard_bin,bin_name,pass,cells,percent\n/);
    expect((await fetchExport('e142.xml')).body.toString('utf8')).toContain(`SubstrateId="${sheet}"`);
    // The newest test may be a retest of a few cells: its own rows, with the rig's status and the deciding rule.
    expect((await fetchExport('test.csv')).body.toString('utf8').split('\n')[0]).toMatch(/^roll,sheet,row,col,.*,status,.*,rule_id,/);
    // No picker has reported on this sheet: the page says so instead of saving an error as a file.
    await page.getByTestId('exports').getByRole('button', { name: 'pick-result.csv' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(`pick-result.csv: No pick result for sheet ${sheet}`);
    await screenshot(page, '29-sheet-exports');

    await page.goto(`${mes.gatewayUrl}/#/roll/${roll}`);
    await page.getByTestId('exports').waitFor();
    expect(await page.getByTestId('exports').getByRole('button').allTextContents()).toEqual(['cells.csv', 'cells.stdf', 'bins.csv']);
    const rollCells = await fetchExport('cells.csv');
    expect(rollCells.name).toBe(`${roll}-cells.csv`);
    expect(rollCells.body.toString('utf8').trimEnd().split('\n').length - 1).toBe(await tested(`roll: "${roll}"`));
    const lot = await fetchExport('cells.stdf');
    let wafers = 0;
    for (let at = 0; at + 4 <= lot.body.length; at += 4 + lot.body.readUInt16LE(at))
      if (lot.body[at + 2] === 2 && lot.body[at + 3] === 10) wafers++;
    expect(wafers).toBe(SHEETS);
    expect((await fetchExport('bins.csv')).name).toBe(`${roll}-bins.csv`);
    await page.context().close();
  });

  it('stacked map: failure rate and metric mean per position across the roll’s sheets, colours from the data', async () => {
    const roll = drifted.barcode;
    const api = (
      await mes.admin.ok(
        `{ stackedMap(roll: "${roll}", metric: "ASR") { rows cols sheetBarcodes positions { row col tested failRate } repeaters { row col } } }`,
      )
    ).stackedMap as {
      rows: number;
      cols: number;
      sheetBarcodes: string[];
      positions: { row: number; col: number; tested: number; failRate: number }[];
    };
    const page = await engineerPage();
    await page.goto(`${mes.gatewayUrl}/#/roll/${roll}`);
    await page.getByRole('link', { name: 'Stacked map' }).click();
    await expect(page.getByTestId('stacked-summary').textContent()).resolves.toMatch(
      new RegExp(`^${api.sheetBarcodes.length} sheets · ${api.rows} x ${api.cols} positions`),
    );
    const canvas = page.getByTestId('stacked-fail');
    await canvas.waitFor();
    const max = Math.max(0.01, ...api.positions.filter((p) => p.tested).map((p) => p.failRate));
    // Three positions: the worst, one in the middle, a corner; 9 px per position, col 0 at the bottom.
    const worst = api.positions.reduce((a, b) => (b.failRate > a.failRate ? b : a));
    for (const p of [worst, api.positions[Math.floor(api.positions.length / 2)], api.positions[0]]) {
      const px = await canvas.evaluate(
        (c: any, [x, y]) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3)),
        [p.row * 9 + 4, (api.cols - 1 - p.col) * 9 + 4],
      );
      expect({ at: [p.row, p.col], px }).toEqual({ at: [p.row, p.col], px: colourOf(p.failRate, { min: 0, max }, false) });
    }
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + worst.row * 9 + 4, box.y + (api.cols - 1 - worst.col) * 9 + 4);
    await expect(page.getByTestId('stacked-hover').textContent()).resolves.toContain(`R${worst.row}C${worst.col}: failed on`);
    await page.getByTestId('stacked-mean').waitFor();
    await screenshot(page, '24-stacked-map');
    await expectAccessible(page, 'stacked map');
    await page.context().close();
  });

  it('correlation: the refresh button shows the job’s progress, then the ranked channels and the scatter of the strongest', async () => {
    const roll = drifted.barcode;
    const page = await engineerPage();
    await page.goto(`${mes.gatewayUrl}/#/correlation/${roll}`);
    const status = page.getByTestId('corr-status');
    await expect(status.textContent()).resolves.toMatch(/Never computed|Loading/);
    await page.getByText('Never computed for this metric').waitFor();
    await page.getByRole('button', { name: 'Compute' }).click();
    // Queued or running, then done; the button waits meanwhile.
    await page.getByText(/^(Queued|Running): asking the process service|^Done/).waitFor();
    await page.getByText(/^Done .*sampled cells had process data/).waitFor({ timeout: 180_000 });
    const api = (
      await mes.admin.ok(
        `{ rollCorrelation(roll: "${roll}", metric: "ASR") { status channels { channel pearson } scatter { channel channelValues } } }`,
      )
    ).rollCorrelation as {
      status: string;
      channels: { channel: string; pearson: number }[];
      scatter: { channel: string; channelValues: number[] }[];
    };
    expect(api.status).toBe('DONE');
    expect(api.channels[0].channel).toBe('LIPON thickness [µm]');
    const rows = page.getByTestId('channels').locator('tbody tr');
    expect(await rows.count()).toBe(api.channels.length);
    expect(await rows.first().locator('td').first().textContent()).toBe('LIPON thickness [µm]');
    expect(await rows.first().locator('td').nth(2).textContent()).toBe(api.channels[0].pearson.toFixed(3));
    const scatter = page.getByTestId('scatter');
    expect(await scatter.locator('circle').count()).toBe(api.scatter[0].channelValues.length);
    expect(await page.getByRole('heading', { name: /against LIPON thickness/ }).count()).toBe(1);
    await screenshot(page, '25-correlation');
    await expectAccessible(page, 'correlation');
    // Another channel of the five plotted: the scatter follows.
    await rows.nth(1).getByRole('button').click();
    await page.getByRole('heading', { name: new RegExp(`against ${api.channels[1].channel.replace(/[[\]()]/g, '\\$&')}`) }).waitFor();
    await page.context().close();
  });

  it('yield by condition: counts, Wilson intervals as error bars, and the test of difference with its p-value', async () => {
    const roll = drifted.barcode;
    const api = (
      await mes.admin.ok(
        `{ yieldByParameterComparison(operation: "INTERLAYER", parameter: "material", rollBarcodes: ["${roll}"]) { test pValue conditions { condition cellsTested cellsPassed finalYieldLow finalYieldHigh } } }`,
      )
    ).yieldByParameterComparison as {
      test: string;
      pValue: number;
      conditions: { condition: string; cellsTested: number; cellsPassed: number; finalYieldLow: number; finalYieldHigh: number }[];
    };
    expect(api.conditions.length).toBeGreaterThan(1);
    const page = await engineerPage();
    await page.goto(`${mes.gatewayUrl}/#/yield/${roll}`);
    await page.getByTestId('roll-yield').waitFor();
    await page.getByLabel('Parameter').fill('material');
    await page.getByRole('button', { name: 'Show' }).nth(1).click();
    const comparison = page.getByTestId('comparison-parameter');
    await comparison.waitFor();
    const text = await comparison.getByTestId('yield-test').textContent();
    expect(text).toContain(api.test === 'CHI_SQUARE' ? 'chi-square test' : 'Fisher’s exact test');
    expect(text).toContain(`p = ${api.pValue < 1e-4 ? api.pValue.toExponential(1) : api.pValue.toFixed(4)}`);
    const rows = comparison.locator('tbody tr');
    expect(await rows.count()).toBe(api.conditions.length);
    const c0 = api.conditions[0];
    expect(await rows.first().textContent()).toContain(`${c0.cellsPassed} / ${c0.cellsTested}`);
    expect(await rows.first().textContent()).toContain(
      `${(c0.finalYieldLow * 100).toFixed(1)} % – ${(c0.finalYieldHigh * 100).toFixed(1)} %`,
    );
    // One error bar (three lines) and one point per condition.
    const bars = page.getByTestId('interval-chart');
    expect(await bars.locator('.error-bar').count()).toBe(api.conditions.length);
    expect(await bars.locator('circle').count()).toBe(api.conditions.length);
    await screenshot(page, '26-yield-by-condition');
    await expectAccessible(page, 'yield by condition');
    await page.context().close();
  });

  it('stack page: layers in order with their cells, the test verdict; the cell page and the station screen link to it', async () => {
    const api = (await mes.admin.ok('{ stack(barcode: "STK-0001") { bin binReason layers { layerIndex cellCode row col softBin } } }'))
      .stack as {
      bin: string;
      binReason: string;
      layers: { layerIndex: number; cellCode: string; row: number; col: number; softBin: number }[];
    };
    const page = await engineerPage();
    await page.goto(`${mes.gatewayUrl}/#/stack/STK-0001`);
    const table = page.getByTestId('stack-layers');
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(api.layers.length);
    for (const [i, l] of api.layers.entries()) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      expect(cells.slice(0, 4)).toEqual([String(l.layerIndex), l.cellCode, STACK_SHEET, `(${l.row}, ${l.col})`]);
      expect(cells[5]).toBe(String(l.softBin));
    }
    expect(await page.getByTestId('stack-verdict').textContent()).toBe(`PASS: ${api.binReason}`);
    await screenshot(page, '27-stack');
    await expectAccessible(page, 'stack');
    // The first layer's cell page says which stack holds it.
    await rows.first().getByRole('link', { name: api.layers[0].cellCode }).click();
    await page.getByRole('heading', { name: `Cell ${api.layers[0].cellCode}` }).waitFor();
    await page.getByRole('link', { name: 'STK-0001' }).click();
    await table.waitFor();
    await page.context().close();

    // An operator scanning the stack at the stacking station is pointed at its page.
    const operator = await newPage(browser);
    await signIn(operator, mes.gatewayUrl, 'olga', PASSWORD);
    await operator.getByRole('button', { name: /STACK-1/ }).click();
    await operator.getByRole('heading', { name: /STACK-1/ }).waitFor();
    await scanLikeAScanner(operator, 'STK-0001');
    // The screen asked the stack's own route (assembly), not tracking's: it is done with stacking.
    await operator.locator('.outcome.refused').waitFor();
    expect(await operator.getByTestId('scan-outcome').textContent()).toContain('Stack STK-0001 is at STACK_TEST; its next step is none');
    await operator.getByRole('link', { name: 'stack page' }).click();
    await operator.getByTestId('stack-layers').waitFor();
    // The sheet, roll and cell pages are engineers': the operator reads them as text.
    expect(await operator.getByTestId('stack-layers').getByRole('link').count()).toBe(0);
    expect(await operator.getByTestId('stack-layers').locator('tbody tr').first().textContent()).toContain(api.layers[0].cellCode);
    await screenshot(operator, '28-stack-from-station');
    await operator.context().close();
  });
});
