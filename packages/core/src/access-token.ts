import { requireScopes } from './assertion/assertion.js';
import { SsaOptionError } from './errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from './options.js';
import { redactedObject, redactedPrototype } from './redacted.js';

/**
 * The longest access token accepted, in characters. APS's tokens are JWTs of one to two thousand characters; a token
 * is sent in an `Authorization` header, and 8 KiB is the header line most proxies accept (nginx's default buffer).
 * A longer one (a broken proxy's, a hostile server's) is refused rather than cached and sent with every request.
 *
 * @default 8192
 *
 * @example
 * ```ts
 * import { MAX_ACCESS_TOKEN_LENGTH } from '@aps-ssa/core/adapter';
 *
 * if (token.length > MAX_ACCESS_TOKEN_LENGTH) throw new Error('not an APS token');
 * ```
 */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

const KNOWN_FIELDS = ['accessToken', 'tokenType', 'expiresAt', 'scopes'] as const;

const ACCESS_TOKEN = redactedPrototype('AccessToken', ['accessToken']);

/**
 * A three-legged APS access token for a service account. `accessToken` is readable by name, but it
 * is non-enumerable and shows as `[redacted]` in `JSON.stringify`, `util.inspect` and `console.log`,
 * so logging the object never leaks it.
 *
 * @example
 * ```ts
 * const token = await provider.getToken();
 * await fetch(url, { headers: { authorization: `Bearer ${token.accessToken}` } });
 * console.log(token); // AccessToken { tokenType: 'Bearer', expiresAt: 1767225600000, scopes: [ 'data:read' ], accessToken: '[redacted]' }
 * ```
 */
export interface AccessToken {
  /** The bearer token itself: send it as `Authorization: Bearer <accessToken>`. Never log it. */
  readonly accessToken: string;
  /** Always `Bearer`. */
  readonly tokenType: 'Bearer';
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresAt: number;
  /** The scopes the token carries. */
  readonly scopes: readonly string[];
}

/** The fields of an {@link AccessToken}. */
export interface AccessTokenInit {
  accessToken: string;
  tokenType?: 'Bearer';
  expiresAt: number;
  scopes: readonly string[];
}

/**
 * Builds a frozen {@link AccessToken} whose `accessToken` is hidden from `JSON.stringify` and
 * `util.inspect`. Usually made from an exchange: `expiresAt = receivedAt + expiresIn * 1000`.
 *
 * @throws {SsaOptionError} when a field is missing or of the wrong type.
 *
 * @example
 * ```ts
 * const result = await exchangeAssertion({ clientId, clientSecret, assertion });
 * // Name the fields: a spread would not copy the (non-enumerable) accessToken.
 * const token = createAccessToken({
 *   accessToken: result.accessToken,
 *   expiresAt: Date.now() + result.expiresIn * 1000,
 *   scopes: result.scopes,
 * });
 * ```
 */
export function createAccessToken(init: AccessTokenInit): AccessToken {
  requireOptionsObject(init, 'createAccessToken()');
  rejectUnknownOptions(init, KNOWN_FIELDS, 'createAccessToken()');
  if (typeof init.accessToken !== 'string' || init.accessToken === '') {
    throw new SsaOptionError('accessToken', `\`accessToken\` must be a non-empty string, got ${describeType(init.accessToken)}.`);
  }
  if (init.tokenType !== undefined && init.tokenType !== 'Bearer') {
    throw new SsaOptionError('tokenType', '`tokenType` must be `Bearer` (the only type APS issues).');
  }
  if (typeof init.expiresAt !== 'number' || !Number.isFinite(init.expiresAt)) {
    throw new SsaOptionError('expiresAt', `\`expiresAt\` must be milliseconds since the epoch, got ${describeType(init.expiresAt)}.`);
  }
  const scopes = requireScopes(init.scopes, 'scopes');
  return accessTokenOf(init.accessToken, init.expiresAt, Object.isFrozen(scopes) ? scopes : Object.freeze([...scopes]));
}

/**
 * An {@link AccessToken} of values already checked (internal: a provider builds one per refresh from its own store's
 * token, without the checks of {@link createAccessToken}). `scopes` must be frozen: it is kept as it is.
 */
export function accessTokenOf(accessToken: string, expiresAt: number, scopes: readonly string[]): AccessToken {
  return redactedObject<AccessToken>(ACCESS_TOKEN, { tokenType: 'Bearer', expiresAt, scopes, accessToken });
}
