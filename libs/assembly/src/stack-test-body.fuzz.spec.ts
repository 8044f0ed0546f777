import fc from 'fast-check';
import { anyJson, corrupted, UNIT_FUZZ_RUNS } from '@mes/testing';
import { isStackBarcode } from './cell-code';
import { validateStackTestBody } from './stack-test-body';

/** The stack-test rig's body (POST /api/v1/stack-tests) and stack barcodes fuzzed. */
describe('stack-test body (fuzzed)', () => {
  const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const valid = fc
    .uniqueArray(
      finite(1e-3, 1e7).filter((f) => f > 0),
      { minLength: 3, maxLength: 20 },
    )
    .chain((frequenciesHz) => {
      const z = fc.array(finite(-1e9, 1e9), { minLength: frequenciesHz.length, maxLength: frequenciesHz.length });
      return fc.record({
        testId: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
        stack: fc.string({ minLength: 1, maxLength: 64 }),
        ocvV: finite(-1, 6),
        frequenciesHz: fc.constant(frequenciesHz),
        zReOhm: z,
        zImOhm: z,
      });
    });

  it('accepts every body the contract allows, with the values it carries', () => {
    fc.assert(
      fc.property(valid, (b) => expect(validateStackTestBody(b)).toEqual({ ok: true, value: b })),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers any JSON and corrupted bodies with the body or problems naming the field and what was expected', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson(3),
          valid.chain((b) => corrupted(b)),
        ),
        (v) => {
          const r = validateStackTestBody(v);
          if (r.ok) {
            expect(r.value.zReOhm).toHaveLength(r.value.frequenciesHz.length);
            expect(r.value.zImOhm).toHaveLength(r.value.frequenciesHz.length);
            return;
          }
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(p.message).toMatch(/expected|unknown field/);
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('reads any scanned text as a stack barcode or not, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^STK-[A-Za-z0-9._-]{1,60}$/)), (s) => {
        expect(isStackBarcode(s)).toBe(/^STK-[A-Za-z0-9._-]{1,60}$/.test(s));
      }),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });
});
