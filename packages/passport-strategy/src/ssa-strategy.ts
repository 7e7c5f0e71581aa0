import { SsaOptionError } from '@aps-ssa/core';
import { PROVIDER_SOURCE_OPTIONS, describeType, providerSource, rejectUnknownOptions, requireOptionsObject, tokenContexts } from '@aps-ssa/core/adapter';
import type { TokenProvider } from '@aps-ssa/core';
import type { ApsTokenContext, ProviderSourceOptions, TokenContexts } from '@aps-ssa/core/adapter';
import type { Request } from 'express';
import { Strategy } from 'passport-strategy';

/**
 * The name the strategy registers under: `passport.authenticate('aps-ssa', { session: false })`.
 *
 * @default 'aps-ssa'
 */
export const SSA_STRATEGY_NAME = 'aps-ssa';

/**
 * The service account a request is authenticated as (`req.user` unless a verify callback maps it).
 *
 * @example
 * ```ts
 * const { id, clientId, scopes } = req.user as SsaIdentity;
 * ```
 */
export interface SsaIdentity {
  /** The service account id. */
  readonly id: string;
  /** The APS app (client id) that owns the service account. */
  readonly clientId: string;
  /** The scopes of the token. */
  readonly scopes: readonly string[];
}

/**
 * What the strategy passes as `info`, so `req.authInfo`: core's `ApsTokenContext`, the token and a client that sends
 * it. Safe to log: `token.accessToken` is hidden from `JSON.stringify` and `util.inspect`.
 *
 * @example
 * ```ts
 * const { client } = req.authInfo as SsaAuthInfo;
 * res.json(await client.get('userprofile/v1/users/@me').json());
 * ```
 */
export type SsaAuthInfo = ApsTokenContext;

/** Passport's `done`: an error, or the user (`false` refuses, with an optional `info`), and `info` for `req.authInfo`. */
export type SsaVerifyDone = (error: Error | null | undefined, user?: unknown, info?: unknown) => void;

/**
 * Maps (or refuses, with `done(null, false, info)`) the service account identity.
 *
 * @example
 * ```ts
 * const verify: SsaVerifyFunction = (identity, authInfo, done) => done(null, { ...identity, role: 'robot' });
 * ```
 */
export type SsaVerifyFunction = (identity: SsaIdentity, authInfo: SsaAuthInfo, done: SsaVerifyDone) => void;

/** {@link SsaVerifyFunction} with the request first, under `passReqToCallback: true`. */
export type SsaVerifyFunctionWithRequest = (req: Request, identity: SsaIdentity, authInfo: SsaAuthInfo, done: SsaVerifyDone) => void;

/**
 * Options of {@link SsaStrategy}: an existing `provider`, or any option of core's
 * `createTokenProvider` (`scopes`, `baseUrl`, `env`, `retry`...), whose identity fields default to
 * the `APS_*` environment; `registry` and `client` (options of `req.authInfo.client`).
 *
 * @example
 * ```ts
 * new SsaStrategy({ scopes: ['data:read'], retry: { budget: 5_000 } });
 * ```
 */
export interface SsaStrategyOptions extends ProviderSourceOptions {
  /**
   * Call the verify callback with the request first (see {@link SsaStrategyOptionsWithRequest}).
   *
   * @default false
   */
  passReqToCallback?: false;
}

/**
 * {@link SsaStrategyOptions} for a verify callback that takes the request first.
 *
 * @example
 * ```ts
 * new SsaStrategy({ passReqToCallback: true }, (req, identity, authInfo, done) => done(null, identity));
 * ```
 */
export interface SsaStrategyOptionsWithRequest extends Omit<SsaStrategyOptions, 'passReqToCallback'> {
  passReqToCallback: true;
}

const WHERE = 'new SsaStrategy()';
const KNOWN_OPTIONS = [...PROVIDER_SOURCE_OPTIONS, 'passReqToCallback'];

interface Authenticated {
  readonly identity: SsaIdentity;
  readonly authInfo: SsaAuthInfo;
}

