import { basicCredentials } from '../http/basic-credentials.js';
import { diagnoseAssertion, explainAssertionIssues } from '../assertion/assertion-diagnosis.js';
import { decodeJwt } from '../assertion/decode-jwt.js';
import { requireScopes } from '../assertion/assertion.js';
import { normalizeBaseUrl } from '../config.js';
import { isLoopbackHost } from '../loopback-host.js';
import { NOTABLE_CLOCK_SKEW, describeSkew } from '../clock-skew.js';
import { SsaAssertionInvalidError, SsaOptionError, SsaTokenEndpointError } from '../errors.js';
import type { SsaTokenEndpointErrorCode, SsaTokenEndpointErrorDetails } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import type { RateLimit } from '../http/rate-limit.js';
import { redactedObject, redactedPrototype } from '../redacted.js';
import { HttpTransportFailure } from '../http/send.js';
import { scrubSecrets } from '../http/safe-cause.js';
import { MAX_TOKEN_RESPONSE_BYTES, sendTokenRequest } from '../http/token-request.js';
import { MAX_ACCESS_TOKEN_LENGTH } from '../access-token.js';
import type { HttpAnswer } from '../http/send.js';

/** The path of the APS token endpoint under the base URL. */
export const TOKEN_ENDPOINT_PATH = '/authentication/v2/token';

/** The OAuth grant type of an assertion exchange (RFC 7523). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const EXCHANGE_RESULT = redactedPrototype('ExchangeResult', ['accessToken']);

/**
 * How long one exchange may take, in milliseconds, from sending the request to reading the whole body.
 *
 * @default 10_000
 */
export const EXCHANGE_TIMEOUT = 10_000;

/** How a rejected assertion's message ends: the command that checks each cause APS does not name, one by one. */
const DOCTOR_HINT = 'Run `npx aps-ssa doctor` to check the configuration step by step.';

/**
 * The longest `expires_in`, in seconds, accepted from the token endpoint. APS documents 3599 (the
 * SSA tutorial) and 3600 (the exchange reference) and calls one hour the standard expiry; a day
 * leaves room for any change APS might make, while an absurd value (a proxy's or a broken emulator's)
 * is refused instead of being cached for years.
 *
 * @default 86_400 (1 day)
 */
export const MAX_EXPIRES_IN = 86_400;

/** What {@link exchangeAssertion} needs. */
export interface ExchangeOptions {
  /**
   * The APS base URL (an emulator's on a test machine).
   *
   * @default DEFAULT_BASE_URL ('https://developer.api.autodesk.com')
   */
  baseUrl?: string;
  /** The APS app's client id (sent with the secret as HTTP Basic credentials). */
  clientId: string;
  /** The APS app's client secret. */
  clientSecret: string;
  /** A signed assertion from {@link createAssertion}. */
  assertion: string;
  /** A narrower set of scopes than the assertion's; by default the token gets the assertion's scopes. */
  scopes?: readonly string[];
  /**
   * Milliseconds for the whole exchange, body included; then `ERR_SSA_TIMEOUT`.
   *
   * @default EXCHANGE_TIMEOUT (10_000)
   */
  timeout?: number;
  /**
   * The fetch implementation (a proxy agent's, or an instrumented one).
   *
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /** Aborts the exchange; the promise then rejects with the signal's `reason`, as `fetch` does. */
  signal?: AbortSignal;
  /**
   * The current time in ms since the epoch, used to judge a rejected assertion and a `Retry-After` date.
   *
   * @default Date.now
   */
  now?: () => number;
}

/**
 * A successful exchange. `accessToken` is readable by name but non-enumerable and shown as
 * `[redacted]` by `JSON.stringify` and `util.inspect`. Frozen.
 */
