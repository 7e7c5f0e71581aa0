import type { AccessToken } from '../access-token.js';
import type { TokenProvider } from '../provider/token-provider.js';

/**
 * The 401 rule every outbound path of aps-ssa follows: a request that carried the provider's token and got a 401 is
 * sent once more with a fresh token, and only once; when the provider keeps the same token (too young to be the
 * problem), the 401 stands.
 */

/**
 * Whether a response calls for the one replay with a fresh token: a 401 to a request that carried `sent`, not itself
 * a replay.
 *
 * @example
 * ```ts
 * if (answersWithFreshToken(response.status, token, retried)) fresh = await freshTokenAfter401(provider, token);
 * ```
 */
export function answersWithFreshToken(status: number, sent: AccessToken | undefined, replayed: boolean): sent is AccessToken {
  return status === 401 && sent !== undefined && !replayed;
}

/**
 * Invalidates `rejected` (the token APS answered 401 to) and, when the request can be sent again (`replayable`: no
 * body, or one kept for a replay), returns the provider's fresh token; `undefined` when it cannot, or when the
 * provider keeps the same token (too young to be the problem): resending it would only get another 401.
 *
 * @example
 * ```ts
 * const fresh = await freshTokenAfter401(provider, token, true);
 * if (fresh !== undefined) resendWith(fresh);
 * ```
 */
export async function freshTokenAfter401(provider: TokenProvider, rejected: AccessToken, replayable: boolean): Promise<AccessToken | undefined> {
  provider.invalidate(rejected);
  if (!replayable) return undefined;
  const fresh = await provider.getToken();
  return fresh.accessToken === rejected.accessToken ? undefined : fresh;
}

/**
 * The provider's token without waiting when it has a fresh one cached (`peek()`), else the promise of one.
 *
 * @example
 * ```ts
 * const token = currentToken(provider);
 * const value = token instanceof Promise ? await token : token;
 * ```
 */
export function currentToken(provider: TokenProvider): AccessToken | Promise<AccessToken> {
  return provider.peek() ?? provider.getToken();
}

/**
 * The `Authorization` value for a token, kept for the last token: one string per token, not a new one (and its
 * ByteString check on a fresh concatenation) per request.
 *
 * @example
 * ```ts
 * const bearer = new BearerHeader();
 * headers.set('authorization', bearer.valueFor(token));
 * ```
 */
export class BearerHeader {
  #token: AccessToken | undefined;
  #value = '';

  /** `Bearer <access token>` for `token`. */
  valueFor(token: AccessToken): string {
    if (token !== this.#token) {
      this.#token = token;
      this.#value = `Bearer ${token.accessToken}`;
    }
    return this.#value;
  }
}

/**
 * A body that can be read only once (a web or Node.js stream, any async iterable): never copied for a replay, so a
 * 401 or a 307/308 that would need it again is returned to the caller.
 *
 * @example
 * ```ts
 * isOneShotBody(fs.createReadStream('model.rvt')); // true
 * ```
 */
export function isOneShotBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body instanceof ReadableStream || Symbol.asyncIterator in body);
}
