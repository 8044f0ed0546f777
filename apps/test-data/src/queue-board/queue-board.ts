import type { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { Role, TokenService, type Actor } from '@mes/auth';
import type { MesConfig } from '@mes/config';
import { ANALYTICS_QUEUE, QUEUES } from '@mes/queue-contracts';
import { bullConnection } from '@mes/service-core';

/** Where the dashboard is served, on test-data and (proxied) on the gateway. */
export const QUEUE_BOARD_PATH = '/admin/queues';
/** The cookie a browser gets from POST /admin/queues/session, for the dashboard's own page loads. */
export const QUEUE_BOARD_COOKIE = 'mes_queue_board';

function refuse(res: Response, status: 401 | 403, message: string): void {
  res.status(status).json({ error: { code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message, details: [] } });
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === QUEUE_BOARD_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * Only an ADMIN sees the queues (and can retry or clean jobs there). A script sends its bearer
 * token; a browser cannot add a header to a page load, so the web UI first posts the token to
 * /admin/queues/session, which answers with an HttpOnly, SameSite=Strict cookie limited to this
 * path and to the token's own lifetime (no other site can make the browser send it).
 */
export function adminOnly(tokens: TokenService, ttlSeconds: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const token = bearer ?? cookieToken(req.headers.cookie);
    if (!token) return refuse(res, 401, 'The queue dashboard needs an ADMIN sign-in: send Authorization: Bearer <token>');
    const actor: Actor | null = tokens.verify(token);
    if (!actor) return refuse(res, 401, 'The token is not valid (expired, or not signed by this MES); sign in again');
    if (actor.role !== Role.ADMIN) return refuse(res, 403, `The queue dashboard is for the ADMIN role; ${actor.username} is ${actor.role}`);
    if (req.method === 'POST' && req.path === '/session') {
      if (!bearer) return refuse(res, 401, 'POST /admin/queues/session takes the token as Authorization: Bearer <token>');
      res.setHeader(
        'set-cookie',
        `${QUEUE_BOARD_COOKIE}=${encodeURIComponent(bearer)}; Path=${QUEUE_BOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${ttlSeconds}`,
      );
      return void res.status(204).end();
    }
    next();
  };
}

type Handler = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Bull Board over the MES's queues (sheet tests, yield analytics) at /admin/queues, behind the
 * ADMIN role, with queue handles of its own, closed with the app. Bull Board is loaded on the first
 * admin request, not at start: it is a second or two of module loading on a busy machine that
 * every start of test-data (and of every test stack) would otherwise pay for a page seldom opened.
 */
export function mountQueueBoard(app: INestApplication, config: MesConfig): () => Promise<void> {
  let board: Promise<{ router: Handler; queues: Queue[]; close: () => Promise<void> }> | undefined;
  const build = async () => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const { connection, close } = bullConnection(
      { url: config.redisUrl, mode: config.redisMode },
      { maxRetriesPerRequest: 1, enableOfflineQueue: false },
    );
    const queues = [QUEUES.sheetTests, ANALYTICS_QUEUE].map((name) => new Queue(name, { connection, prefix: config.queuePrefix }));
    for (const q of queues) q.on('error', () => undefined); // an absent Redis shows in the board, not as a crash
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'MES queues' } },
    });
    return { router: serverAdapter.getRouter() as Handler, queues, close };
  };
  const tokens = new TokenService(config.auth.jwtSecret, config.auth.tokenTtlSeconds);
  app.use(QUEUE_BOARD_PATH, adminOnly(tokens, config.auth.tokenTtlSeconds), (req: Request, res: Response, next: NextFunction) => {
    board ??= build();
    void board.then(({ router }) => router(req, res, next), next);
  });
  return async () => {
    if (!board) return;
    const { queues, close } = await board;
    await Promise.all(queues.map((q) => q.close()));
    await close();
  };
}
