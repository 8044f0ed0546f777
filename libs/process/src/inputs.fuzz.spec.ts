import fc from 'fast-check';
import { anyJson, corrupted, UNIT_FUZZ_RUNS } from '@mes/testing';
import {
  actualValueProblems,
  parameterDefinitionProblems,
  parseTraceBatch,
  thicknessGridProblems,
  traceBandProblems,
  TRACE_CHANNELS,
  type ParameterDefinition,
  type Problem,
  type TraceBand,
} from './index';

/**
 * The process service's external inputs fuzzed: equipment trace batches (REST), recipe parameter
 * definitions, trace bands and actual values (GraphQL), metrology thickness maps. Each answers with a
 * value or with problems that name a path and what was expected; none throws.
 */

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

function expectClear(problems: Problem[]): void {
  for (const p of problems) {
    expect(typeof p.path).toBe('string');
    expect(p.message).toMatch(/expected|missing|unknown|more problems|unexpected|not |twice|must/);
  }
}

/** A trace batch the contract accepts: strictly increasing times and one value per time in each known channel. */
const validBatch = fc
  .record({
    batchId: fc.string({ minLength: 1, maxLength: 100 }).filter((s) => s.trim() !== ''),
    runId: fc.string({ minLength: 1, maxLength: 100 }).filter((s) => s.trim() !== ''),
    t0: fc
      .date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2099-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    steps: fc.array(finite(1e-3, 100), { minLength: 1, maxLength: 30 }),
    channels: fc.uniqueArray(fc.constantFrom(...TRACE_CHANNELS), { minLength: 1, maxLength: 5, selector: (c) => c.name }),
  })
  .chain(({ steps, channels, ...rest }) => {
    const tS: number[] = [];
    steps.reduce((t, s, i) => (tS.push(i === 0 ? 0 : t + s), i === 0 ? 0 : t + s), 0);
    const n = new Set(tS).size === tS.length ? tS.length : 1;
    return fc.tuple(...channels.map(() => fc.array(finite(-1e6, 1e6), { minLength: n, maxLength: n }))).map((values) => ({
      ...rest,
      tS: tS.slice(0, n),
      channels: Object.fromEntries(channels.map((c, i) => [c.name, { unit: c.unit, values: values[i] }])),
    }));
  });

describe('trace batches (fuzzed)', () => {
  it('accepts every batch the contract allows, with the values it carries', () => {
    fc.assert(
      fc.property(validBatch, (body) => {
        const r = parseTraceBatch(body);
        if (!r.batch) throw new Error(`refused a valid batch: ${JSON.stringify(r.problems)}`);
        expect(r.batch.t0Ms).toBe(Date.parse(body.t0));
        expect([...r.batch.tS]).toEqual(body.tS);
        for (const ch of r.batch.channels) expect([...ch.values]).toEqual(body.channels[ch.name].values);
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers any JSON and any corrupted batch with a batch or clear problems (at most 21)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(4),
          validBatch.chain((b) => corrupted(b)),
        ),
        (v) => {
          const r = parseTraceBatch(v);
          if (r.batch) {
            for (let i = 1; i < r.batch.tS.length; i++) expect(r.batch.tS[i]).toBeGreaterThan(r.batch.tS[i - 1]);
            for (const ch of r.batch.channels) expect(ch.values.length).toBe(r.batch.tS.length);
          } else {
            expect(r.problems.length).toBeGreaterThan(0);
            expect(r.problems.length).toBeLessThanOrEqual(21);
            expectClear(r.problems);
          }
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});

/** Parameter definitions as GraphQL delivers them (the schema fixes the types; the values are anything). */
const definition: fc.Arbitrary<ParameterDefinition> = fc.record({
  name: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9]{0,8}(_[a-z0-9]{1,4})?$/), fc.string({ maxLength: 70 })),
  unit: fc.option(fc.oneof(fc.constantFrom('W', 'mTorr', '°C', 'Å/s', 'nm'), fc.string({ maxLength: 25 }))),
  type: fc.constantFrom('NUMBER', 'ENUM', 'TEXT'),
  target: fc.option(fc.oneof(fc.double({ noNaN: true }), fc.string({ maxLength: 10 }))),
  lowerLimit: fc.option(fc.double({ noNaN: true })),
  upperLimit: fc.option(fc.double({ noNaN: true })),
  required: fc.boolean(),
  allowedValues: fc.option(fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 })),
});

describe('recipe parameters (fuzzed)', () => {
  it('answers any parameter definitions, bands and actual values with clear problems, never a throw', () => {
    const band: fc.Arbitrary<TraceBand> = fc.record({
      channel: fc.oneof(fc.constantFrom(...TRACE_CHANNELS.map((c) => c.name)), fc.string({ maxLength: 10 })),
      setpointParameter: fc.option(fc.string({ maxLength: 10 })),
      setpoint: fc.option(fc.double()),
      tolerancePct: fc.double(),
      minDurationS: fc.double(),
    });
    fc.assert(
      fc.property(
        fc.array(definition, { maxLength: 5 }),
        fc.array(band, { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 10 }), anyJson(1)),
        (defs, bands, actuals) => {
          const defProblems = parameterDefinitionProblems(defs);
          expectClear(defProblems);
          expectClear(traceBandProblems(bands, defs));
          if (defProblems.length === 0) expectClear(actualValueProblems(defs, actuals));
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('accepts for each valid definition its target as an actual value', () => {
    fc.assert(
      fc.property(fc.array(definition, { maxLength: 5 }), (defs) => {
        if (parameterDefinitionProblems(defs).length > 0) return;
        const actuals = Object.fromEntries(defs.filter((d) => d.target !== null).map((d) => [d.name, d.target]));
        expect(actualValueProblems(defs, actuals).filter((p) => !/missing required/.test(p.message))).toEqual([]);
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});

describe('thickness maps (fuzzed)', () => {
  it('answers any JSON and corrupted maps with clear problems (at most 21), never a throw', () => {
    const valid = fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 })).chain(([nm, nc]) =>
      fc.record({
        mdMm: fc.constant(Array.from({ length: nm }, (_, i) => i * 10)),
        cdMm: fc.constant(Array.from({ length: nc }, (_, i) => i * 5)),
        valuesUm: fc.array(finite(0.01, 50), { minLength: nm * nc, maxLength: nm * nc }),
      }),
    );
    fc.assert(
      fc.property(valid, (g) => expect(thicknessGridProblems(g)).toEqual([])),
      { numRuns: UNIT_FUZZ_RUNS / 4 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(3),
          valid.chain((g) => corrupted(g)),
        ),
        (v) => {
          const problems = thicknessGridProblems(v);
          expect(problems.length).toBeLessThanOrEqual(21);
          expectClear(problems);
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});
