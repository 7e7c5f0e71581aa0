import { tokenFailureResponse } from '@aps-ssa/core';
import { ssaToken } from '@aps-ssa/fastify';
import type { SsaTokenOptions } from '@aps-ssa/fastify';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

/**
 * Builds the sample app. `options` go to the `ssaToken` plugin: by default the `APS_*` environment;
 * `{ provider }` to share one you made, `{ env }` to read another environment.
 */
export function createApp(options: SsaTokenOptions = {}): FastifyInstance {
  const app = Fastify();
  // Every route gets the token and an APS client on request.aps, but those with `config: { aps: false }`.
  // "No token could be had" becomes 503 + Retry-After (APS down) or 502 (APS refused), as JSON with a
  // generic message; the reason goes to console.error. The provider is closed with the app.
  void app.register(ssaToken, options);

  // Can a token be had, and for how long? (Without the plugin's token: it answers 503 itself.)
  app.get('/healthz', { config: { aps: false } }, async (_request, reply) => {
    try {
      const { expiresAt, scopes } = await app.apsProvider.getToken();
      const expiresIn = Math.floor((expiresAt - Date.now()) / 1000);
      return { status: 'ok', expiresAt: new Date(expiresAt).toISOString(), expiresIn, scopes };
    } catch (error) {
      const answer = tokenFailureResponse(error);
      if (answer === undefined) throw error;
      // The reason names this server's service account and quotes APS: for the log, not for probers.
      console.error(`healthz: ${answer.code}: ${(error as Error).message}`);
      return reply.code(503).send({ status: 'unavailable', error: answer.code, message: answer.message });
    }
  });

  // The service account's APS profile: request.aps.client sends its token (and refreshes it on a 401).
  app.get('/me', (request) => request.aps.client.get('userprofile/v1/users/@me').json());
  return app;
}
