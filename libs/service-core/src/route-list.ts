import type { INestApplication } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { METHODS } from 'node:http';

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
  return routesOfExpress(app.getHttpAdapter().getInstance());
}

function routesOfExpress(instance: unknown): RouteEntry[] {
  const express = instance as { router?: { stack: ExpressLayer[] } };
  const routes: RouteEntry[] = [];
  for (const layer of express.router?.stack ?? []) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    const methods = layer.route.methods as Record<string, boolean> & { _all?: boolean };
    const names = Object.keys(methods).filter((m) => methods[m] && m !== '_all');
    // Nest's @All registers the route for every method Node knows: one entry, ALL.
    if (methods._all || METHODS.every((m) => methods[m.toLowerCase()])) names.splice(0, names.length, 'ALL');
    for (const path of paths) for (const method of names) routes.push({ method: method.toUpperCase(), path });
  }
  return [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
}

/** The routes of the app this adapter serves, for GET /health/routes (computed once: routes do not change after start). */
export function routeListOf(adapter: HttpAdapterHost): () => { routes: RouteEntry[] } {
  let cached: RouteEntry[] | undefined;
  return () => {
    cached ??= routesOfExpress(adapter.httpAdapter.getInstance());
    return { routes: cached };
  };
}
