import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from './domain-error';
import { describeUnexpected, formatGatewayError, formatGraphqlError } from './graphql-errors';

/** What Apollo hands formatError when it builds stack traces (NODE_ENV unset, as under npm start). */
const withTrace = (e: GraphQLError, extensions: Record<string, unknown> = {}): GraphQLFormattedError => ({
  ...e.toJSON(),
  extensions: { ...extensions, stacktrace: ['Error: boom', '    at resolve (/srv/mes/apps/x/src/y.ts:10:5)'] },
});

describe('GraphQL error formatting', () => {
  const logged: string[] = [];
  const log = (id: string) => void logged.push(id);

  it('keeps a domain error as it is, without the trace', () => {
    const error = new GraphQLError('wrapped', {
      originalError: new DomainError('NOT_FOUND', 'Unknown roll R9', [{ path: 'barcode', message: 'x' }]),
    });
    expect(formatGraphqlError(withTrace(error, { code: 'INTERNAL_SERVER_ERROR' }), error, log)).toEqual({
      message: 'Unknown roll R9',
      extensions: { code: 'NOT_FOUND', details: [{ path: 'barcode', message: 'x' }] },
    });
  });

  it('tells the client the storage is unavailable when the database cannot be reached, not an internal error', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = new GraphQLError(down.message, { originalError: down });
    const formatted = formatGraphqlError(withTrace(error, { code: 'INTERNAL_SERVER_ERROR' }), error, log);
    expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(formatted.message).toMatch(/^Storage is unavailable/);
  });

  it("refuses text PostgreSQL cannot store (NUL) as the caller's input, not an internal error", () => {
    const nul = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const error = new GraphQLError(nul.message, { originalError: nul });
    const formatted = formatGraphqlError(withTrace(error, { code: 'INTERNAL_SERVER_ERROR' }), error, log);
    expect(formatted.extensions?.code).toBe('VALIDATION_FAILED');
    expect(formatted.message).toMatch(/U\+0000/);
  });

  it('turns anything unexpected into an error id, logged once', () => {
    const error = new GraphQLError('relation "x" does not exist', { originalError: new Error('relation "x" does not exist') });
    const formatted = formatGraphqlError(withTrace(error, { code: 'INTERNAL_SERVER_ERROR' }), error, log);
    const id = String(formatted.extensions?.errorId);
    expect(formatted).toEqual({
      message: `Internal error ${id}: the server logged the details under this id`,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: id },
    });
    expect(logged).toContain(id);
  });

  it("keeps the extensions of a validation error Apollo wrapped (code, the limit's name), not the trace", () => {
    const rule = new GraphQLError('too deep', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' } });
    const wrapped = new GraphQLError('too deep', { extensions: { ...rule.extensions }, originalError: rule });
    expect(formatGatewayError(withTrace(wrapped, { limit: 'depth', code: 'GRAPHQL_VALIDATION_FAILED' }), wrapped, log)).toEqual({
      message: 'too deep',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' },
    });
  });

  it("keeps a validation error's own extensions, not the trace", () => {
    const error = new GraphQLError('too deep', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' } });
    expect(formatGatewayError(withTrace(error, { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' }), error, log)).toEqual({
      message: 'too deep',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' },
    });
  });

  it("passes a subgraph's formatted error through the gateway without the gateway's trace", () => {
    const error = new GraphQLError('Unknown roll R9', { originalError: new Error('Unknown roll R9') });
    const formatted = withTrace(error, { code: 'NOT_FOUND', details: [], serviceName: 'tracking' });
    expect(formatGatewayError({ ...formatted, path: ['roll'] }, error, log)).toEqual({
      message: 'Unknown roll R9',
      path: ['roll'],
      extensions: { code: 'NOT_FOUND', details: [], serviceName: 'tracking' },
    });
  });

  it("gives the gateway's own unexpected failures (a subgraph not answering) an error id", () => {
    const error = new GraphQLError('fetch failed', { originalError: new TypeError('fetch failed') });
    const formatted = formatGatewayError(withTrace(error), error, log);
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(JSON.stringify(formatted)).not.toMatch(/stacktrace|\/srv\/mes|fetch failed/);
  });
});

describe('describeUnexpected', () => {
  it('adds each cause with its code under the stack', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const text = describeUnexpected(new TypeError('fetch failed', { cause: reset }));
    expect(text.split('\n')[0]).toBe('TypeError: fetch failed');
    expect(text).toMatch(/\ncaused by: UND_ERR_SOCKET other side closed$/);
  });

  it('describes an error without a cause, and a thrown value that is not an Error', () => {
    expect(describeUnexpected(new Error('boom'))).not.toContain('caused by');
    expect(describeUnexpected('plain')).toBe('plain');
  });
});
