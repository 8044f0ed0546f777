import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, type ErrorDetail } from './domain-error';
import { isStorageUnavailable, unstorableText } from './storage-errors';

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** class-validator errors as one VALIDATION_FAILED error with a path per problem. */
export function validationFailed(errors: ValidationErrorLike[], root = 'input'): DomainError {
  const details: ErrorDetail[] = [];
  const walk = (list: ValidationErrorLike[], prefix: string) => {
    for (const e of list) {
      const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`;
      for (const message of Object.values(e.constraints ?? {})) details.push({ path, message });
      walk(e.children ?? [], path);
    }
  };
  walk(errors, root);
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  return new DomainError('VALIDATION_FAILED', `Invalid input: ${summary}`, details);
}

/**
 * The one mapping from thrown errors to what a GraphQL client sees: domain errors keep their code,
 * message and details; anything unexpected is logged with an id and only the id leaves the server.
 */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (errorId: string, error: unknown) => void,
): GraphQLFormattedError {
  let original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  original = unstorableText(original) ?? original;
  if (isStorageUnavailable(original)) {
    // A blink of the database is no bug of the server: the client is told to retry, as REST's 503 does.
    log('storage-unavailable', original);
    return {
      message: 'Storage is unavailable (the database cannot be reached): try again shortly',
      path: formatted.path,
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    };
  }
  if (original instanceof DomainError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, details: original.details, ...original.extra },
    };
  }
  const code = formatted.extensions?.code;
  // graphql-js's own errors (syntax, unknown field, wrong argument type) are the caller's to fix.
  if (error instanceof GraphQLError && !error.originalError) {
    return { ...formatted, extensions: { ...withoutStack(formatted.extensions), code: code ?? 'GRAPHQL_VALIDATION_FAILED' } };
  }
  if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') {
    // Apollo wraps validation errors, so their own extensions (a query limit's name) arrive here.
    return {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...withoutStack(formatted.extensions), code },
    };
  }
  const errorId = randomUUID();
  log(errorId, original);
  return {
    message: `Internal error ${errorId}: the server logged the details under this id`,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  };
}

/**
 * The gateway's mapping. A subgraph's error (the gateway adds `serviceName`) was already formatted
 * by that subgraph's formatGraphqlError: it keeps its message, path and extensions, less anything the
 * gateway's own Apollo Server would add (a stack trace). Everything else (the gateway's validation
 * of the operation, a subgraph it could not reach) goes through formatGraphqlError.
 */
export function formatGatewayError(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: (errorId: string, error: unknown) => void,
): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const fromSubgraph = typeof extensions.serviceName === 'string' && typeof extensions.code === 'string';
  if (fromSubgraph && extensions.code !== 'DOWNSTREAM_SERVICE_ERROR') {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: withoutStack(extensions) };
  }
  return formatGraphqlError(formatted, error, log);
}

/** Extensions less what Apollo adds about the server's insides (a stack trace, the exception). */
function withoutStack(extensions: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extensions).filter(([key]) => key !== 'stacktrace' && key !== 'exception'));
}

/**
 * An unexpected error as it is logged under its errorId: its stack, then each `cause` with its code
 * (a failed fetch says only "fetch failed"; why, such as a reset socket, is in its cause).
 */
export function describeUnexpected(e: unknown): string {
  let text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  let c = e instanceof Error ? (e as { cause?: unknown }).cause : undefined;
  for (let depth = 0; c !== undefined && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code;
    const message = c instanceof Error ? c.message : String(c);
    text += `\ncaused by: ${typeof code === 'string' ? `${code} ` : ''}${message}`;
    c = c instanceof Error ? (c as { cause?: unknown }).cause : undefined;
  }
  return text;
}
