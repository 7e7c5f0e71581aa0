import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT, jwtVerify } from 'jose';
import { nowSeconds, type EmulatorClock } from '../lib/clock.js';
import { newSigningKeyId } from '../lib/ids.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** `iss` and `aud` of APS access tokens (reference §3, decoded from D-tok). */
export const TOKEN_ISSUER = 'https://developer.api.autodesk.com';
export const TOKEN_AUDIENCE = 'https://autodesk.com';

/**
 * The payload of an access token the emulator issues: the claims of ref §3's documented APS token.
 *
 * @example
 * ```ts
 * const claims = decodeJwt(accessToken) as unknown as AccessTokenClaims; // claims.jti starts with 'SA-'
 * ```
 */
export interface AccessTokenClaims {
  readonly scope: readonly string[];
  readonly client_id: string;
  readonly iss: string;
  readonly aud: string;
  readonly jti: string;
  /** The service account, on 3-legged (SSA) tokens only. */
  readonly userid?: string;
  readonly exp: number;
}

export interface IssueInput {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly serviceAccountId?: string;
  readonly lifetimeSeconds: number;
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly claims: AccessTokenClaims;
}

export type VerifiedToken =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly reason: string; readonly jti?: string };

/**
 * Signs and checks the emulator's access tokens with its own RSA key, published at `/authentication/v2/keys`.
 * Revocation is by `jti`; revoked ids are kept until the token would have expired anyway.
 */
export class TokenAuthority {
  readonly #revoked = new Map<string, number>();
  readonly #clock: EmulatorClock;
  readonly #kid: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  private constructor(clock: EmulatorClock, kid: string, privateKey: KeyObject, publicKey: KeyObject) {
    this.#clock = clock;
    this.#kid = kid;
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
  }

  static async create(clock: EmulatorClock): Promise<TokenAuthority> {
    const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    return new TokenAuthority(clock, newSigningKeyId(), privateKey, publicKey);
  }

  jwks(): { keys: { kid: string; kty: 'RSA'; use: 'sig'; n: string; e: string }[] } {
    const { n, e } = this.#publicKey.export({ format: 'jwk' });
    return { keys: [{ kid: this.#kid, kty: 'RSA', use: 'sig', n: n!, e: e! }] };
  }

  async issue(input: IssueInput): Promise<IssuedToken> {
    // Exactly the claims of ref §3's documented token, no `iat` (none is documented). jti: `SA-` marks SSA tokens
    // (D-jwt FAQ); 2-legged ones carry a bare id.
    const claims: AccessTokenClaims = {
      scope: [...input.scopes],
      client_id: input.clientId,
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      jti: input.serviceAccountId === undefined ? randomUUID() : `SA-${randomUUID()}`,
      ...(input.serviceAccountId === undefined ? {} : { userid: input.serviceAccountId }),
      exp: nowSeconds(this.#clock) + input.lifetimeSeconds,
    };
    const accessToken = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.#kid })
      .sign(this.#privateKey);
    return { accessToken, claims };
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#publicKey, {
        algorithms: ['RS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        currentDate: new Date(this.#clock.now()),
        requiredClaims: ['exp', 'jti'],
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { ok: false, reason: code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid signature or claims' };
    }
    const { scope, client_id: clientId, jti } = payload;
    if (!Array.isArray(scope) || typeof clientId !== 'string' || typeof jti !== 'string') {
      return { ok: false, reason: 'not an emulator access token' };
    }
    if (this.#isRevoked(jti)) return { ok: false, reason: 'revoked', jti };
    return { ok: true, claims: payload as unknown as AccessTokenClaims };
  }

  revoke(claims: AccessTokenClaims): void {
    this.#revoked.set(claims.jti, claims.exp);
  }

  #isRevoked(jti: string): boolean {
    const now = nowSeconds(this.#clock);
    for (const [id, exp] of this.#revoked) if (exp < now) this.#revoked.delete(id);
    return this.#revoked.has(jti);
  }
}
