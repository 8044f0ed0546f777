import type { Browser, Page } from 'playwright-core';
import { GraphqlClient, TEST_ADMIN_PASSWORD } from '@mes/testing';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { colourOf, robustRange } from '@mes/web';
import { ensureWebBuilt } from '../../tools/dev/web-build';
import { launchChromium, newPage, scanLikeAScanner, screenshot, seriousA11yViolations, signIn } from '../support/browser';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The web UI in headless Chromium against the whole MES (every app as its own process): the
 * operator's keyboard story at a station, the engineer's heat maps, cell spectrum, roll-region
 * hold and live updates, accessibility of every page. Screenshots go to .data/screenshots.
 */
describe('web UI in a real browser', () => {
  let mes: MesProcesses;
  let browser: Browser;
  let rigKey: string;
  const PASSWORD = 'password-123';

  const postSheetTest = async (sheet: string, seed: number): Promise<string> => {
    const sim = simulateSheet({ seed, sheetIndex: seed, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const res = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': rigKey },
      body: JSON.stringify(toSheetTestBody(sim, { testId: `RIG-WEB-${sheet}`, sheet, startedAt: '2026-11-30T10:00:00Z' })),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { sheetTestId: string }).sheetTestId;
  };
  const waitDone = async (sheetTestId: string) => {
    for (let i = 0; i < 600; i++) {
      const st = (await (
        await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': rigKey } })
      ).json()) as { status: string };
      if (st.status === 'DONE' || st.status === 'FAILED') return st.status;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`sheet test ${sheetTestId} did not finish`);
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    [mes, browser] = await Promise.all([useSharedMes(), launchChromium()]);
    for (const [username, role] of [
      ['olga', 'OPERATOR'],
      ['erik', 'ENGINEER'],
    ] as const) {
      await mes.admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { username, password: PASSWORD, role } });
    }
    rigKey = (await mes.admin.ok('mutation { registerRig(name: "RIG WEB", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
    expect(await waitDone(await postSheetTest('S-R0001-0001', 1))).toBe('DONE');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await mes?.close();
  });

  const expectAccessible = async (page: Page, what: string) => {
    expect({ page: what, violations: await seriousA11yViolations(page) }).toEqual({ page: what, violations: [] });
  };

  it('is served at / by the gateway and signs in by role; a wrong password is refused in words', async () => {
    const res = await fetch(`${mes.gatewayUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await newPage(browser);
    await page.goto(`${mes.gatewayUrl}/`);
    await page.getByLabel('User name').fill('olga');
    await page.getByLabel('Password').fill('wrong-password');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/password/i);
    await screenshot(page, '01-sign-in-refused');
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Choose this terminal’s station' }).waitFor();
    // An operator sees the station only: no analysis pages in the navigation.
    const nav = await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();
    expect(nav).toEqual(['Station']);
    await page.goto(`${mes.gatewayUrl}/#/holds`);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Not for your role|for ENGINEER or ADMIN/);
    await page.context().close();
  });

  it('operator story by keyboard: station chosen once, a scanner burst tracks in, the queue, a refusal names the expected station', async () => {
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'olga', PASSWORD);
    await screenshot(page, '02-station-choose');
    await expectAccessible(page, 'station chooser');
    const lco = page.getByRole('button', { name: /LCO-1/ });
    await lco.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /LCO-1/ }).waitFor();
    // The device remembers the station.
    await page.reload();
    await page.getByRole('heading', { name: /LCO-1/ }).waitFor();
    await expect(page.evaluate(() => (globalThis as any).document.activeElement?.id)).resolves.toBe('scan-input');
    // The station's queue lists what waits for its operation (loaded beside the scan field).
    await page.getByRole('complementary').getByText('R0002').waitFor();

    await scanLikeAScanner(page, 'R0002');
    const outcome = page.getByTestId('scan-outcome');
    await outcome.waitFor();
    expect(await outcome.getAttribute('class')).toContain('ok');
    expect(await outcome.textContent()).toMatch(/Track in OK: R0002.*Tracked in at LCO-1 for LCO_DEPOSITION/);
    await page.getByRole('heading', { name: /Roll R0002/ }).waitFor();
    expect(await page.locator('.unit').textContent()).toMatch(/Operation nowLCO_DEPOSITION.*in process at LCO-1.*Next operationLCO_ANNEAL/);
    await screenshot(page, '03-station-tracked-in');
    await expectAccessible(page, 'station after a scan');

    // A repeated scan is harmless and says so. The MES is made slow here (every answer 700 ms late)
    // and the operator does not wait for it: the next scan, in another mode with a count, comes
    // while the first is still answered. Neither is lost; they are taken in order.
    await page.route('**/graphql', async (route) => {
      await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    await scanLikeAScanner(page, 'R0002');

    // Track out with counts by keyboard alone; then a scanner burst while the focus is in the good
    // count field is still taken as one code, and the field keeps what the person typed.
    await page.keyboard.press('F4');
    await page.getByLabel('Good').focus();
    // A roll is one unit: 7 good is refused in the MES's words, and nothing changes.
    await page.keyboard.type('7');
    await page.getByLabel('Scan a barcode').focus();
    await scanLikeAScanner(page, 'R0002');
    await page.getByText(/Repeated scan: nothing changed/).waitFor();
    await page.getByText(/goodCount \+ rejectCount must be 0 or 1, got 7/).waitFor();
    // The person goes to the Good field at once, while the refused roll's panel is still loading (the
    // MES is still slow). When it has loaded, the focus stays where the person put it: the scan field
    // took it back once, and the next key went into the scan field instead (a flaky failure below).
    await page.getByLabel('Good').fill('');
    await page.getByLabel('Good').focus();
    await page.keyboard.type('1', { delay: 150 });
    await page.unrouteAll({ behavior: 'wait' });
    await page.locator('#scan-input[aria-busy="false"]').waitFor();
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('good-count');
    expect(await page.getByLabel('Good').inputValue()).toBe('1');
    // A person's pause before the scan. 200 ms was too close to the burst gap (120 ms) on a loaded
    // CI machine: the browser saw the '1' and the burst as one (once in a fresh-clone run).
    await new Promise((r) => setTimeout(r, 1000));
    await scanLikeAScanner(page, 'R0002');
    // Accepted with good 1: the person's count, not 1 plus the digits the burst typed (10002).
    await page.getByText(/Tracked out of LCO_DEPOSITION; now waits for LCO_ANNEAL/).waitFor();
    expect(await page.getByLabel('Good').inputValue()).toBe('');
    const history = await mes.admin.ok('{ unitHistory(barcode: "R0002") { kind summary } }');
    expect(history.unitHistory.at(-1).summary).toBe('TRACK_OUT LCO_DEPOSITION at LCO-1 (good 1, reject 0)');

    // Wrong station: a sheet waiting for its test, scanned at LCO-1.
    await page.keyboard.press('F2');
    await scanLikeAScanner(page, 'S-R0001-0004');
    await page.locator('.outcome.refused').waitFor();
    const refusal = await page.getByTestId('scan-outcome').textContent();
    expect(refusal).toMatch(/Refused: S-R0001-0004/);
    expect(refusal).toMatch(/SHEET_TEST/);
    expect(refusal).toMatch(/scan it at station TST-\d/);
    expect(refusal).toContain('WRONG_OPERATION');
    await screenshot(page, '04-station-wrong-station');
    await page.context().close();
  });

  it('prints a label with a Code 128 drawn by the barcode library, and its ZPL', async () => {
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'olga', PASSWORD);
    await page.goto(`${mes.gatewayUrl}/#/label/S-R0001-0002`);
    const label = page.getByTestId('unit-label');
    await label.waitFor();
    await page.waitForFunction(
      () => ((globalThis as any).document.querySelector('canvas[aria-label^="Code 128"]') as any)?.width ?? 0 > 50,
    );
    // The barcode canvas has dark bars and light gaps: something was drawn.
    const dark = await page.evaluate(() => {
      const c = (globalThis as any).document.querySelector('canvas[aria-label^="Code 128"]') as any;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i] < 60) n++;
      return n / (d.length / 4);
    });
    expect(dark).toBeGreaterThan(0.1);
    expect(dark).toBeLessThan(0.9);
    expect(await label.textContent()).toMatch(/Sheet.*S-R0001-0002.*Roll R0001 sheet 2/);
    const zpl = await page.getByTestId('zpl').textContent();
    expect(zpl).toMatch(/^\^XA/);
    expect(zpl).toContain('^BCN,120,Y,N,N^FDS-R0001-0002^FS');
    expect(zpl).toMatch(/\^XZ$/);
    await screenshot(page, '05-label-sheet');
    await expectAccessible(page, 'label');
    await page.context().close();
  });

  it('engineer heat map: pixels match the data on the colour scale, hover reads the cell, click opens its spectrum and fit', async () => {
    const ocv = await mes.admin.ok<{ sheetMap: { rows: number; cols: number; values: (number | null)[] } }>(
      '{ sheetMap(sheet: "S-R0001-0001", metric: OCV_V) { rows cols values } }',
    );
    const values = Float32Array.from(ocv.sheetMap.values.map((v) => (v === null ? NaN : v)));
    const range = robustRange(values);
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'erik', PASSWORD);
    await page.goto(`${mes.gatewayUrl}/#/sheet/S-R0001-0001`);
    await page.getByLabel('Metric').selectOption('OCV_V');
    const canvas = page.getByTestId('sheet-canvas');
    await canvas.waitFor();
    await page.waitForFunction(
      () => ((globalThis as unknown as { __mesPerf?: { sheetInteractiveMs?: number[] } }).__mesPerf?.sheetInteractiveMs?.length ?? 0) > 0,
    );
    await page.getByTestId('legend-bar').waitFor();
    await new Promise((r) => setTimeout(r, 200));
    const cells = [
      [0, 0],
      [12, 3],
      [25, 40],
      [49, 49],
      [33, 17],
    ];
    for (const [row, col] of cells) {
      // Physical orientation: MD (row) left to right, operator side (col 0) at the bottom; 12 px per cell.
      const px = await canvas.evaluate(
        (c: any, [x, y]) => Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data.slice(0, 3)),
        [row * 12 + 6, (49 - col) * 12 + 6],
      );
      const expected = colourOf(values[row * 50 + col], range, false);
      expect({ row, col, px }).toEqual({ row, col, px: expected });
    }
    const box = (await canvas.boundingBox())!;
    const [hr, hc] = [12, 3];
    await page.mouse.move(box.x + hr * 12 + 6, box.y + (49 - hc) * 12 + 6);
    const hover = page.getByTestId('hover-panel');
    await expect(hover.textContent()).resolves.toContain(`Cell R${hr}C${hc}: ${values[hr * 50 + hc].toFixed(4)} V`);
    await page.getByText(/rule .* \(rule set v\d+\)/).waitFor();
    await screenshot(page, '06-sheet-heat-map-ocv');
    await expectAccessible(page, 'sheet heat map');

    await page.mouse.click(box.x + hr * 12 + 6, box.y + (49 - hc) * 12 + 6);
    await page.getByRole('heading', { name: `Cell S-R0001-0001-R${hr}C${hc}` }).waitFor();
    const nyquist = page.getByTestId('nyquist');
    await nyquist.waitFor();
    const spectrum = await mes.admin.ok(
      `{ cellSpectrum(sheet: "S-R0001-0001", row: ${hr}, col: ${hc}) { frequenciesHz fit { circuit } } }`,
    );
    expect(await nyquist.locator('circle').count()).toBe(spectrum.cellSpectrum.frequenciesHz.length);
    expect(await nyquist.locator('path.series-line').count()).toBe(1);
    expect(await page.getByTestId('spectrum-facts').textContent()).toContain(`fit ${spectrum.cellSpectrum.fit.circuit}`);
    expect(await page.getByTestId('history').locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, '07-cell-spectrum');
    await expectAccessible(page, 'cell page');
    // R_ohmic says when the spectrum does not determine it (the fitted R0's error at least its value).
    const r0 = (await mes.admin.ok(
      `{ cellSpectrum(sheet: "S-R0001-0001", row: ${hr}, col: ${hc}) { fit { parameters { name value stdError } } } cellResult(sheet: "S-R0001-0001", row: ${hr}, col: ${hc}) { rOhmicOhm } }`,
    )) as {
      cellSpectrum: { fit: { parameters: { name: string; value: number; stdError: number | null }[] } };
      cellResult: { rOhmicOhm: number };
    };
    const fitR0 = r0.cellSpectrum.fit.parameters.find((x) => x.name === 'R0')!;
    const undetermined = fitR0.value === r0.cellResult.rOhmicOhm && fitR0.stdError !== null && fitR0.stdError >= Math.abs(fitR0.value);
    expect((await page.getByTestId('r-ohmic').textContent())?.includes('not determined by the spectrum')).toBe(undetermined);
    // The fitted parameters, each with its standard error and its share of the value.
    await page.getByText('Fitted parameters').click();
    const r1 = page.locator('details table tbody tr').filter({ hasText: /^R1/ });
    expect(await r1.locator('td').nth(2).textContent()).toMatch(/^[\d.e+-]+ \((\d[\d.]* %|not determined)\)$/);
    await screenshot(page, '07b-cell-fit-parameters');

    // Keyboard alone: the map takes the focus, arrows move the cursor, Enter opens the cell.
    await page.goto(`${mes.gatewayUrl}/#/sheet/S-R0001-0001`);
    await canvas.waitFor();
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    await expect(hover.textContent()).resolves.toContain('Cell R1C1');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Cell S-R0001-0001-R1C1' }).waitFor();
    await page.context().close();
  });

  it('a region selected on the roll map becomes a hold that the operator screen then refuses, with its reason', async () => {
    const target = (await mes.admin.ok('{ sheet(barcode: "S-R0001-0003") { mdStartMm mdEndMm } }')).sheet as {
      mdStartMm: number;
      mdEndMm: number;
    };
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'erik', PASSWORD);
    await page.goto(`${mes.gatewayUrl}/#/roll/R0001`);
    const canvas = page.getByTestId('roll-canvas');
    await canvas.waitFor();
    // Drag across the map: a selection appears and the MD fields follow it.
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 300, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 360, box.y + 120, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('selection').waitFor();
    expect(Number(await page.getByLabel('MD to (mm)').inputValue())).toBeGreaterThan(
      Number(await page.getByLabel('MD from (mm)').inputValue()),
    );
    await screenshot(page, '08-roll-map-selection');
    // Then exactly the third sheet's stretch, typed.
    await page.getByLabel('MD from (mm)').fill(String(target.mdStartMm + 20));
    await page.getByLabel('MD to (mm)').fill(String(target.mdEndMm - 20));
    await page.getByRole('button', { name: 'Zoom to region' }).click();
    await page.getByLabel('Hold reason').fill('LiPON pinholes seen under the microscope');
    await page.getByRole('button', { name: 'Place hold on region' }).click();
    await expect(page.getByTestId('hold-result').textContent()).resolves.toMatch(/^Hold \d+ placed on R0001 MD/);
    await screenshot(page, '09-roll-map-hold-placed');
    await expectAccessible(page, 'roll map');
    await page.context().close();

    const operator = await newPage(browser);
    await signIn(operator, mes.gatewayUrl, 'olga', PASSWORD);
    await operator.getByRole('button', { name: /TST-1/ }).click();
    await operator.getByRole('heading', { name: /TST-1/ }).waitFor();
    await scanLikeAScanner(operator, 'S-R0001-0003');
    await operator.locator('.outcome.refused').waitFor();
    const refusal = await operator.getByTestId('scan-outcome').textContent();
    expect(refusal).toContain('UNIT_ON_HOLD');
    expect(refusal).toContain('LiPON pinholes seen under the microscope');
    await operator.getByRole('note', { name: 'Holds on this unit' }).waitFor();
    expect(await operator.getByRole('note', { name: 'Holds on this unit' }).textContent()).toContain(
      'LiPON pinholes seen under the microscope',
    );
    // The station's queue says which waiting units are held, before anyone scans them.
    await operator
      .getByRole('complementary')
      .getByText(/on hold: LiPON pinholes/)
      .waitFor();
    expect(await operator.getByRole('complementary').locator('li', { hasText: 'S-R0001-0004' }).textContent()).not.toMatch(/on hold/);
    await screenshot(operator, '10-station-held-unit');
    await operator.context().close();
  });

  it('a sheet page updates by itself when the sheet’s results land (server-sent events), without reloading', async () => {
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'erik', PASSWORD);
    await page.goto(`${mes.gatewayUrl}/#/sheet/S-R0001-0002`);
    const status = page.getByTestId('live-status');
    await expect(status.textContent()).resolves.toMatch(/No test yet/);
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const id = await postSheetTest('S-R0001-0002', 2);
    await page.waitForFunction(
      () =>
        /done: 2500 of 2500 cells binned/.test(
          (globalThis as any).document.querySelector('[data-testid="live-status"]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 120_000 },
    );
    expect(await waitDone(id)).toBe('DONE');
    // Same document (no reload), and the map now has binned cells: not the grey of "not tested".
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await page.waitForFunction(() => {
      const c = (globalThis as any).document.querySelector('[data-testid="sheet-canvas"]') as any;
      if (!c) return false;
      const d = c.getContext('2d').getImageData(6, 6, 1, 1).data;
      return !(d[0] === 214 && d[1] === 214 && d[2] === 214) && d[3] === 255;
    });
    await screenshot(page, '11-sheet-live-done');
    await page.context().close();
  });

  it('every other page has no serious accessibility violation and is reachable by keyboard', async () => {
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'admin', TEST_ADMIN_PASSWORD);
    // Each page with something that shows it has its data (a hash change is not a navigation).
    for (const [hash, name, heading, ready] of [
      ['holds', '12-holds', 'Holds', 'table[data-testid="holds-table"] tbody tr:has-text("LiPON pinholes")'],
      ['yield/R0001', '13-yield', 'Yield', '[data-testid="roll-yield"]'],
      ['rule-sets', '14-rule-sets', 'Rule sets and recipes', '[data-testid="recipes-table"] tbody tr'],
      ['admin', '15-admin', 'Users, rigs and keys', 'table tbody tr'],
      ['sheet', '16-sheet-picker', 'Sheet heat map', 'input#sheet-barcode'],
    ] as const) {
      await page.goto(`${mes.gatewayUrl}/#/${hash}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.locator(ready).first().waitFor();
      await screenshot(page, name);
      await expectAccessible(page, hash);
    }
    // Tab from the top reaches every navigation link and the sign-out button.
    await page.goto(`${mes.gatewayUrl}/#/holds`);
    await page.getByRole('heading', { name: 'Holds' }).waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 24; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent?.trim() ?? ''));
    }
    for (const name of ['Station', 'Sheets', 'Rolls', 'Yield', 'SPC', 'Stacks', 'Holds', 'Rule sets & recipes', 'Users & rigs', 'Sign out'])
      expect(reached).toContain(name);
    await page.context().close();
  });

  it('a refusal from the MES reaches the page in its own words (an anonymous API call, a bad cell address)', async () => {
    const anonymous = await new GraphqlClient(mes.graphqlUrl).fails('{ cellSpectrum(sheet: "S-R0001-0001", row: 0, col: 0) { testId } }');
    expect(anonymous.extensions?.code).toBe('UNAUTHENTICATED');
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'erik', PASSWORD);
    await page.goto(`${mes.gatewayUrl}/#/cell/S-R0001-0001/99/0`);
    await page
      .getByText(/outside the 50 x 50 grid of sheet S-R0001-0001/)
      .first()
      .waitFor();
    await page.context().close();
  });
});
