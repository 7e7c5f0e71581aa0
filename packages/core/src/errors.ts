/**
 * Every error aps-ssa throws is an {@link SsaError} with a stable `code` to switch on.
 *
 * Messages say what happened, why, and what to do. No field of any error ever carries a secret:
 * no private key, client secret, assertion or access token (the request that failed is described,
 * never attached).
 *
 * @example
 * ```ts
 * try {
 *   await provider.getToken();
 * } catch (err) {
 *   if (err instanceof SsaError && err.code === 'ERR_SSA_RATE_LIMITED') retryLater();
 *   else throw err;
 * }
 * ```
 */

/**
 * The codes an {@link SsaTokenEndpointError} carries, at run time.
 *
 * @example
 * ```ts
 * const isEndpointCode = (code: string) => (SSA_TOKEN_ENDPOINT_ERROR_CODES as readonly string[]).includes(code);
 * ```
 */
export const SSA_TOKEN_ENDPOINT_ERROR_CODES = Object.freeze([
  'ERR_SSA_ASSERTION_INVALID',
  'ERR_SSA_INVALID_GRANT',
  'ERR_SSA_INVALID_CLIENT',
  'ERR_SSA_INVALID_REQUEST',
  'ERR_SSA_FORBIDDEN',
  'ERR_SSA_RATE_LIMITED',
  'ERR_SSA_SERVER',
  'ERR_SSA_BAD_RESPONSE',
  'ERR_SSA_RESPONSE_TOO_LARGE',
  'ERR_SSA_NETWORK',
  'ERR_SSA_TIMEOUT',
] as const);

/**
 * Every stable error code, at run time: for code that checks a code it did not make (a store reviving a shared
 * failure, a test). New codes may be added; existing ones never change meaning.
 *
 * @example
 * ```ts
 * const known = (SSA_ERROR_CODES as readonly string[]).includes(record.code);
 * ```
 */
export const SSA_ERROR_CODES = Object.freeze([
  'ERR_SSA_INVALID_OPTION',
  'ERR_SSA_CONFIG',
  'ERR_SSA_KEY_EMPTY',
  'ERR_SSA_KEY_UNRECOGNIZED',
  'ERR_SSA_KEY_PUBLIC',
  'ERR_SSA_KEY_NOT_RSA',
  'ERR_SSA_KEY_TOO_SMALL',
  'ERR_SSA_KEY_ENCRYPTED',
  'ERR_SSA_KEY_FILE',
  'ERR_SSA_SIGNER_SETUP',
  'ERR_SSA_SIGNER_FAILED',
  'ERR_SSA_SIGNER_SIGNATURE',
  ...SSA_TOKEN_ENDPOINT_ERROR_CODES,
  'ERR_SSA_TOKEN_UNAVAILABLE',
  'ERR_SSA_CLOSED',
  'ERR_SSA_API',
] as const);

/** Stable error codes: one of {@link SSA_ERROR_CODES}. */
export type SsaErrorCode = (typeof SSA_ERROR_CODES)[number];

/**
 * Base class of every aps-ssa error.
 *
 * @example
 * ```ts
 * if (err instanceof SsaError) console.error(err.code, err.message);
 * ```
 */
export class SsaError extends Error {
  /** A stable, machine-readable code. */
  readonly code: SsaErrorCode;

