import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { DomainError, httpStatusOf } from '@mes/service-core';

/** Every REST error answer has the contract's shape: { error: { code, message, details } }. */
@Catch()
export class RestErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('REST');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return exception; // GraphQL errors go through formatGraphqlError
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError) {
      return res.status(httpStatusOf(exception.code)).json({ error: { code: exception.code, message: exception.message, details: exception.details, ...exception.extra } });
    }
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      return res.status(404).json({ error: { code: 'NOT_FOUND', message: exception.message, details: [] } });
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${String((exception as Error).message)}`);
      return res.status(503).json({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Storage is unavailable: nothing was stored; retrying is safe', details: [] } });
    }
    const errorId = randomUUID();
    this.logger.error(`errorId=${errorId} ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    return res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: `Internal error ${errorId}: the server logged the details under this id`, details: [], errorId } });
  }
}

function isDatabaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  const message = e instanceof Error ? e.message : '';
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001'].includes(code) || /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}
