import type { Circuit, CircuitElement, CircuitNode } from './circuit';
import { CircuitSyntaxError } from './circuit-syntax-error';
import { ELEMENT_SPECS, type ElementType, type ParamKind } from './elements';

const KNOWN_TYPES = new Set<string>(Object.keys(ELEMENT_SPECS));

function isLetter(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
function isNameChar(c: string): boolean {
  return isLetter(c) || (c >= '0' && c <= '9') || c === '_';
}
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Mutable element record used while parsing; offsets are filled in afterwards. */
interface ElementDraft {
  name: string;
  type: ElementType;
  position: number;
  paramOffset: number;
  paramCount: number;
}

type DraftNode =
  | { kind: 'element'; element: ElementDraft }
  | { kind: 'series'; children: DraftNode[] }
  | { kind: 'parallel'; children: DraftNode[]; position: number };

/**
 * Recursive-descent parser for the circuit notation:
 *
 *   series   := term ('-' term)*
 *   term     := parallel | element
 *   parallel := 'p' '(' series (',' series)* ')'
 *   element  := TYPE INDEX       TYPE in R C L CPE W Wo Ws; INDEX starts with a digit or '_'
 *
 * Whitespace between tokens is ignored. Positions in errors refer to the string as given.
 */
class CircuitParser {
  private pos = 0;
  private readonly seen = new Map<string, number>();
  readonly elements: ElementDraft[] = [];

  constructor(private readonly src: string) {}

  private fail(reason: string, position: number): never {
    throw new CircuitSyntaxError(reason, this.src, position);
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && isSpace(this.src[this.pos])) this.pos++;
  }

  private peek(): string | undefined {
    return this.pos < this.src.length ? this.src[this.pos] : undefined;
  }

  parse(): DraftNode {
    this.skipSpace();
    if (this.pos >= this.src.length) this.fail('empty circuit string', 0);
    const root = this.parseSeries();
    this.skipSpace();
    const c = this.peek();
    if (c !== undefined) {
      if (c === ')') this.fail("unbalanced parentheses: ')' has no matching '('", this.pos);
      if (c === ',') this.fail("',' outside a parallel block p(...)", this.pos);
      this.fail(`unexpected character '${c}'`, this.pos);
    }
    return root;
  }

  private parseSeries(): DraftNode {
    const children: DraftNode[] = [this.parseTerm()];
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '-') break;
      const dashPos = this.pos;
      this.pos++;
      this.skipSpace();
      const c = this.peek();
      if (c === undefined || c === ')' || c === ',') {
        this.fail("trailing '-': a series connection needs an element after it", dashPos);
      }
      if (c === '-') this.fail("unexpected '-': two series dashes in a row", this.pos);
      children.push(this.parseTerm());
    }
    return children.length === 1 ? children[0] : { kind: 'series', children };
  }

  private parseTerm(): DraftNode {
    this.skipSpace();
    const start = this.pos;
    const c = this.peek();
    if (c === undefined) this.fail('expected an element, found the end of the string', start);
    if (c === '-') this.fail("leading '-': a series connection needs an element before it", start);
    if (c === ')') this.fail("expected an element, found ')'", start);
    if (c === ',') this.fail("expected an element, found ','", start);
    if (c === '(') this.fail("unexpected '(': parallel blocks are written p(...)", start);
    if (c === 'p') {
      let look = this.pos + 1;
      while (look < this.src.length && isSpace(this.src[look])) look++;
      if (this.src[look] === '(') return this.parseParallel(look);
    }
    if (isLetter(c)) return this.parseElement();
    return this.fail(`unexpected character '${c}'`, start);
  }

  private parseParallel(openPos: number): DraftNode {
    const pPos = this.pos;
    this.pos = openPos + 1;
    this.skipSpace();
    if (this.peek() === ')') this.fail('empty parallel block p()', pPos);
    if (this.peek() === undefined) this.fail("unbalanced parentheses: '(' is never closed", openPos);
    const children: DraftNode[] = [];
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c === ',' || c === ')') this.fail(`empty branch in parallel block, found '${c}'`, this.pos);
      if (c === undefined) this.fail("unbalanced parentheses: '(' is never closed", openPos);
      children.push(this.parseSeries());
      this.skipSpace();
      const next = this.peek();
      if (next === ',') {
        this.pos++;
        continue;
      }
      if (next === ')') {
        this.pos++;
        break;
      }
      if (next === undefined) this.fail("unbalanced parentheses: '(' is never closed", openPos);
      this.fail(`unexpected character '${next}'`, this.pos);
    }
    return { kind: 'parallel', children, position: pPos };
  }

  private parseElement(): DraftNode {
    const start = this.pos;
    let end = start;
    while (end < this.src.length && isNameChar(this.src[end])) end++;
    const name = this.src.slice(start, end);
    let letters = 0;
    while (letters < name.length && isLetter(name[letters])) letters++;
    const typeName = name.slice(0, letters);
    if (!KNOWN_TYPES.has(typeName)) {
      this.fail(`unknown element '${name}' (known types: ${Object.keys(ELEMENT_SPECS).join(', ')})`, start);
    }
    if (letters === name.length) {
      this.fail(`missing index after element type '${typeName}' (write e.g. ${typeName}1)`, start + letters);
    }
    const previous = this.seen.get(name);
    if (previous !== undefined) {
      this.fail(`duplicate element name '${name}' (first used at position ${previous})`, start);
    }
    this.seen.set(name, start);
    this.pos = end;
    const type = typeName as ElementType;
    const element: ElementDraft = {
      name,
      type,
      position: start,
      paramOffset: 0,
      paramCount: ELEMENT_SPECS[type].params.length,
    };
    this.elements.push(element);
    return { kind: 'element', element };
  }
}

