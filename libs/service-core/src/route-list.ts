import type { INestApplication } from '@nestjs/common';

/** Where every MES app lists its own HTTP routes (beside its health check: both are for operators and tests, not clients). */
export const ROUTE_LIST_PATH = '/health/routes';

export interface RouteEntry {
  /** Upper case: GET, POST, ... or ALL. */
  method: string;
  /** As the app declared it, with parameters: /api/v1/sheet-tests/:sheetTestId */
  path: string;
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * The routes an Express-based Nest app serves, read from its router after init. The authorization
 * test enumerates them from here, so a new controller route cannot escape a role decision by being
 * left out of a hand-written list.
 */
export function routesOf(app: INestApplication): RouteEntry[] {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: ExpressLayer[] } };
  const routes: RouteEntry[] = [];
  for (const layer of express.router?.stack ?? []) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    const methods = layer.route.methods as Record<string, boolean> & { _all?: boolean };
    const names = methods._all ? ['ALL'] : Object.keys(methods).filter((m) => methods[m]);
    for (const path of paths) for (const method of names) routes.push({ method: method.toUpperCase(), path });
  }
  return [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
}

/** Serve GET /health/routes: { routes: [{ method, path }] } of this app, computed once it is initialised. */
export function serveRouteList(app: INestApplication): void {
  let cached: RouteEntry[] | undefined;
  const express = app.getHttpAdapter().getInstance() as {
    get(path: string, handler: (req: unknown, res: { json(body: unknown): void }) => void): void;
  };
  express.get(ROUTE_LIST_PATH, (_req, res) => {
    cached ??= routesOf(app);
    res.json({ routes: cached });
  });
}
