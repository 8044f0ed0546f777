import type { ProcessRunEntity, RecipeEntity } from '../database/process.entities';
import { collectActuals, excursionAlarms } from './run.service';

const run = { id: 'run-1', rollBarcode: 'R1', equipmentCode: 'TE-1', mdStartMm: 1000, mdEndMm: 5000, mdMode: 'WEB' } as ProcessRunEntity;
const recipe = {
  name: 'INT-AU',
  version: 3,
  parameters: [
    { name: 'rate_a_per_s', unit: 'Å/s', type: 'NUMBER', target: 1, lowerLimit: 0.8, upperLimit: 1.2, required: true, allowedValues: null },
  ],
  traceBands: [{ channel: 'qcm_rate', setpointParameter: 'rate_a_per_s', setpoint: null, tolerancePct: 20, minDurationS: 60 }],
} as unknown as RecipeEntity;
const excursion = { startMs: Date.UTC(2026, 10, 22, 8), endMs: Date.UTC(2026, 10, 22, 8, 10), mdStartMm: 1500, mdEndMm: 2000, worst: 0.45 };

describe('collectActuals', () => {
  it('takes numbers from value and words from text', () => {
    expect(
      collectActuals([
        { parameter: 'a', value: 1.5 },
        { parameter: 'b', text: 'Pt' },
      ]),
    ).toEqual({ actuals: { a: 1.5, b: 'Pt' }, problems: [] });
  });

  it('refuses a parameter given twice, or with both or neither of value and text, with its path', () => {
    const { problems } = collectActuals([
      { parameter: 'a', value: 1 },
      { parameter: 'a', value: 2 },
      { parameter: 'b', value: 1, text: 'x' },
      { parameter: 'c' },
    ]);
    expect(problems.map((p) => p.path)).toEqual(['input.actuals[1].parameter', 'input.actuals[2]', 'input.actuals[3]']);
    expect(problems[0].message).toMatch(/a is given twice/);
  });
});

describe('excursionAlarms', () => {
  it('holds the excursion’s MD region of a web run and says what, how long, where and which run', () => {
    const [a] = excursionAlarms(run, recipe, 'qcm_rate', excursion, null);
    expect(a).toMatchObject({ kind: 'TRACE_BAND', subject: 'qcm_rate', mdStartMm: 1500, mdEndMm: 2000 });
    expect(a.reason).toBe(
      'qcm_rate out of band (1 ± 20 %, over 60 s) for 600 s (worst 0.450) from 2026-11-22T08:00:00.000Z to 2026-11-22T08:10:00.000Z in run run-1 (INT-AU v3 on TE-1): roll R1 MD [1500, 2000) mm',
    );
  });

  it('holds only what an earlier hold of the same excursion did not cover', () => {
    expect(excursionAlarms(run, recipe, 'qcm_rate', excursion, 1800)[0]).toMatchObject({ mdStartMm: 1800, mdEndMm: 2000 });
    expect(excursionAlarms(run, recipe, 'qcm_rate', excursion, 2000)).toEqual([]);
  });

  it('holds a whole sheet for a sheet run, wherever the samples were', () => {
    const sheetRun = { ...run, mdMode: 'BATCH', mdStartMm: 3000, mdEndMm: 3300 } as ProcessRunEntity;
    expect(excursionAlarms(sheetRun, recipe, 'qcm_rate', excursion, null)[0]).toMatchObject({ mdStartMm: 3000, mdEndMm: 3300 });
    // already held while it was running: the sheet is not held a second time
    expect(excursionAlarms(sheetRun, recipe, 'qcm_rate', excursion, 3300)).toEqual([]);
  });
});