  constructor(code: SsaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * An option or argument is missing, of the wrong type, or unknown (with a "did you mean" hint).
 * This is a programming error: fix the call.
 *
 * @example
 * ```ts
 * createTokenProvider({ scope: ['data:read'] }); // SsaOptionError: Unknown option `scope`. Did you mean `scopes`?
 * ```
 */
export class SsaOptionError extends SsaError {
  /** The option (or argument) at fault, e.g. `scopes` or `retry.maxAttempts`. */
  readonly option: string;

  constructor(option: string, message: string, options?: { cause?: unknown }) {
    super('ERR_SSA_INVALID_OPTION', message, options);
    this.option = option;
  }
}

/** One problem found in the configuration: the variable (or option) and what is wrong with it. */
export interface SsaConfigProblem {
  /** The environment variable or option name, e.g. `APS_SA_ID`. */
  readonly variable: string;
  /** What is wrong and how to fix it. Never contains the value of a secret. */
  readonly message: string;
}

/**
 * The configuration (usually the `APS_*` environment) is incomplete or malformed. Every problem is
 * reported at once in `problems`, so one run shows everything to fix.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof SsaConfigError) for (const p of err.problems) console.error(`${p.variable}: ${p.message}`);
 * }
 * ```
 */
export class SsaConfigError extends SsaError {
  readonly problems: readonly SsaConfigProblem[];

  constructor(problems: readonly SsaConfigProblem[], options?: { cause?: unknown }) {
    const list = problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n');
    super('ERR_SSA_CONFIG', `The APS service account configuration has ${problems.length} problem(s):\n${list}`, options);
    this.problems = Object.freeze([...problems]);
  }
}

/** Codes of {@link SsaKeyError}. */
export type SsaKeyErrorCode = Extract<SsaErrorCode, `ERR_SSA_KEY_${string}`>;

/**
 * A private key could not be used: empty, unrecognised, a public key or certificate, not RSA,
 * under 2048 bits, encrypted, or an unreadable file. The message never contains key material.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof SsaKeyError && err.code === 'ERR_SSA_KEY_PUBLIC') console.error('Use the private key from Create Key.');
 * }
 * ```
 */
export class SsaKeyError extends SsaError {
  declare readonly code: SsaKeyErrorCode;

  constructor(code: SsaKeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Codes of {@link SsaSignerError}. */
export type SsaSignerErrorCode = Extract<SsaErrorCode, `ERR_SSA_SIGNER_${string}`>;

/**
 * A `signer` (an HSM, a cloud KMS) could not be set up (`ERR_SSA_SIGNER_SETUP`: its module, token, key or PIN
 * was not found or refused) or could not sign an assertion: `ERR_SSA_SIGNER_FAILED` when its
 * `sign()` threw or returned no bytes, `ERR_SSA_SIGNER_SIGNATURE` when what it returned is not an
 * RS256 signature of the expected length or does not verify against the `publicKey` given. The
 * message never quotes the signing input or the signature; a thrown error is kept as `cause` only
 * when it is an `SsaError` (a foreign one may quote a PIN or a request).
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof SsaSignerError) console.error('The HSM could not sign:', err.message);
 * }
 * ```
 */
export class SsaSignerError extends SsaError {
  declare readonly code: SsaSignerErrorCode;

  constructor(code: SsaSignerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** What is known about a failed call to the token endpoint. Never includes the request body or headers. */
export interface SsaTokenEndpointErrorDetails {
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** APS's `error` field, e.g. `invalid_grant`. */
  readonly error?: string;
  /** APS's `error_description`, e.g. "The 'assertion' is invalid." */
  readonly errorDescription?: string;
  /** The `x-request-id` response header, to quote to Autodesk support. */
  readonly requestId?: string;
  /** Seconds to wait before retrying, from `Retry-After` (429 and some 503). */
  readonly retryAfter?: number;
  /** Whether retrying the same request later can succeed (network errors, timeouts, 429, 5xx). */
  readonly retryable: boolean;
  /** The response's `Date` header in milliseconds since the epoch, to estimate clock skew. */
  readonly serverDate?: number;
}

/** Codes of {@link SsaTokenEndpointError}: one of {@link SSA_TOKEN_ENDPOINT_ERROR_CODES}. */
export type SsaTokenEndpointErrorCode = (typeof SSA_TOKEN_ENDPOINT_ERROR_CODES)[number];

/**
 * The token endpoint refused the request, answered something that is not a token, or could not be
 * reached. `retryable` tells whether trying again later can help.
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof SsaTokenEndpointError) console.error(err.status, err.error, err.requestId);
 * }
 * ```
 */
export class SsaTokenEndpointError extends SsaError implements SsaTokenEndpointErrorDetails {
  declare readonly code: SsaTokenEndpointErrorCode;
  readonly status?: number;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly requestId?: string;
  readonly retryAfter?: number;
  readonly retryable: boolean;
  readonly serverDate?: number;

  constructor(
    code: SsaTokenEndpointErrorCode,
    message: string,
    details: SsaTokenEndpointErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    if (details.status !== undefined) this.status = details.status;
    if (details.error !== undefined) this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
    this.retryable = details.retryable;
    if (details.serverDate !== undefined) this.serverDate = details.serverDate;
  }
}

/**
 * The causes of "The 'assertion' is invalid." that can be seen in an assertion: the five documented
 * ones (`scope-not-array`, `kid`, `missing-claim`, `exp-too-far`, `aud`), plus `unknown-scope` (a scope APS does
 * not document, such as a misspelt one or `'data:read,user-profile:read'` given as one), `alg` (not RS256),
 * `expired` (`exp` already past), `iss` (not the client id that authenticates the exchange) and
 * `malformed` (not a decodable JWT).
 */
export type AssertionIssueCause =
  | 'scope-not-array'
  | 'unknown-scope'
  | 'kid'
  | 'missing-claim'
  | 'exp-too-far'
  | 'aud'
  | 'alg'
  | 'expired'
  | 'iss'
  | 'malformed';

/** One visible fault of the assertion that was sent. */
export interface AssertionIssue {
  readonly cause: AssertionIssueCause;
  /** What is wrong and how to fix it, in plain words. */
  readonly message: string;
}

/**
 * APS answered `invalid_grant` "The 'assertion' is invalid." `issues` lists which of the five
 * documented causes the sent assertion shows; when it is empty, nothing is wrong locally and the
 * key id / private key pairing, a disabled or deleted key, or clock skew is the likely cause (the
 * message says so).
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof SsaAssertionInvalidError) for (const i of err.issues) console.error(i.cause, i.message);
 * }
 * ```
 */
export class SsaAssertionInvalidError extends SsaTokenEndpointError {
  declare readonly code: 'ERR_SSA_ASSERTION_INVALID';
  readonly issues: readonly AssertionIssue[];

  constructor(
    message: string,
    details: SsaTokenEndpointErrorDetails,
    issues: readonly AssertionIssue[],
    options?: { cause?: unknown },
  ) {
    super('ERR_SSA_ASSERTION_INVALID', message, details, options);
    this.issues = Object.freeze([...issues]);
  }
}

/**
 * No valid token can be had right now: the last exchange failed and no cached token is still
 * valid. `cause` is the underlying {@link SsaError}. Map it to 502/503 in an HTTP server.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => {
 *   if (err instanceof SsaTokenUnavailableError) return res.status(503).json({ error: err.code });
 *   next(err);
 * });
 * ```
 */
export class SsaTokenUnavailableError extends SsaError {
  /** Whether a later attempt may succeed (false for invalid credentials, key or assertion). */
  readonly retryable: boolean;
  /** Seconds until the provider allows its next exchange (a `Retry-After` for HTTP answers), when known. */
  readonly retryAfter?: number;

  constructor(message: string, retryable: boolean, options?: { cause?: unknown; retryAfter?: number }) {
    super('ERR_SSA_TOKEN_UNAVAILABLE', message, options);
    this.retryable = retryable;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}

/**
 * The provider (or client) was closed and cannot hand out tokens any more.
 *
 * @example
 * ```ts
 * await provider.close();
 * await provider.getToken(); // SsaClosedError
 * ```
 */
export class SsaClosedError extends SsaError {
  constructor(message = 'The token provider is closed. Create a new provider to get tokens again.') {
    super('ERR_SSA_CLOSED', message);
  }
}

/**
 * A service-account or key operation of the APS admin API failed. `title` and `detail` are APS's
 * own (`{"title":"not_found","detail":"The service account is not found."}`).
 *
 * @example
 * ```ts
 * catch (err) {
 *   if (err instanceof SsaApiError && err.status === 404) console.error(err.detail);
 * }
 * ```
 */
export class SsaApiError extends SsaError {
  readonly status: number;
  readonly title?: string;
  readonly detail?: string;
  readonly requestId?: string;
  readonly retryAfter?: number;

  constructor(
    message: string,
    details: { status: number; title?: string; detail?: string; requestId?: string; retryAfter?: number },
    options?: { cause?: unknown },
  ) {
    super('ERR_SSA_API', message, options);
    this.status = details.status;
    if (details.title !== undefined) this.title = details.title;
    if (details.detail !== undefined) this.detail = details.detail;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}
