import type { Browser } from 'playwright-core';
import { simulateSheet, toSheetTestBody } from '@mes/simulator';
import { TEST_ADMIN_PASSWORD } from '@mes/testing';
import { ensureWebBuilt } from '../../tools/dev/web-build';
import { launchChromium, newPage, screenshot, signIn } from '../support/browser';
import type { MesProcesses } from '../support/mes-processes';
import { useSharedMes } from '../support/shared-mes';

/**
 * The sheet map's defect overlay in headless Chromium: an AOI station posts a sheet's defects, and
 * the heat map draws each as a ring in its cell (filled in the active area), where the defect is.
 */
describe('defect overlay on the sheet map', () => {
  let mes: MesProcesses;
  let browser: Browser;
  const SHEET = 'S-R0001-0003';
  // The demo layout: cell (r, c) is centred at 15.25 + 5.5 r mm along MD and 15.25 + 5.5 c mm across.
  const centre = (row: number, col: number) => ({ mdMm: 15.25 + 5.5 * row, cdMm: 15.25 + 5.5 * col });
  const DEFECTS = [
    { class: 'PARTICLE', ...centre(5, 10), sizeUm: 120, zone: 'ACTIVE' },
    { class: 'PINHOLE', ...centre(20, 30), sizeUm: 60, zone: 'ACTIVE' },
    { class: 'DEBRIS', ...centre(45, 45), sizeUm: 15, zone: 'ACTIVE' },
    // 0.1 mm past row 40's active area: in the kerf, drawn at its nearest cell (40, 5)
    { class: 'SCRATCH', mdMm: centre(40, 5).mdMm + 2.6, cdMm: centre(40, 5).cdMm, sizeUm: 300, zone: 'KERF' },
  ];

  beforeAll(async () => {
    await ensureWebBuilt();
    [mes, browser] = await Promise.all([useSharedMes(), launchChromium()]);
    const rig = (await mes.admin.ok('mutation { registerRig(name: "RIG OVL", stationCode: "TST-1") { apiKey } }')).registerRig.apiKey;
    const aoi = (await mes.admin.ok('mutation { registerRig(name: "AOI OVL", stationCode: "AOI-1") { apiKey } }')).registerRig.apiKey;
    const sim = simulateSheet({ seed: 3, sheetIndex: 3, rows: 50, cols: 50, cellActiveAreaCm2: 0.25 });
    const test = await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': rig },
      body: JSON.stringify(toSheetTestBody(sim, { testId: 'RIG-OVL-1', sheet: SHEET, startedAt: '2026-12-01T10:00:00Z' })),
    });
    expect(test.status).toBe(202);
    const { sheetTestId } = (await test.json()) as { sheetTestId: string };
    for (let i = 0; i < 1200; i++) {
      const st = (await (await fetch(`${mes.gatewayUrl}/api/v1/sheet-tests/${sheetTestId}`, { headers: { 'x-api-key': rig } })).json()) as {
        status: string;
      };
      if (st.status === 'DONE') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const posted = await fetch(`${mes.gatewayUrl}/api/v1/inspections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': aoi },
      body: JSON.stringify({
        inspectionId: 'AOI-OVL-1',
        sheet: SHEET,
        inspectedAt: '2026-12-01T09:00:00Z',
        defects: DEFECTS.map((d) => ({ class: d.class, mdMm: d.mdMm, cdMm: d.cdMm, sizeUm: d.sizeUm })),
      }),
    });
    expect(posted.status).toBe(201);
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await mes?.close();
  });

  it('draws every defect as a ring in its cell, filled in the active area, and hides them on request', async () => {
    const page = await newPage(browser);
    await signIn(page, mes.gatewayUrl, 'admin', TEST_ADMIN_PASSWORD);
    await page.goto(`${mes.gatewayUrl}/#/sheet/${SHEET}`);
    const overlay = page.getByTestId('defect-overlay');
    await overlay.waitFor();
    const rings = await overlay.locator('circle').evaluateAll((cs) =>
      cs.map((c) => ({
        cx: Number(c.getAttribute('cx')),
        cy: Number(c.getAttribute('cy')),
        filled: c.classList.contains('active'),
        title: c.querySelector('title')?.textContent ?? '',
      })),
    );
    expect(rings.map((r) => r.title)).toEqual(['PARTICLE 120 µm', 'PINHOLE 60 µm', 'DEBRIS 15 µm', 'SCRATCH 300 µm']);
    expect(rings.map((r) => r.filled)).toEqual([true, true, true, false]);
    // The map runs rows along x and col 0 at the bottom, 12 px a cell (SheetPage's CELL_PX).
    const px = 12;
    const cellOf = (r: { cx: number; cy: number }) => [Math.floor(r.cx / px), 49 - Math.floor(r.cy / px)];
    expect(rings.slice(0, 3).map(cellOf)).toEqual([
      [5, 10],
      [20, 30],
      [45, 45],
    ]);
    expect(cellOf(rings[3])).toEqual([40, 5]);
    await expect(page.getByText('4 defects on the map', { exact: false }).count()).resolves.toBe(1);
    await screenshot(page, 'defect-overlay-sheet-map');
    await page.getByLabel(/draw the inspection/).uncheck();
    await expect(overlay.count()).resolves.toBe(0);
  });
});
