import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenService } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { SheetEventsService, type SheetEvent } from './sheet-events.service';

/** A comment line this often keeps proxies (the gateway's idle timeout is 120 s) from closing the stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events for a sheet's results. SSE rather than GraphQL subscriptions: the federation
 * gateway does not carry subscriptions, the updates only flow one way, and a plain HTTP stream goes
 * through the gateway's /api/v1 proxy, reconnects simply and is readable with curl.
 */
@Controller('api/v1/live')
export class LiveController {
  constructor(
    private readonly events: SheetEventsService,
    private readonly tokens: TokenService,
  ) {}

  @Get('sheets/:sheet')
  async sheet(
    @Param('sheet') sheet: string,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
    if (!match)
      throw new DomainError('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token> from the login mutation');
    if (!this.tokens.verify(match[1].trim()))
      throw new DomainError('UNAUTHENTICATED', 'The bearer token is invalid or expired: log in again');
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(sheet)) {
      throw new DomainError('VALIDATION_FAILED', `${JSON.stringify(sheet)} is not a sheet barcode`, [
        { path: 'sheet', message: 'expected 1-64 letters, digits, dots, dashes or underscores' },
      ]);
    }
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    const send = (e: SheetEvent) => res.write(`event: sheet-test\ndata: ${JSON.stringify(e)}\n\n`);
    const unsubscribe = this.events.subscribe(sheet, send);
    const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    req.on('close', close);
    res.write('retry: 3000\n\n');
    const now = await this.events.current(sheet);
    if (now) send(now);
  }
}
