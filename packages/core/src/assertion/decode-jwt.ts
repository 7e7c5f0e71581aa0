import { decodeJwt as decodeClaims, decodeProtectedHeader } from 'jose';

/** A compact JWT's header and claims, as {@link decodeJwt} decodes them (the signature not checked). */
export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * The header and claims of a compact JWT (an assertion or an access token; surrounding white space ignored), by jose's
 * `decodeProtectedHeader` and `decodeJwt`, or `undefined` when `jwt` is not one. The signature is not checked: use it
 * to show or diagnose a token, never to trust one.
 *
 * @example
 * ```ts
 * import { decodeJwt } from '@aps-ssa/core/adapter';
 *
 * const jti = decodeJwt(accessToken)?.claims.jti;
 * ```
 */
export function decodeJwt(jwt: unknown): DecodedJwt | undefined {
  if (typeof jwt !== 'string') return undefined;
  const token = jwt.trim();
  try {
    return { header: decodeProtectedHeader(token), claims: decodeClaims(token) };
  } catch {
    return undefined;
  }
}
