import { tokenHealth } from '@aps-ssa/core';
import { ssaErrorHandler, ssaTokenMiddleware } from '@aps-ssa/express-middleware';
import type { SsaTokenMiddlewareOptions } from '@aps-ssa/express-middleware';
import express from 'express';
import type { Express } from 'express';

/**
 * Builds the sample app. `options` go to `ssaTokenMiddleware()`: by default the `APS_*` environment;
 * `{ provider }` to share one you made, `{ env }` to read another environment.
 */
export function createApp(options: SsaTokenMiddlewareOptions = {}): Express {
  // Made once, here: the token provider (cache, refresh, retries) and the APS client live in it.
  const aps = ssaTokenMiddleware(options);
  const app = express();

  // Can a token be had, and for how long? (Not behind the middleware: it answers 503 itself.)
  app.get('/healthz', async (_req, res) => {
    const health = await tokenHealth(aps.provider);
    // The reason names this server's service account and quotes APS: for the log, not for probers.
    if (health.status === 503) console.error(`healthz: ${health.body.error}: ${health.reason}`);
    res.status(health.status).json(health.body);
  });

  // The service account's APS profile: req.aps.client sends its token (and refreshes it on a 401).
  app.get('/me', aps, async (req, res) => {
    res.json(await req.aps.client.get('userprofile/v1/users/@me').json());
  });

  // "No token could be had" becomes 503 + Retry-After (APS down) or 502 (APS refused), as JSON with a
  // generic message; the reason goes to console.error.
  app.use(ssaErrorHandler());
  return app;
}
