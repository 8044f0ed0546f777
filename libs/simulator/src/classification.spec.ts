/**
 * End-to-end check of the as-made test chain on simulated data: simulator → @mes/eis feature extraction
 * → @mes/binning default rule set. 10,000 cells (16 sheets of 25 x 25, 1 cm² cells).
 *
 * The sheets run in worker threads: besides using the cores, code in a worker runs outside Jest's vm
 * context, where the fitter's numeric loops are ~2.5x faster (global lookups such as Math.* are slow
 * inside vm contexts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ClassifiedCell } from './classification-harness';
import type { SimulateSheetOptions } from './simulate-sheet';

const SHEETS = 16;
const sheetOptions = (sheetIndex: number): SimulateSheetOptions => ({
  seed: 20261122,
  sheetIndex,
  rows: 25,
  cols: 25,
  cellActiveAreaCm2: 1,
  pitchMm: 11,
  defects: { hardOpenRate: 0.005 }, // a few more opens than the default, for a meaningful count
});

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
require(workerData.register);
const { classifySheet } = require(workerData.harness);
const out = [];
for (const o of workerData.sheets) out.push(...classifySheet(o));
parentPort.postMessage(out);
`;

function runInWorker(sheets: SimulateSheetOptions[]): Promise<ClassifiedCell[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        sheets,
        register: require.resolve('@swc-node/register'),
        harness: require.resolve('./classification-harness'),
      },
    });
    w.once('message', (m: ClassifiedCell[]) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

async function runAll(): Promise<ClassifiedCell[]> {
  const workers = Math.max(1, Math.min(4, availableParallelism()));
  const groups: SimulateSheetOptions[][] = Array.from({ length: workers }, () => []);
  for (let s = 0; s < SHEETS; s++) groups[s % workers].push(sheetOptions(s));
  const parts = await Promise.all(groups.map(runInWorker));
  return parts.flat();
}

/** truth kind → soft bin → count. */
function confusion(rows: ClassifiedCell[], stage: 'first' | 'final', key: 'kind' | 'physicalKind') {
  const table: Record<string, Record<number, number>> = {};
  for (const o of rows) {
    const b = o[stage].softBin;
    const row = (table[o[key]] ??= {});
    row[b] = (row[b] ?? 0) + 1;
  }
  return table;
}

describe('classification: simulator → extractCellFeatures → defaultAsMadeRuleSet', () => {
  let outcomes: ClassifiedCell[] = [];
  beforeAll(async () => {
    outcomes = await runAll();
  }, 180_000);

  it('covers 10,000 cells', () => {
    expect(outcomes).toHaveLength(10_000);
    if (process.env.CLASSIFICATION_REPORT) {
      console.log(
        JSON.stringify(
          { firstTest: confusion(outcomes, 'first', 'kind'), afterRetest: confusion(outcomes, 'final', 'physicalKind') },
          null,
          1,
        ),
      );
    }
  });

  it('every hard short lands in a fail bin', () => {
    const shorts = outcomes.filter((o) => o.kind === 'HARD_SHORT');
    expect(shorts.length).toBeGreaterThan(100);
    expect(shorts.filter((o) => o.first.softBin < 10).map((o) => o.first)).toEqual([]);
  });

  it('every open lands in a fail bin', () => {
    const opens = outcomes.filter((o) => o.kind === 'OPEN');
    expect(opens.length).toBeGreaterThan(20);
    expect(opens.filter((o) => o.first.softBin < 10).map((o) => o.first)).toEqual([]);
  });

  it('fewer than 0.5 % of good cells fail', () => {
    const good = outcomes.filter((o) => o.kind === 'GOOD');
    const failed = good.filter((o) => o.first.softBin >= 10);
    expect(good.length).toBeGreaterThan(9000);
    expect(failed.length / good.length).toBeLessThan(0.005);
  });

  it('contact opens land in soft bin 0, and their retest bins them by what the cell really is', () => {
    const contact = outcomes.filter((o) => o.kind === 'CONTACT_OPEN');
    expect(contact.length).toBeGreaterThan(50);
    expect(contact.filter((o) => o.first.softBin !== 0).map((o) => o.first)).toEqual([]);
    const goodBehind = contact.filter((o) => o.physicalKind === 'GOOD');
    expect(goodBehind.filter((o) => !o.final.pass).length).toBeLessThanOrEqual(1);
  });

  it('soft shorts and most leaky cells fail too', () => {
    const soft = outcomes.filter((o) => o.kind === 'SOFT_SHORT');
    expect(soft.every((o) => o.first.softBin >= 10)).toBe(true);
    const leaky = outcomes.filter((o) => o.kind === 'LEAKY');
    // EIS down to 1 Hz cannot see leaks far above the blocking reactance (docs/domain.md "Measurements")
    expect(leaky.filter((o) => o.first.softBin >= 10).length / leaky.length).toBeGreaterThan(0.5);
  });
});