export interface ExchangeResult {
  /** The three-legged access token. Never log it. */
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds the token is valid for, counted from when the response was received. */
  readonly expiresIn: number;
  /** The token's scopes: the response's `scope`, else the narrower `scopes` asked for, else the assertion's. */
  readonly scopes: readonly string[];
  /** The response's `Date` header in ms since the epoch, to estimate clock skew. */
  readonly serverDate?: number;
  /** The response's `x-request-id` header, to quote to Autodesk support. */
  readonly requestId?: string;
  /** The response's `ratelimit-value` / `ratelimit-remaining` headers, when both are whole numbers. */
  readonly rateLimit?: RateLimit;
}

const KNOWN_OPTIONS = ['baseUrl', 'clientId', 'clientSecret', 'assertion', 'scopes', 'timeout', 'fetch', 'signal', 'now'] as const;
const MAX_TIMEOUT = 2_147_483_647;

/**
 * Exchanges a signed assertion for a three-legged access token: `POST {baseUrl}/authentication/v2/token`
 * with the jwt-bearer grant and HTTP Basic client authentication. One attempt, no retry (a token
 * provider decides when to retry, using `retryable` and `retryAfter`).
 *
 * @throws {SsaTokenEndpointError} with `code` `ERR_SSA_INVALID_CLIENT` (401), `ERR_SSA_INVALID_REQUEST`,
 * `ERR_SSA_INVALID_GRANT`, `ERR_SSA_FORBIDDEN` (403), `ERR_SSA_RATE_LIMITED` (429, with `retryAfter`),
 * `ERR_SSA_SERVER` (5xx), `ERR_SSA_BAD_RESPONSE` (anything that is not a token), `ERR_SSA_RESPONSE_TOO_LARGE` (a body
 * over `MAX_TOKEN_RESPONSE_BYTES`, or an access token over `MAX_ACCESS_TOKEN_LENGTH`), `ERR_SSA_NETWORK` or
 * `ERR_SSA_TIMEOUT`; {@link SsaAssertionInvalidError} for "The 'assertion' is invalid.", with the
 * visible faults of the assertion in `issues`. No error holds the secret, the assertion or the request.
 * @throws {SsaOptionError} for invalid options. An aborted `signal` rejects with its `reason`.
 *
 * @example
 * ```ts
 * import { createAssertion, exchangeAssertion } from '@aps-ssa/core';
 *
 * const assertion = await createAssertion({ clientId, serviceAccountId, keyId, privateKey, scopes: ['data:read'] });
 * const { accessToken, expiresIn } = await exchangeAssertion({ clientId, clientSecret, assertion });
 * ```
 */
export async function exchangeAssertion(options: ExchangeOptions): Promise<ExchangeResult> {
  return sendExchange(normalizeOptions(options));
}

/** Exchanges with options already checked (internal: the token provider exchanges through it). */
export async function sendExchange(request: ExchangeRequest): Promise<ExchangeResult> {
  const { url, assertion, clientSecret, signal, timeout } = request;
  signal?.throwIfAborted();

  const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion });
  if (request.scopes !== undefined) body.set('scope', request.scopes.join(' '));
  const credentials = basicCredentials(request.clientId, clientSecret);
  const context: Context = { ...request, secrets: [clientSecret, credentials, assertion] };

  let answer: HttpAnswer;
  try {
    answer = await sendTokenRequest({
      url,
      clientId: request.clientId,
      clientSecret,
      form: body,
      timeout,
      fetch: request.fetch,
      signal,
      secrets: context.secrets,
      now: request.now,
    });
  } catch (err) {
    throw transportError(err, context);
  }
  request.onAnswer?.(answer);

  const details = responseDetails(answer);
  if (answer.ok) return tokenResult(answer, details, context);
  throw endpointError(answer, details, context);
}

