import fc from 'fast-check';
import { UNIT_FUZZ_RUNS } from '@mes/testing';
import { CircuitSyntaxError } from './circuit-syntax-error';
import { ELEMENT_SPECS, type ElementType } from './elements';
import { circuitToString, parseCircuit } from './parse-circuit';

/**
 * Circuit strings (rule sets and fits name their model by one) fuzzed: any text parses or fails with
 * a CircuitSyntaxError that points at a position inside the text; a circuit written from the grammar
 * parses to the elements it names and prints back to itself.
 */

const TYPES = Object.keys(ELEMENT_SPECS) as ElementType[];

/** A circuit from the grammar, with distinct element names and random whitespace between tokens. */
const circuitText: fc.Arbitrary<{ text: string; names: string[] }> = fc
  .letrec<{ node: string[] }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      fc.constantFrom(...TYPES).map((t) => [`${t}#`]),
      fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((parts) => [parts.map((p) => p.join('')).join('-')]),
      fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((parts) => [`p(${parts.map((p) => p.join('')).join(',')})`]),
    ),
  }))
  .node.map(([template]) => {
    let i = 0;
    const names: string[] = [];
    const text = template.replace(/#/g, () => String(i++));
    for (const m of text.matchAll(/(CPE|Wo|Ws|R|C|L|W)(\d+)/g)) names.push(m[0]);
    return { text, names };
  });

/** The text with random whitespace between its tokens (never inside an element name). */
const spaced = (text: string) => {
  const tokens = text.match(/(?:CPE|Wo|Ws|R|C|L|W)\d+|[p(),-]/g) ?? [];
  return fc
    .array(fc.constantFrom('', ' ', '\t', '\n', '\r\n'), { minLength: tokens.length + 1, maxLength: tokens.length + 1 })
    .map((ws) => tokens.map((t, i) => ws[i] + t).join('') + ws[tokens.length]);
};

function parsesOrPointsAtFault(text: string): void {
  try {
    const c = parseCircuit(text);
    expect(c.paramNames).toHaveLength(c.paramCount);
  } catch (e) {
    if (!(e instanceof CircuitSyntaxError)) throw new Error(`parseCircuit(${JSON.stringify(text)}) threw ${String(e)}`);
    expect(e.position).toBeGreaterThanOrEqual(0);
    expect(e.position).toBeLessThanOrEqual(text.length);
    expect(e.reason.length).toBeGreaterThan(0);
  }
}

describe('parseCircuit (fuzzed)', () => {
  it('parses a circuit from the grammar to the elements it names, and prints it back', () => {
    fc.assert(
      fc.property(
        circuitText.chain(({ text, names }) => fc.tuple(fc.constant(text), fc.constant(names), spaced(text))),
        ([text, names, withSpace]) => {
          const c = parseCircuit(withSpace);
          expect(c.source).toBe(text);
          expect(c.elements.map((e) => e.name)).toEqual(names);
          expect(c.paramCount).toBe(c.elements.reduce((n, e) => n + ELEMENT_SPECS[e.type].params.length, 0));
          expect(circuitToString(c)).toBe(text);
        },
      ),
      { numRuns: UNIT_FUZZ_RUNS },
    );
  });

  it('answers any text, and any damaged circuit, with a circuit or a syntax error at a position in it', () => {
    const damaged = circuitText.chain(({ text }) =>
      fc
        .tuple(
          fc.nat({ max: text.length }),
          fc.nat({ max: 3 }),
          fc.string({ maxLength: 3, unit: fc.constantFrom(...'pRCLWoseE0123-,()_ x') }),
        )
        .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut)),
    );
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), damaged), parsesOrPointsAtFault), { numRuns: UNIT_FUZZ_RUNS });
  });
});
