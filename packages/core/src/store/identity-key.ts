import { createHash } from 'node:crypto';

/**
 * Who a token is for: the fields that decide which token the exchange returns. Holds no secret
 * (the client secret and private key authenticate the request; they do not change the token).
 *
 * @example
 * ```ts
 * const { serviceAccountId, scopes } = provider.identity;
 * ```
 */
export interface TokenIdentity {
  readonly clientId: string;
  readonly serviceAccountId: string;
  readonly keyId: string;
  /** Sorted, without duplicates. */
  readonly scopes: readonly string[];
  /** The token endpoint's base URL, e.g. `https://developer.api.autodesk.com`. */
  readonly baseUrl: string;
}

const KEY_PREFIX = 'aps-ssa:token:v1:';

/** Sorts scopes and drops duplicates, so that `['b', 'a', 'a']` and `['a', 'b']` are one identity. */
export function normalizeScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].sort();
}

/**
 * The store key for an identity: a SHA-256 of its fields, so that a key read from a shared store
 * (Redis) reveals neither the client, the service account nor the scopes.
 *
 * @example
 * ```ts
 * identityKey({ clientId, serviceAccountId, keyId, scopes: ['data:read'], baseUrl: 'https://developer.api.autodesk.com' });
 * // 'aps-ssa:token:v1:3q2+7w…'
 * ```
 */
export function identityKey(identity: TokenIdentity): string {
  const fields = [
    identity.clientId,
    identity.serviceAccountId,
    identity.keyId,
    normalizeScopes(identity.scopes),
    new URL(identity.baseUrl).href.replace(/\/+$/, ''),
  ];
  return KEY_PREFIX + createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}
