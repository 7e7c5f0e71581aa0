import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppRecord, EmulatorState } from '../state/state.js';

export type ClientAuthResult =
  | { readonly ok: true; readonly app: AppRecord }
  | {
      readonly ok: false;
      readonly status: 400 | 401;
      readonly error: string;
      readonly description: string;
      /** The client id presented, for the log. */
      readonly clientId?: string;
    };

const INVALID_CREDENTIALS = 'The client credentials are invalid.';

function invalid(clientId?: string): ClientAuthResult {
  return { ok: false, status: 401, error: 'invalid_credentials', description: INVALID_CREDENTIALS, ...(clientId === undefined ? {} : { clientId }) };
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * `Authorization: Basic base64(client_id:client_secret)`, decoded exactly as Autodesk's SDKs encode it: the id and
 * secret as they are, split at the first `:` (client ids never hold one). RFC 6749 §2.3.1 asks clients to
 * form-encode both first, but `@aps_sdk/authentication` does not, and APS accepts what its own SDK sends;
 * how APS treats a form-encoded secret is not documented (reference §2 [U]), so a secret holding `+ / = %` must
 * be sent raw, and a form-encoded one is refused as wrong credentials.
 */
function parseBasic(authorization: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=_-]+) *$/i.exec(authorization);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Confidential-client authentication by `Authorization: Basic` or the form fields `client_id` + `client_secret`,
 * never both (reference §2, D-tok).
 */
export function authenticateClient(
  authorization: string | undefined,
  form: URLSearchParams,
  state: EmulatorState,
): ClientAuthResult {
  if (authorization !== undefined && authorization !== '') {
    for (const field of ['client_id', 'client_secret']) {
      if (form.has(field)) {
        // D-tok documents the client_id text; the client_secret one mirrors it [U].
        return {
          ok: false,
          status: 400,
          error: 'invalid_request',
          description: `The '${field}' is not supported in the request body when Authorization headers are present.`,
        };
      }
    }
    const basic = parseBasic(authorization);
    if (!basic) return invalid();
    return check(basic.clientId, basic.secret, state);
  }
  const clientId = form.get('client_id');
  const secret = form.get('client_secret');
  if (!clientId && !secret) {
    return { ok: false, status: 401, error: 'invalid_credentials', description: 'No client credentials found.' };
  }
  if (!clientId || !secret) return invalid(clientId ?? undefined);
  return check(clientId, secret, state);
}

function check(clientId: string, secret: string, state: EmulatorState): ClientAuthResult {
  const app = state.getApp(clientId);
  if (!app || !sameSecret(secret, app.clientSecret)) return invalid(clientId);
  return { ok: true, app };
}