/** What {@link sendExchange} sends: {@link ExchangeOptions}, checked, with the token endpoint's URL. */
export interface ExchangeRequest {
  url: string;
  clientId: string;
  clientSecret: string;
  assertion: string;
  /** The narrower scopes to ask for (sent as `scope`), if any. */
  scopes: readonly string[] | undefined;
  /** The scopes the assertion asks for: the token's when the response names none and `scopes` is not given. */
  assertionScopes: readonly string[];
  timeout: number;
  fetch: typeof fetch | undefined;
  signal: AbortSignal | undefined;
  now: () => number;
  /** Sees every answer (errors included) before it is judged: the provider learns the server's clock and rate limit. */
  onAnswer?: (answer: HttpAnswer) => void;
}

interface Context extends ExchangeRequest {
  /** Strings that must never appear in an error: scrubbed from anything the server echoes. */
  secrets: readonly string[];
}

/** The fields every response-based error carries. */
type ResponseDetails = Omit<SsaTokenEndpointErrorDetails, 'retryable'>;

function normalizeOptions(options: ExchangeOptions): ExchangeRequest {
  requireOptionsObject(options, 'exchangeAssertion()');
  rejectUnknownOptions(options, KNOWN_OPTIONS, 'exchangeAssertion()');
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const clientId = requireString(options.clientId, 'clientId', "the APS app's client id");
  const clientSecret = requireString(options.clientSecret, 'clientSecret', "the APS app's client secret");
  const assertion = requireString(options.assertion, 'assertion', 'a signed assertion from createAssertion()');
  const scopes = options.scopes === undefined ? undefined : requireScopes(options.scopes, 'scopes');
  const timeout = options.timeout ?? EXCHANGE_TIMEOUT;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT) {
    throw new SsaOptionError('timeout', `\`timeout\` must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT}, got ${String(timeout)}.`);
  }
  for (const name of ['fetch', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new SsaOptionError(name, `\`${name}\` must be a function, got ${describeType(options[name])}.`);
    }
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new SsaOptionError('signal', `\`signal\` must be an AbortSignal, got ${describeType(options.signal)}.`);
  }
  // The assertion is the only place a caller's scopes are written: read once, here at the boundary.
  const claimed = decodeJwt(assertion)?.claims.scope;
  return {
    url: `${baseUrl}${TOKEN_ENDPOINT_PATH}`,
    clientId,
    clientSecret,
    assertion,
    scopes,
    assertionScopes: Array.isArray(claimed) ? claimed.filter((s): s is string => typeof s === 'string') : [],
    timeout,
    fetch: options.fetch,
    signal: options.signal,
    now: options.now ?? Date.now,
  };
}

function requireString(value: unknown, option: string, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new SsaOptionError(option, `\`${option}\` (${what}) is required, got ${describeType(value)}.`);
  }
  return value;
}

function tokenResult(response: HttpAnswer, details: ResponseDetails, context: Context): ExchangeResult {
  const parsed = response.json;
  const invalid = (why: string, retryable = false, code: SsaTokenEndpointErrorCode = 'ERR_SSA_BAD_RESPONSE'): SsaTokenEndpointError =>
    new SsaTokenEndpointError(
      code,
      `The token endpoint at ${context.url} answered HTTP ${response.status} ${why}, which is not an APS token response. ` +
        'Check that the base URL points at APS (or the emulator) and that no proxy rewrites the response.' +
        requestIdSuffix(details),
      { ...details, retryable },
    );
  if (response.oversized) throw invalid(`with a body over ${MAX_TOKEN_RESPONSE_BYTES} bytes (not read further)`, false, 'ERR_SSA_RESPONSE_TOO_LARGE');
  // A body that is not JSON at all (cut off, or a proxy's page) is usually a passing fault: worth a bounded
  // retry. Well-formed JSON that is not a token will be the same next time.
  if (parsed === undefined) throw invalid(describeNonJson(response.contentType), true);
  if (!isRecord(parsed)) throw invalid('with JSON that is not an object');
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope } = parsed;
  if (accessToken === undefined) throw invalid('without an access_token');
  if (typeof accessToken !== 'string' || accessToken === '') throw invalid('with an access_token that is not a non-empty string');
  if (accessToken.length > MAX_ACCESS_TOKEN_LENGTH) {
    throw invalid(`with an access_token of ${accessToken.length} characters, over the ${MAX_ACCESS_TOKEN_LENGTH} accepted`, false, 'ERR_SSA_RESPONSE_TOO_LARGE');
  }
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') throw invalid('with a token_type other than Bearer');
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw invalid('with an expires_in that is not a positive number of seconds');
  }
  if (expiresIn > MAX_EXPIRES_IN) {
    throw invalid(`with an expires_in of ${expiresIn} s, more than a day (APS issues tokens for an hour)`);
  }
  return redactedObject<ExchangeResult>(
    EXCHANGE_RESULT,
    {
      accessToken,
      tokenType: 'Bearer',
      expiresIn,
      scopes: Object.freeze(tokenScopes(scope, context)),
      serverDate: details.serverDate,
      requestId: details.requestId,
      rateLimit: response.rateLimit,
    },
  );
}

