import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Where `vite build` writes the web UI (npm start builds it when missing or stale). */
export const WEB_DIST_DIR = path.resolve(__dirname, '../../../web/dist');

/**
 * Serves the built web UI at /: hashed assets cached for good, index.html never (a new build is
 * seen on the next load). Paths of the API (/graphql, /health, /api) are never answered here.
 * When the UI is not built, / says so instead of a bare 404.
 */
export function webUi(dir = WEB_DIST_DIR) {
  const assets = express.static(dir, {
    index: false,
    setHeaders: (res, file) =>
      res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || /^\/(graphql|health|api)(\/|\?|$)/.test(req.path)) return next();
    if (req.path === '/' || req.path === '/index.html') {
      const index = path.join(dir, 'index.html');
      if (!existsSync(index)) {
        res
          .status(503)
          .type('text/plain')
          .send(`The web UI is not built (no ${index}): npm start builds it, or run: npx vite build apps/web\n`);
        return;
      }
      res.setHeader('cache-control', 'no-cache');
      return res.sendFile(index);
    }
    assets(req, res, next);
  };
}