function freeze(node: DraftNode): CircuitNode {
  switch (node.kind) {
    case 'element':
      return Object.freeze({ kind: 'element', element: Object.freeze(node.element) as CircuitElement });
    case 'series':
      return Object.freeze({ kind: 'series', children: Object.freeze(node.children.map(freeze)) });
    case 'parallel':
      return Object.freeze({
        kind: 'parallel',
        children: Object.freeze(node.children.map(freeze)),
        position: node.position,
      });
  }
}

function toText(node: DraftNode): string {
  switch (node.kind) {
    case 'element':
      return node.element.name;
    case 'series':
      return node.children.map(toText).join('-');
    case 'parallel':
      return `p(${node.children.map(toText).join(',')})`;
  }
}

/**
 * Parses a circuit string such as `R0-p(R1,CPE1)-p(R2-Wo1,C2)`. Throws CircuitSyntaxError with the
 * position of the first problem.
 */
export function parseCircuit(text: string): Circuit {
  if (typeof text !== 'string') throw new TypeError('parseCircuit expects a string');
  const parser = new CircuitParser(text);
  const draft = parser.parse();
  const paramNames: string[] = [];
  const paramKinds: ParamKind[] = [];
  for (const el of parser.elements) {
    el.paramOffset = paramNames.length;
    const spec = ELEMENT_SPECS[el.type];
    spec.params.forEach((kind, i) => {
      paramNames.push(spec.params.length === 1 ? el.name : `${el.name}_${i}`);
      paramKinds.push(kind);
    });
  }
  const source = toText(draft);
  const root = freeze(draft);
  return Object.freeze({
    source,
    root,
    elements: Object.freeze(parser.elements.map((e) => e as CircuitElement)),
    paramNames,
    paramKinds: Object.freeze(paramKinds),
    paramCount: paramNames.length,
  });
}

/** Circuit string in canonical form (no whitespace). */
export function circuitToString(circuit: Circuit): string {
  return circuit.source;
}
