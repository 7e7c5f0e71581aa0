import type { AccessToken } from '../access-token.js';
import type { ApsClient } from '../client/aps-client.js';
import type { TokenProvider } from '../provider/token-provider.js';

/**
 * What a framework adapter hands a request: the service account's token and an APS client that sends it (Express's
 * `req.aps`, Passport's `req.authInfo`). Frozen; safe to log: `token.accessToken` is hidden from `JSON.stringify` and
 * `util.inspect`.
 *
 * @example
 * ```ts
 * const { client, expiresAt }: ApsTokenContext = req.aps;
 * res.json({ hubs: await client.get('project/v1/hubs').json(), tokenExpiresAt: expiresAt });
 * ```
 */
export interface ApsTokenContext {
  /** The service account's token; read `token.accessToken` to send it yourself. */
  readonly token: AccessToken;
  /** When the token expires, in ms since the epoch. */
  readonly expiresAt: number;
  /** The scopes the token carries. */
  readonly scopes: readonly string[];
  /** A ky instance bound to APS that sends the token (and takes a fresh one after a 401). */
  readonly client: ApsClient;
}

/** The {@link ApsTokenContext}s of one provider and client, as {@link tokenContexts} makes them. */
export interface TokenContexts {
  /** The context of the fresh cached token, or `undefined` (see `TokenProvider.peek()`): continue in the same turn. */
  peek(): ApsTokenContext | undefined;
  /** The context of a valid token, waiting for one when none is cached (see `TokenProvider.getToken()`). */
  get(): Promise<ApsTokenContext>;
}

/**
 * One frozen {@link ApsTokenContext} per token of `provider`, shared by every request it serves, so that a request on a
 * warm cache allocates nothing of its own: what an adapter puts on the request.
 *
 * @example
 * ```ts
 * const contexts = tokenContexts(providerSource(options, 'myAdapter()'));
 * const context = contexts.peek() ?? (await contexts.get());
 * ```
 */
export function tokenContexts(source: { readonly provider: TokenProvider; readonly client: ApsClient }): TokenContexts {
  const { provider, client } = source;
  let last: ApsTokenContext | undefined;
  const contextOf = (token: AccessToken): ApsTokenContext => {
    if (last?.token !== token) last = Object.freeze({ token, expiresAt: token.expiresAt, scopes: token.scopes, client });
    return last;
  };
  return {
    peek: () => {
      const token = provider.peek();
      return token === undefined ? undefined : contextOf(token);
    },
    get: () => provider.getToken().then(contextOf),
  };
}
