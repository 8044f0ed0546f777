import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError, httpStatusOf } from './domain-error';
import { describeUnexpected } from './graphql-errors';
import { isStorageUnavailable, unstorableText } from './storage-errors';

/** What body-parser reports for a body it could not read, as the contract's codes. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: (e: { limit?: number }) => string }> = {
  'entity.too.large': {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: (e) => `The body is larger than the limit of ${e.limit ?? '?'} bytes; nothing was stored`,
  },
  'entity.parse.failed': { status: 400, code: 'VALIDATION_FAILED', message: () => 'The body is not valid JSON; nothing was stored' },
  'encoding.unsupported': {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: () => 'Unsupported Content-Encoding: expected gzip, deflate or none',
  },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: () => 'Unsupported charset: expected utf-8' },
  'request.aborted': { status: 400, code: 'VALIDATION_FAILED', message: () => 'The request body ended early; nothing was stored' },
  'request.size.invalid': {
    status: 400,
    code: 'VALIDATION_FAILED',
    message: () => 'The body is shorter or longer than its Content-Length; nothing was stored',
  },
};

/** Framework HTTP errors (the body parser's, an unknown route) with their contract codes. */
const HTTP_CODES: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Every REST error answer has the contract's shape { error: { code, message, details } }: domain
 * refusals, unreadable bodies, storage outages (503, retry is safe) and, with only an id, the rest.
 */
@Catch()
export class RestErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('REST');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return exception; // GraphQL errors go through formatGraphqlError
    const res = host.switchToHttp().getResponse<Response>();
    const unstorable = unstorableText(exception);
    if (unstorable) exception = unstorable;
    if (exception instanceof DomainError) {
      const retryAfter = exception.extra.retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
      return res
        .status(httpStatusOf(exception.code))
        .json({ error: { code: exception.code, message: exception.message, details: exception.details, ...exception.extra } });
    }
    const bodyError = BODY_ERRORS[(exception as { type?: string } | null)?.type ?? ''];
    if (bodyError) {
      return res
        .status(bodyError.status)
        .json({ error: { code: bodyError.code, message: bodyError.message(exception as { limit?: number }), details: [] } });
    }
    const httpCode = exception instanceof HttpException ? HTTP_CODES[exception.getStatus()] : undefined;
    if (exception instanceof HttpException && httpCode) {
      const message =
        exception.getStatus() === 400 ? `The body could not be read (${exception.message}); nothing was stored` : exception.message;
      return res.status(exception.getStatus()).json({ error: { code: httpCode, message, details: [] } });
    }
    if (isStorageUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${String((exception as Error).message)}`);
      return res.status(503).json({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'Storage is unavailable: nothing was stored; retrying is safe', details: [] },
      });
    }
    const errorId = randomUUID();
    this.logger.error(`errorId=${errorId} ${describeUnexpected(exception)}`);
    return res.status(500).json({
      error: {
        code: 'INTERNAL_SERVER_ERROR',
        message: `Internal error ${errorId}: the server logged the details under this id`,
        details: [],
        errorId,
      },
    });
  }
}
