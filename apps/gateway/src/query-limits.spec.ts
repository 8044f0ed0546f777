import { buildSchema, parse, validate } from 'graphql';
import { QUERY_LIMITS, queryLimitRules } from './query-limits';

describe('query limits at the gateway', () => {
  const schema = buildSchema(`
    type Roll { barcode: String! parents: [Roll!]! sheets: [Sheet!]! }
    type Sheet { barcode: String! roll: Roll! }
    type Point { value: Float! sheet: String! }
    type Query { roll(barcode: String!): Roll points(last: Int): [Point!]! }
  `);
  const check = (query: string, limits = QUERY_LIMITS) => validate(schema, parse(query), queryLimitRules(limits));
  const nested = (levels: number) => `{ roll(barcode: "R1") { ${'parents { '.repeat(levels)}barcode${' }'.repeat(levels)} } }`;

  it('lets ordinary operations through', () => {
    expect(check('{ roll(barcode: "R1") { barcode sheets { barcode roll { barcode } } } }')).toEqual([]);
    expect(check('query { a: roll(barcode: "R1") { barcode } b: roll(barcode: "R2") { barcode } }')).toEqual([]);
    expect(check(nested(QUERY_LIMITS.maxDepth - 2))).toEqual([]);
  });

  it('refuses an operation nested deeper than the limit, saying how deep it is', () => {
    const errors = check(nested(QUERY_LIMITS.maxDepth));
    expect(errors.map((e) => [e.message, e.extensions.code])).toEqual([
      [
        `The operation's depth is ${QUERY_LIMITS.maxDepth + 2}; the gateway allows at most ${QUERY_LIMITS.maxDepth}: split it into smaller operations`,
        'GRAPHQL_VALIDATION_FAILED',
      ],
    ]);
  });

  it('counts depth through fragments, so a fragment does not hide nesting', () => {
    const query = `{ roll(barcode: "R1") { ...P } } fragment P on Roll { ${'parents { '.repeat(QUERY_LIMITS.maxDepth)}barcode${' }'.repeat(QUERY_LIMITS.maxDepth)} }`;
    expect(check(query).map((e) => e.extensions.limit)).toEqual(['depth']);
  });

  it('refuses more aliases than the limit', () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `r${i}: roll(barcode: "R${i}") { barcode }`).join(' ')} }`;
    expect(check(aliases(QUERY_LIMITS.maxAliases))).toEqual([]);
    const errors = check(aliases(QUERY_LIMITS.maxAliases + 1));
    expect(errors.map((e) => e.message)).toEqual([
      `The operation's number of aliases is ${QUERY_LIMITS.maxAliases + 1}; the gateway allows at most ${QUERY_LIMITS.maxAliases}: split it into smaller operations`,
    ]);
  });

  it('refuses an operation whose cost (lists asked for by length) is over the limit', () => {
    expect(check('{ points(last: 5000) { value sheet } }')).toEqual([]);
    const errors = check('{ points(last: 5000) { value sheet } more: points(last: 5000) { value sheet } roll(barcode: "R1") { barcode } }');
    expect(errors.map((e) => e.extensions.limit)).toEqual(['cost']);
    expect(errors[0].message).toMatch(/^The operation's cost is \d+; the gateway allows at most 50000: split it into smaller operations$/);
  });

  it('takes its limits as given', () => {
    expect(check(nested(2), { maxDepth: 3, maxAliases: 1, maxCost: 100 }).map((e) => e.extensions.limit)).toEqual(['depth']);
  });
});