function tokenScopes(responseScope: unknown, context: Context): string[] {
  if (typeof responseScope === 'string' && responseScope.trim() !== '') return responseScope.trim().split(/\s+/);
  return [...(context.scopes ?? context.assertionScopes)];
}

function endpointError(response: HttpAnswer, details: ResponseDetails, context: Context): SsaTokenEndpointError {
  const { status, json: parsed } = response;
  const fields = isRecord(parsed) ? apsErrorFields(parsed, context.secrets) : {};
  const all: ResponseDetails = { ...details, ...fields };
  const said = `HTTP ${status}${all.error === undefined ? '' : ` ${all.error}`}${all.errorDescription === undefined ? '' : `: "${all.errorDescription}"`}`;
  const withId = (message: string): string => message + requestIdSuffix(all);
  const fail = (code: SsaTokenEndpointErrorCode, message: string, retryable: boolean, extra: Partial<ResponseDetails> = {}) =>
    new SsaTokenEndpointError(code, withId(message), { ...all, ...extra, retryable });

  if (status === 400 && all.error === 'invalid_grant' && /assertion/i.test(all.errorDescription ?? '')) {
    // exp is judged on APS's clock when its Date header gave it: that is the clock that refused the assertion.
    const serverNow = all.serverDate;
    const now = serverNow === undefined ? context.now : () => serverNow;
    const { issues } = diagnoseAssertion(context.assertion, { now, clientId: context.clientId });
    const skew = skewNote(all.serverDate, context.now());
    return new SsaAssertionInvalidError(
      `${withId(`APS rejected the assertion (${said}). ${explainAssertionIssues(issues)}${skew}`)} ${DOCTOR_HINT}`,
      { ...all, retryable: false },
      issues,
    );
  }
  if (status === 400 && all.error === 'invalid_grant') {
    const hint = /enabled state/i.test(all.errorDescription ?? '')
      ? 'Enable the service account (set its status to ENABLED with the admin API) or use another one.'
      : 'Check that the service account and its key exist and are enabled.';
    return fail('ERR_SSA_INVALID_GRANT', `APS refused the service account grant (${said}). ${hint}`, false);
  }
  if (status === 400) {
    return fail(
      'ERR_SSA_INVALID_REQUEST',
      `The token endpoint called the request malformed (${said}). A proxy may be altering the request; if not, report ` +
        'this to aps-ssa with the request id.',
      false,
    );
  }
  if (status === 401) {
    return fail(
      'ERR_SSA_INVALID_CLIENT',
      `The token endpoint refused the client credentials (${said}). Check APS_CLIENT_ID and APS_CLIENT_SECRET: they must ` +
        'be the id and secret of the server-to-server app that owns the service account.',
      false,
    );
  }
  if (status === 403) {
    return fail(
      'ERR_SSA_FORBIDDEN',
      `The token endpoint refused the request (${said}): the app lacks a permission. Check that it is a server-to-server ` +
        'app allowed to use service accounts, and the scopes it asks for.',
      false,
    );
  }
  const { retryAfter } = response;
  const wait = retryAfter === undefined ? 'later' : `after ${retryAfter} s`;
  if (status === 429) {
    return fail(
      'ERR_SSA_RATE_LIMITED',
      `The token endpoint is rate-limiting this client (${said}); retry ${wait}. APS allows about 10 exchanges a minute ` +
        'per client: reuse tokens (a token provider caches them) instead of exchanging for each request.',
      true,
      { retryAfter },
    );
  }
  if (status >= 500) {
    return fail('ERR_SSA_SERVER', `The token endpoint failed (${said}); retry ${wait}.`, true, { retryAfter });
  }
  if (status === 408) {
    return fail('ERR_SSA_TIMEOUT', `The token endpoint timed out waiting for the request (${said}); retry later.`, true);
  }
  const where = status >= 300 && status < 400 ? 'redirected the request' : `answered ${said}`;
  return fail(
    'ERR_SSA_BAD_RESPONSE',
    `The token endpoint at ${context.url} ${where}, which APS's token endpoint never does. Check the base URL (APS_BASE_URL).`,
    false,
  );
}

