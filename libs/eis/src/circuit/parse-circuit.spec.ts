import { CircuitSyntaxError } from './circuit-syntax-error';
import { parseCircuit } from './parse-circuit';

function syntaxError(text: string): CircuitSyntaxError {
  try {
    parseCircuit(text);
  } catch (e) {
    if (e instanceof CircuitSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseCircuit', () => {
  it('names parameters like impedance.py, in order of appearance', () => {
    const c = parseCircuit('R0-p(R1,CPE1)-p(R2-Wo1,C2)-Ws1-W1-L1');
    expect(c.paramNames).toEqual(['R0', 'R1', 'CPE1_0', 'CPE1_1', 'R2', 'Wo1_0', 'Wo1_1', 'C2', 'Ws1_0', 'Ws1_1', 'W1', 'L1']);
    expect(c.paramKinds[3]).toBe('exponent');
    expect(c.paramKinds.filter((k) => k === 'exponent')).toHaveLength(1);
    expect(c.paramCount).toBe(12);
    expect(c.elements.map((e) => e.type)).toEqual(['R', 'R', 'CPE', 'R', 'Wo', 'C', 'Ws', 'W', 'L']);
  });

  it('builds the tree with nesting and ignores whitespace', () => {
    const c = parseCircuit(' R0 - p( R1 , p(R2-Wo1, C2) ) ');
    expect(c.source).toBe('R0-p(R1,p(R2-Wo1,C2))');
    expect(c.root.kind).toBe('series');
    if (c.root.kind !== 'series') return;
    const par = c.root.children[1];
    expect(par.kind).toBe('parallel');
    if (par.kind !== 'parallel') return;
    expect(par.children[1].kind).toBe('parallel');
  });

  it('accepts a single element, a lone parallel block and suffixes with underscores', () => {
    expect(parseCircuit('R1').paramNames).toEqual(['R1']);
    expect(parseCircuit('p(R_ct,CPE_dl)').paramNames).toEqual(['R_ct', 'CPE_dl_0', 'CPE_dl_1']);
  });

  const cases: Array<[string, string, number, RegExp]> = [
    ['empty string', '', 0, /empty circuit string/],
    ['blank string', '   ', 0, /empty circuit string/],
    ['unknown element', 'R0-X1', 3, /unknown element 'X1'/],
    ['unknown element made of letters', 'R0-Rct', 3, /unknown element 'Rct'/],
    ['missing index', 'R0-p(R,C1)', 6, /missing index after element type 'R'/],
    ['missing index at the end', 'R0-CPE', 6, /missing index after element type 'CPE'/],
    ['unclosed parenthesis', 'R0-p(R1,C1', 4, /'\(' is never closed/],
    ['extra closing parenthesis', 'R0-p(R1,C1))', 11, /'\)' has no matching '\('/],
    ['parenthesis without p', 'R0-(R1,C1)', 3, /parallel blocks are written p\(\.\.\.\)/],
    ['empty parallel', 'R0-p()', 3, /empty parallel block/],
    ['empty branch', 'R0-p(R1,)', 8, /empty branch/],
    ['trailing dash', 'R0-p(R1,C1)-', 11, /trailing '-'/],
    ['trailing dash inside a block', 'p(R1-,C1)', 4, /trailing '-'/],
    ['leading dash', '-R0', 0, /leading '-'/],
    ['leading dash inside a block', 'p(-R1,C1)', 2, /leading '-'/],
    ['double dash', 'R0--R1', 3, /two series dashes/],
    ['duplicate element name', 'R0-p(R1,C1)-p(R1,C2)', 14, /duplicate element name 'R1'/],
    ['unexpected character', 'R0+R1', 2, /unexpected character '\+'/],
    ['unexpected character after an element', 'R0-p(R1;C1)', 7, /unexpected character ';'/],
    ['comma outside parallel', 'R0,R1', 2, /outside a parallel block/],
    ['digit first', '1R', 0, /unexpected character '1'/],
  ];

  it.each(cases)('rejects %s (%j) at the right position', (_label, text, position, message) => {
    const err = syntaxError(text);
    expect(err).toBeInstanceOf(CircuitSyntaxError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CircuitSyntaxError');
    expect(err.position).toBe(position);
    expect(err.message).toMatch(message);
    // the message shows the string and a caret under the offending character
    const lines = err.message.split('\n');
    expect(lines[1]).toBe(`  ${text}`);
    expect(lines[2]).toBe(`  ${' '.repeat(position)}^`);
  });

  it('rejects non-strings', () => {
    expect(() => parseCircuit(42 as unknown as string)).toThrow(TypeError);
  });
});