/**
 * A Passport strategy, named `aps-ssa`, that authenticates a request as the APS service account:
 * `req.user` is its {@link SsaIdentity} and `req.authInfo` its {@link SsaAuthInfo} (token, expiry,
 * APS client). An optional verify callback maps or refuses the identity. When no valid token can be
 * had, authentication errors with core's `SsaTokenUnavailableError` (map it to 503/502).
 *
 * A standard `Strategy` subclass with constructor `(options?, verify?)`, so it works with
 * `@nestjs/passport`'s `PassportStrategy(SsaStrategy)` mixin (whose `validate` is the verify callback).
 *
 * @throws {SsaOptionError} for an unknown option ("Did you mean `scopes`?") or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import passport from 'passport';
 * import { SsaStrategy } from '@aps-ssa/passport-strategy';
 * import type { SsaAuthInfo } from '@aps-ssa/passport-strategy';
 *
 * passport.use(new SsaStrategy({ scopes: ['user-profile:read'] }));
 * app.get('/me', passport.authenticate('aps-ssa', { session: false }), async (req, res) => {
 *   const { client } = req.authInfo as SsaAuthInfo;
 *   res.json(await client.get('userprofile/v1/users/@me').json());
 * });
 * ```
 */
export class SsaStrategy extends Strategy {
  readonly name: string = SSA_STRATEGY_NAME;
  /** Where the tokens come from (shared by every user of the same identity and registry). */
  readonly provider: TokenProvider;
  // Plain fields, not #private ones: Passport calls authenticate() on an Object.create() of the strategy.
  private readonly verify: SsaVerifyFunction | SsaVerifyFunctionWithRequest | undefined;
  private readonly passReqToCallback: boolean;
  private readonly contexts: TokenContexts;
  private readonly last: { current?: Authenticated } = {};

  constructor(verify?: SsaVerifyFunction);
  constructor(options: SsaStrategyOptions, verify?: SsaVerifyFunction);
  constructor(options: SsaStrategyOptionsWithRequest, verify: SsaVerifyFunctionWithRequest);
  constructor(
    options?: SsaStrategyOptions | SsaStrategyOptionsWithRequest | SsaVerifyFunction,
    verify?: SsaVerifyFunction | SsaVerifyFunctionWithRequest,
  ) {
    super();
    // Passport's convention (and @nestjs/passport's mixin, which passes only the callback): options are optional.
    if (typeof options === 'function') [options, verify] = [{}, options];
    options ??= {};
    requireOptionsObject(options as unknown, WHERE);
    rejectUnknownOptions(options, KNOWN_OPTIONS, WHERE);
    const { passReqToCallback = false, ...source } = options;
    if (verify !== undefined && typeof verify !== 'function') {
      throw new SsaOptionError('verify', `The verify callback of ${WHERE} must be a function, got ${describeType(verify)}.`);
    }
    if (typeof passReqToCallback !== 'boolean') {
      throw new SsaOptionError('passReqToCallback', `\`passReqToCallback\` must be a boolean, got ${describeType(passReqToCallback)}.`);
    }
    if (passReqToCallback && verify === undefined) {
      throw new SsaOptionError('passReqToCallback', '`passReqToCallback` needs a verify callback to pass the request to.');
    }
    const found = providerSource(source, WHERE);
    this.provider = found.provider;
    this.contexts = tokenContexts(found);
    this.verify = verify;
    this.passReqToCallback = passReqToCallback;
  }

  /** Authenticates `req` as the service account; only ever calls `success`, `fail` or `error`. */
  override authenticate(req: Request): void {
    // A fresh cached token authenticates in this turn; only a wait for a token costs a promise.
    const ready = this.contexts.peek();
    if (ready !== undefined) return this.authenticateAs(req, ready);
    this.contexts.get().then(
      (authInfo) => this.authenticateAs(req, authInfo),
      (error: Error) => this.error(error),
    );
  }

  private authenticateAs(req: Request, context: SsaAuthInfo): void {
    const { identity, authInfo } = this.authenticated(context);
    const verify = this.verify;
    if (verify === undefined) return this.success(identity, authInfo);
    const done: SsaVerifyDone = (error, user, info) => {
      if (error) return this.error(error);
      if (!user) return this.fail(info, 401);
      this.success(user, info ?? authInfo);
    };
    try {
      if (this.passReqToCallback) (verify as SsaVerifyFunctionWithRequest)(req, identity, authInfo, done);
      else (verify as SsaVerifyFunction)(identity, authInfo, done);
    } catch (error) {
      this.error(error as Error);
    }
  }

  /** Closes {@link SsaStrategy.provider} (for everyone sharing it): call it on shutdown. */
  close(): Promise<void> {
    return this.provider.close();
  }

  /** One frozen identity per token context (itself one per token), so that a warm request allocates nothing of its own. */
  private authenticated(authInfo: SsaAuthInfo): Authenticated {
    const last = this.last.current;
    if (last?.authInfo === authInfo) return last;
    const { serviceAccountId, clientId } = this.provider.identity;
    const current: Authenticated = { identity: Object.freeze({ id: serviceAccountId, clientId, scopes: authInfo.scopes }), authInfo };
    this.last.current = current;
    return current;
  }
}
