import { tokenFailureResponse } from '@aps-ssa/core';
import { ssaToken } from '@aps-ssa/hono';
import type { SsaTokenOptions } from '@aps-ssa/hono';
import { Hono } from 'hono';

/**
 * Builds the sample app. `options` go to `ssaToken()`: by default the `APS_*` environment;
 * `{ provider }` to share one you made, `{ env }` to read another environment.
 */
export function createApp(options: SsaTokenOptions = {}): Hono {
  // Made once, here: the token provider (cache, refresh, retries) and the APS client live in it.
  // "No token could be had" becomes 503 + Retry-After (APS down) or 502 (APS refused), as JSON with a
  // generic message, through app.onError; the reason goes to console.error.
  const aps = ssaToken(options);
  const app = new Hono();

  // Can a token be had, and for how long? (Not behind the middleware: it answers 503 itself.)
  app.get('/healthz', async (c) => {
    try {
      const { expiresAt, scopes } = await aps.provider.getToken();
      const expiresIn = Math.floor((expiresAt - Date.now()) / 1000);
      return c.json({ status: 'ok', expiresAt: new Date(expiresAt).toISOString(), expiresIn, scopes });
    } catch (error) {
      const answer = tokenFailureResponse(error);
      if (answer === undefined) throw error;
      // The reason names this server's service account and quotes APS: for the log, not for probers.
      console.error(`healthz: ${answer.code}: ${(error as Error).message}`);
      return c.json({ status: 'unavailable', error: answer.code, message: answer.message }, 503);
    }
  });

  // The service account's APS profile: c.var.aps.client sends its token (and refreshes it on a 401).
  app.get('/me', aps, async (c) => c.json(await c.var.aps.client.get('userprofile/v1/users/@me').json()));
  return app;
}
