import { EndOfLine, type EndOfLineResult } from './end-of-line';
import { LineDriver, type LineRunResult } from './line-driver';

/** The roll the living line makes; its existence means the line was seeded (or is being seeded). */
export const LIVING_LINE_ROLL = 'DEMO-SIM-1';

export interface LivingLineOptions {
  url: string;
  username?: string;
  password: string;
  /** Sheets cut from the roll; default 10. */
  sheets?: number;
  /** Seed of the physics; default 2026. */
  seed?: number;
  log?: (line: string) => void;
}

export type LivingLineOutcome =
  { seeded: false; reason: string } | { seeded: true; line: LineRunResult; endOfLine: EndOfLineResult; summary: string };

/**
 * A demo roll made by the simulator through the public API, so every page of the web UI shows
 * something true: roll DEMO-SIM-1 deposited (process runs and traces), cut into sheets that are
 * tested by a rig and binned, then singulated, stacked (one stack with an open layer, one with a
 * shorted layer), stack tested, and three passing stacks cycled. Skipped when the roll exists, so a
 * restart does not make a second one (a seeding cut short is not resumed).
 */
export async function seedLivingLine(o: LivingLineOptions): Promise<LivingLineOutcome> {
  const log = o.log ?? (() => undefined);
  const driver = new LineDriver({
    url: o.url,
    username: o.username ?? 'admin',
    password: o.password,
    rolls: 1,
    sheets: o.sheets ?? 10,
    seed: o.seed ?? 2026,
    rollPrefix: LIVING_LINE_ROLL.replace(/-1$/, ''),
    concurrency: 2,
    maxRetests: 1,
    // The AOI station inspects each sheet before its test: the sheet map's defect overlay, the cell
    // page's defects and FAIL_VISUAL in the Pareto have something true to show.
    inspect: true,
    // the worker fits the sheets while the MES starts serving: give it time on a small machine
    testTimeoutMs: 600_000,
    log,
  });
  await driver.connect();
  const { data, errors } = await driver.graphql<{ roll: { barcode: string } | null }>(
    'query R($b: String!) { roll(barcode: $b) { barcode } }',
    {
      b: LIVING_LINE_ROLL,
    },
  );
  if (data?.roll) return { seeded: false, reason: `roll ${LIVING_LINE_ROLL} exists` };
  if (errors.length && !['UNKNOWN_BARCODE', 'NOT_FOUND'].includes(errors[0].extensions?.code ?? ''))
    throw new Error(`cannot tell whether roll ${LIVING_LINE_ROLL} exists: ${errors[0].message}`);
  const started = Date.now();
  const line = await driver.run();
  const endOfLine = await new EndOfLine(driver, line, { stacks: 12, openLayers: 1, shortedLayers: 1, cycled: 3 }, log).run();
  const bins = endOfLine.stacks.reduce<Record<string, number>>(
    (m, s) => ({ ...m, [s.bin ?? 'untested']: (m[s.bin ?? 'untested'] ?? 0) + 1 }),
    {},
  );
  const summary =
    `living line: roll ${LIVING_LINE_ROLL}, ${line.counts.sheets} sheets tested, ${endOfLine.singulated.reduce((n, s) => n + s.picked, 0)} cells singulated, ` +
    `${endOfLine.stacks.length} stacks (${Object.entries(bins)
      .map(([b, n]) => `${n} ${b}`)
      .join(', ')}), ${endOfLine.cycled.length} cycled in ${((Date.now() - started) / 1000).toFixed(0)} s` +
    (endOfLine.comparison.exact
      ? ''
      : `; the stack test disagreed with the injected faults on ${endOfLine.comparison.missed + endOfLine.comparison.falseAlarms} stacks`) +
    (endOfLine.skipped ? `; ${endOfLine.skipped}` : '');
  return { seeded: true, line, endOfLine, summary };
}