function transportError(err: unknown, context: Context): unknown {
  if (!(err instanceof HttpTransportFailure)) return err; // The caller's abort reason.
  if (err.kind === 'timeout') {
    return new SsaTokenEndpointError(
      'ERR_SSA_TIMEOUT',
      `The token endpoint at ${context.url} did not answer within ${context.timeout} ms. Retry later, or raise \`timeout\`.`,
      { retryable: true },
    );
  }
  const emulator =
    err.reason === 'ECONNREFUSED' && isLoopbackHost(new URL(context.url).hostname)
      ? ' Nothing listens there: is the emulator running (`npx aps-emulator`), and is APS_BASE_URL its address?'
      : '';
  return new SsaTokenEndpointError(
    'ERR_SSA_NETWORK',
    `Could not reach the token endpoint at ${context.url} (${err.reason}).${emulator} Check the base URL, DNS, proxy and network; retry later.`,
    { retryable: true },
    err.cause === undefined ? undefined : { cause: err.cause },
  );
}

function responseDetails(response: HttpAnswer): ResponseDetails {
  const { requestId, serverDate } = response;
  return {
    status: response.status,
    ...(requestId === undefined ? {} : { requestId }),
    ...(serverDate === undefined ? {} : { serverDate }),
  };
}

/** APS's `{error, error_description}`, or the SSA `{title, detail}` / legacy gateway `{errorCode, developerMessage}` shapes. */
function apsErrorFields(body: Record<string, unknown>, secrets: readonly string[]): Partial<ResponseDetails> {
  const first = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = body[name];
      if (typeof value === 'string' && value !== '') return scrubSecrets(value, secrets);
    }
    return undefined;
  };
  const error = first('error', 'title', 'errorCode');
  const errorDescription = first('error_description', 'detail', 'developerMessage', 'userMessage');
  return { ...(error === undefined ? {} : { error }), ...(errorDescription === undefined ? {} : { errorDescription }) };
}

function describeNonJson(type: string | undefined): string {
  return type === undefined || type.includes('json') ? 'with a body that is not valid JSON' : `with a ${type} body instead of JSON`;
}

function skewNote(serverDate: number | undefined, now: number): string {
  if (serverDate === undefined || Math.abs(serverDate - now) < NOTABLE_CLOCK_SKEW) return '';
  return ` This machine's clock is ${describeSkew(serverDate - now)} the server's (from its Date header).`;
}

function requestIdSuffix(details: ResponseDetails): string {
  return details.requestId === undefined ? '' : ` (x-request-id: ${details.requestId})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
