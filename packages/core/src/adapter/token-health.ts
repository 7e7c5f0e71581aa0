import type { TokenProvider } from '../provider/token-provider.js';
import { tokenFailureResponse } from './token-failure-response.js';

/** What {@link tokenHealth} answers: an HTTP status and a JSON body for a health endpoint. */
export type TokenHealth =
  | {
      readonly status: 200;
      readonly body: { readonly status: 'ok'; readonly expiresAt: string; readonly expiresIn: number; readonly scopes: readonly string[] };
    }
  | {
      readonly status: 503;
      readonly body: { readonly status: 'unavailable'; readonly error: string; readonly message: string };
      /** The error's own message (it names the service account and quotes APS): for the log, not for probers. */
      readonly reason: string;
    };

/**
 * Can a token be had, and for how long? A health endpoint's answer, in any framework: 200 with the token's expiry
 * (ISO 8601), whole seconds left and scopes, or 503 with the error's stable code and a generic sentence when no
 * token can be had. Rejects with anything that is not a token failure (a bug, not an outage).
 *
 * @example
 * ```ts
 * app.get('/healthz', async (_req, res) => {
 *   const health = await tokenHealth(provider);
 *   if (health.status === 503) console.error(`healthz: ${health.body.error}: ${health.reason}`);
 *   res.status(health.status).json(health.body);
 * });
 * ```
 */
export async function tokenHealth(provider: TokenProvider): Promise<TokenHealth> {
  try {
    const { expiresAt, scopes } = provider.peek() ?? (await provider.getToken());
    const expiresIn = Math.floor((expiresAt - Date.now()) / 1000);
    return { status: 200, body: { status: 'ok', expiresAt: new Date(expiresAt).toISOString(), expiresIn, scopes } };
  } catch (error) {
    const answer = tokenFailureResponse(error);
    if (answer === undefined) throw error;
    return { status: 503, body: { status: 'unavailable', error: answer.code, message: answer.message }, reason: (error as Error).message };
  }
}
