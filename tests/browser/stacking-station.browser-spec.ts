import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import { ensureWebBuilt } from '../../tools/dev/web-build';
import { launchChromium, newPage, scanLikeAScanner, screenshot, seriousA11yViolations, signIn } from '../support/browser';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The stacking station screen in headless Chromium against the whole MES: the operator chooses the
 * work order, scans a new stack label and then each layer cell, and sees every refusal. The cells
 * are put straight into assembly's table as a singulation report would leave them (how they get
 * there is the system tests' business: tests/system/assembly.system-spec.ts), so this spec needs no
 * sheet to be fitted. Screenshots go to .data/screenshots (29-, 30-).
 */
describe('stacking station in a real browser', () => {
  let mes: MesProcesses;
  let browser: Browser;
  let db: Client;
  const PASSWORD = 'password-123';
  const SHEET = 'S-R0001-0003';
  // Eight grade-1 cells of the demo product with matching ASR and capacity: one MLB-1200 stack.
  const layers = Array.from({ length: 8 }, (_, i) => `${SHEET}-R4C${10 + i}`);
  const notSingulated = `${SHEET}-R30C30`;

  const expectAccessible = async (page: Page, what: string) => {
    expect({ page: what, violations: await seriousA11yViolations(page) }).toEqual({ page: what, violations: [] });
  };
  const outcome = async (page: Page, text: string) => {
    await page.getByTestId('scan-outcome').filter({ hasText: text }).waitFor();
    return page.getByTestId('scan-outcome').textContent();
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    [mes, browser] = await Promise.all([useSharedMes(), launchChromium()]);
    await mes.admin.ok('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', {
      i: { username: 'olga', password: PASSWORD, role: 'OPERATOR' },
    });
    db = new Client({ connectionString: mes.db.url });
    await db.connect();
    const report = await db.query(
      `INSERT INTO assembly.singulation_reports (sheet_barcode, station_code, strategy, cells_tested, cells_passed, cells_in_pick_map, picked, broken, reported_by)
       VALUES ($1, 'SNG-1', 'GRADED', 2500, 2200, 2100, 8, 0, 'test') RETURNING id`,
      [SHEET],
    );
    await db.query(
      `INSERT INTO assembly.singulated_cells (sheet_barcode, row, col, roll_barcode, md_mm, cd_mm, soft_bin, hard_bin, asr_ohm_cm2, capacity_mah, status, carrier, position, report_id)
       SELECT $1::text, 4, 10 + i, 'R0001', 1637.25, 70.25 + i * 5.5, 1, 1, 80 + i * 0.5, 0.15, 'SINGULATED', $1::text || '-G1-1', i + 1, $2
         FROM generate_series(0, 7) AS i`,
      [SHEET, report.rows[0].id],
    );
  }, 600_000);
  afterAll(async () => {
    await db?.end();
    await browser?.close();
    await mes?.close();
  });

  it('starts a stack by its label for the chosen work order and takes its layers in scan order; refuses a cell not singulated and a double scan', async () => {
    const operator = await newPage(browser);
    await signIn(operator, mes.gatewayUrl, 'olga', PASSWORD);
    await operator.getByRole('button', { name: /STACK-1/ }).click();
    await operator.getByRole('heading', { name: /STACK-1/ }).waitFor();

    // A cell before any stack label goes nowhere.
    await scanLikeAScanner(operator, layers[0]);
    expect(await outcome(operator, 'NO_STACK')).toContain(
      `Scan the stack label first, then its layers: ${layers[0]} was not added to any stack.`,
    );
    // No work order chosen yet: a new label starts nothing.
    await scanLikeAScanner(operator, 'STK-0101');
    expect(await outcome(operator, 'NO_WORK_ORDER')).toContain('Choose the work order this stacker builds for, then scan STK-0101 again');
    await operator.getByLabel('Work order for new stacks').selectOption('WO-0001');
    await scanLikeAScanner(operator, 'STK-0101');
    expect(await outcome(operator, 'Stack started')).toContain('Stack STK-0101 for WO-0001 (MLB-1200): 8 layers. Scan layer 1.');

    await scanLikeAScanner(operator, notSingulated);
    expect(await outcome(operator, 'Refused')).toContain(`Cell ${notSingulated} was not singulated: it has no test result`);
    await scanLikeAScanner(operator, layers[0]);
    expect(await outcome(operator, 'Layer 1 of 8')).toContain(`${layers[0]} is layer 1 of stack STK-0101. Scan layer 2.`);
    await scanLikeAScanner(operator, layers[0]);
    expect(await outcome(operator, 'Refused')).toContain(
      `Cell ${layers[0]} is already layer 1 of stack STK-0101 (a second scan of the same layer)`,
    );
    for (const [i, c] of layers.slice(1, -1).entries()) {
      await scanLikeAScanner(operator, c);
      await outcome(operator, `Layer ${i + 2} of 8`);
    }
    expect(await operator.getByTestId('stack-building').locator('li').allTextContents()).toEqual(layers.slice(0, -1));
    await screenshot(operator, '29-stacking-station');
    await expectAccessible(operator, 'stacking station');

    // A new page (another shift) takes the stack up again by its label; the work order stays chosen on the device.
    await operator.reload();
    await operator.getByRole('heading', { name: /STACK-1/ }).waitFor();
    await scanLikeAScanner(operator, 'STK-0101');
    expect(await outcome(operator, 'Stack taken up')).toContain('Stack STK-0101 has 7 of its 8 layers. Scan layer 8.');
    expect(await operator.getByLabel('Work order for new stacks').inputValue()).toBe('WO-0001');
    await scanLikeAScanner(operator, layers[7]);
    expect(await outcome(operator, 'Stack built')).toContain('stack STK-0101 has all its 8 layers');
    expect(await operator.getByTestId('stack-building').count()).toBe(0);
    await screenshot(operator, '30-stack-built');
    // Scanned again here, the built stack is told where its route goes next.
    await scanLikeAScanner(operator, 'STK-0101');
    expect(await outcome(operator, 'Stack scanned')).toContain('Stack STK-0101 is at STACKING (BUILT, AS_MADE).');
    await operator.context().close();

    const built = (await mes.admin.ok('{ stack(barcode: "STK-0101") { status workOrder layers { cellCode carrier position } } }')).stack;
    expect(built.status).toBe('BUILT');
    expect(built.workOrder).toBe('WO-0001');
    expect(built.layers.map((l: { cellCode: string }) => l.cellCode)).toEqual(layers);
  });
});
