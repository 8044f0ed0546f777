import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = path.resolve(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(root, '.data/screenshots');
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Debian's chromium, installed from the system packages when missing and running as root (as the
 * test setup does for redis-server); otherwise a clear error says what to install.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0)
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}: install it (apt-get install chromium) or run the tests as root`,
    );
  process.stdout.write('Installing chromium for the browser tests (apt-get)...\n');
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
  return CHROMIUM;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_FLAGS });
}

/** A page of its own (fresh session and local storage) at a desktop-terminal size. */
export async function newPage(browser: Browser, width = 1440, height = 1000): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it stands (WCAG 2 A/AA rules). */
export async function seriousA11yViolations(page: Page): Promise<{ id: string; help: string; targets: string[] }[]> {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: source });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run((globalThis as any).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** Sign in through the page itself, as a person would, and wait for the first page of the role. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const SCANNER_KEY_GAP_S = 0.005;

/**
 * Types like a barcode scanner: a burst of keys 5 ms apart, then Enter. The keys carry the times a
 * scanner would give them (the DevTools protocol's event timestamp, which the page sees as
 * `event.timeStamp`): sent one by one as page.keyboard sends them, each key waited for the page to
 * handle the one before, and a page re-rendering on each key spread a burst over more than the
 * 120 ms a station allows between a scanner's keys (a test failed so on an idle machine), which a
 * real scanner's keys, stamped by the hardware as they come, never are.
 */
export async function scanLikeAScanner(page: Page, code: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const t0 = Date.now() / 1000;
    const keys: { key: string; text: string; code?: string; windowsVirtualKeyCode?: number }[] = [...code].map((ch) => ({
      key: ch,
      text: ch,
    }));
    keys.push({ key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' });
    for (const [i, { text, ...key }] of keys.entries()) {
      const timestamp = t0 + i * SCANNER_KEY_GAP_S;
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, text, timestamp });
      await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...key, timestamp: timestamp + SCANNER_KEY_GAP_S / 2 });
    }
  } finally {
    await cdp.detach();
  }
}
