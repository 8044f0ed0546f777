import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { requestTraceContext } from './tracing';

export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * The correlation id of the request or job this code runs for. One id follows a rig's POST from the
 * gateway through the subgraph into every BullMQ job it starts, so the log lines of all of them can
 * be found by one search.
 */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

/** An id a client may choose: short and plain, so it cannot forge a log line or flood a log index. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Run fn (and everything it awaits) under a correlation id; without one, under none. */
export function runWithCorrelation<T>(correlationId: string | undefined, fn: () => T): T {
  return correlationId ? storage.run({ correlationId }, fn) : fn();
}

/** The id a caller sent, if it is acceptable; otherwise a new one. */
export function correlationIdOf(header: string | string[] | undefined): string {
  const sent = Array.isArray(header) ? header[0] : header;
  return sent && ACCEPTED_ID.test(sent) ? sent : randomUUID();
}

/**
 * Express middleware, first of every app: takes the caller's x-correlation-id (or makes one), writes
 * it back onto the request (so proxies and the gateway pass it on as they find it) and onto the
 * answer, and runs the rest of the request under it.
 */
export function correlationMiddleware() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = correlationIdOf(req.headers[CORRELATION_HEADER]);
    req.headers[CORRELATION_HEADER] = id;
    res.setHeader(CORRELATION_HEADER, id);
    storage.run({ correlationId: id }, next);
  };
}

/**
 * Enter the request's correlation id again. A body parser calls next() from the request stream's
 * 'end' event, which runs in the async context of the connection, not of the request, so whatever
 * comes after it would log without the id: install this after each body parser.
 */
export function reenterCorrelation() {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const id = req.headers[CORRELATION_HEADER];
    // The request's span too, when tracing is on: spans made after the parser are its children.
    const traced = requestTraceContext(req);
    const go = traced ? () => context.with(traced, next) : next;
    if (typeof id === 'string') storage.run({ correlationId: id }, go);
    else go();
  };
}
