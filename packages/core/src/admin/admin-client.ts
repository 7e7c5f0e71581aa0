import { proxiedFetch } from '../http/proxy.js';
import { HttpTransportFailure, sendHttpRequest } from '../http/send.js';
import { scrubSecrets } from '../http/safe-cause.js';
import type { HttpAnswer } from '../http/send.js';
import {
  MalformedResponse,
  toCreatedKey,
  toCreatedServiceAccount,
  toKeys,
  toServiceAccount,
  toServiceAccounts,
} from './admin-responses.js';
import type {
  AdminClientOptions,
  CreateServiceAccountInput,
  CreatedKey,
  CreatedServiceAccount,
  ServiceAccount,
  ServiceAccountKey,
} from './admin-types.js';
import { requireAccountInput, requireId } from './admin-validation.js';
import { requireScopes } from '../assertion/assertion.js';
import { ClientCredentialsToken } from './client-credentials.js';
import { normalizeClock } from '../clock.js';
import { normalizeBaseUrl } from '../config.js';
import { SsaApiError, SsaError, SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import { traceAdminCall } from '../tracing/trace-call.js';

/**
 * The scopes an admin client's own 2-legged token asks for: everything the service-account and key operations
 * need (S1 `security`; listing keys needs `…_key:read`, which the tutorials leave out).
 */
export const ADMIN_SCOPES: readonly string[] = Object.freeze([
  'application:service_account:read',
  'application:service_account:write',
  'application:service_account_key:read',
  'application:service_account_key:write',
]);

/**
 * How long one HTTP request of the admin client may take, in milliseconds, body included.
 *
 * @default 10_000
 */
export const ADMIN_TIMEOUT = 10_000;

/**
 * The largest admin API answer read, in bytes. The largest APS sends is a list of an app's service accounts (10 by
 * default) or a created key's private key (about 1.7 KB); past this, reading stops (the rest is never downloaded) and
 * the call fails with `ERR_SSA_RESPONSE_TOO_LARGE`.
 *
 * @default 262_144 (256 KiB)
 *
 * @example
 * ```ts
 * import { MAX_ADMIN_RESPONSE_BYTES } from '@aps-ssa/core/admin';
 *
 * console.log(`admin answers are read up to ${MAX_ADMIN_RESPONSE_BYTES} bytes`);
 * ```
 */
export const MAX_ADMIN_RESPONSE_BYTES = 256 * 1024;

/** The path of the service-account operations under the base URL. */
export const SERVICE_ACCOUNTS_PATH = '/authentication/v2/service-accounts';

/**
 * The APS Secure Service Account admin API: every service-account and key operation. Methods throw
 * {@link SsaApiError} when APS refuses (`status`, `title`, `detail`, `requestId`, `retryAfter` on 429),
 * {@link SsaOptionError} for a malformed id or name (before any request), `SsaTokenEndpointError` when the
 * 2-legged token cannot be had, and an {@link SsaError} `ERR_SSA_NETWORK` / `ERR_SSA_TIMEOUT` /
 * `ERR_SSA_BAD_RESPONSE` otherwise. Nothing is retried but one 401, with a fresh token.
 */
export interface AdminClient {
  /** Every service account of the app. */
  listServiceAccounts(): Promise<readonly ServiceAccount[]>;
  /** Creates a service account (an app may have 10). */
  createServiceAccount(input: CreateServiceAccountInput): Promise<CreatedServiceAccount>;
  getServiceAccount(serviceAccountId: string): Promise<ServiceAccount>;
  /** Enables a DISABLED (or DEACTIVATED) account; APS answers 400 if it already is enabled. */
  enableServiceAccount(serviceAccountId: string): Promise<ServiceAccount>;
  /** Disables an account: its assertions are refused and its keys cannot be managed until it is enabled again. */
  disableServiceAccount(serviceAccountId: string): Promise<ServiceAccount>;
  /** Deletes an account and its keys. */
  deleteServiceAccount(serviceAccountId: string): Promise<void>;
  /** Creates a key (an account may have 3); its private key is returned this once. */
  createKey(serviceAccountId: string): Promise<CreatedKey>;
  listKeys(serviceAccountId: string): Promise<readonly ServiceAccountKey[]>;
  enableKey(serviceAccountId: string, keyId: string): Promise<void>;
  disableKey(serviceAccountId: string, keyId: string): Promise<void>;
  deleteKey(serviceAccountId: string, keyId: string): Promise<void>;
}

/** Where an admin request's bearer token comes from. */
interface TokenSource {
  get(): Promise<string>;
  invalidate(token: string): void;
  /** Strings no error may show. */
  readonly secrets: readonly string[];
}

const KNOWN_OPTIONS = ['clientId', 'clientSecret', 'getAccessToken', 'scopes', 'baseUrl', 'fetch', 'dispatcher', 'timeout', 'clock'] as const;
const MAX_TIMEOUT = 2_147_483_647;
const WHERE = 'createAdminClient()';

/**
 * Creates a client for APS's service-account and key operations, authenticated with the app's own 2-legged
 * `client_credentials` token, which it caches until shortly before expiry (one request however many calls wait
 * for it) and replaces once when APS answers 401.
 *
 * @throws {SsaOptionError} for a missing, invalid or unknown option ("Did you mean …?").
 *
 * @example
 * ```ts
 * import { createAdminClient } from '@aps-ssa/core/admin';
 *
 * const admin = createAdminClient({ clientId: process.env.APS_CLIENT_ID!, clientSecret: process.env.APS_CLIENT_SECRET! });
 * const { serviceAccountId } = await admin.createServiceAccount({ name: 'report-robot', firstName: 'Report', lastName: 'Robot' });
 * const { kid, privateKey } = await admin.createKey(serviceAccountId); // store privateKey now: APS never shows it again
 * ```
 */
export function createAdminClient(options: AdminClientOptions): AdminClient {
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, KNOWN_OPTIONS, WHERE);
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const timeout = options.timeout ?? ADMIN_TIMEOUT;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT) {
    throw new SsaOptionError('timeout', `\`timeout\` must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT}, got ${String(timeout)}.`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new SsaOptionError('fetch', `\`fetch\` must be a function, got ${describeType(options.fetch)}.`);
  }
  if (options.fetch !== undefined && options.dispatcher !== undefined) throw new SsaOptionError('dispatcher', 'Pass `fetch` or `dispatcher`, not both.');
  const send = options.fetch ?? proxiedFetch(options.dispatcher);
  const tokens = tokenSource({ ...options, fetch: send }, baseUrl, timeout);
  const call = async <T>(operation: string, method: Method, path: string, parse: (body: unknown) => T, body?: object): Promise<T> => {
    const request: AdminRequest = { operation, method, url: `${baseUrl}${SERVICE_ACCOUNTS_PATH}${path}`, body, tokens, timeout, fetch: send };
    const answer = await traceAdminCall(operation, method, () => adminRequest(request));
    if (answer.oversized) {
      throw new SsaError(
        'ERR_SSA_RESPONSE_TOO_LARGE',
        `APS answered "${operation}" with HTTP ${answer.status} and a body over ${MAX_ADMIN_RESPONSE_BYTES} bytes, which no admin answer comes near; it was not read. Check that the base URL points at APS (or the emulator) and that no proxy rewrites the response.${requestIdSuffix(answer)}`,
      );
    }
    try {
      return parse(answer.json);
    } catch (error) {
      if (!(error instanceof MalformedResponse)) throw error;
      throw new SsaError(
        'ERR_SSA_BAD_RESPONSE',
        `APS answered "${operation}" with HTTP ${answer.status}, but ${error.message}. Check that the base URL points at APS (or the emulator).${requestIdSuffix(answer)}`,
      );
    }
  };
  const none = (): void => undefined;
  // Ids are validated before anything uses them, and encoded anyway.
  const onAccount =
    <T>(operation: (id: string) => string, method: Method, suffix: string, parse: (body: unknown) => T, body?: object) =>
    async (serviceAccountId: string): Promise<T> => {
      const id = requireId(serviceAccountId, 'serviceAccountId');
      return call(operation(id), method, `/${encodeURIComponent(id)}${suffix}`, parse, body);
    };
  const onKey =
    (operation: (id: string, kid: string) => string, method: Method, body?: object) =>
    async (serviceAccountId: string, keyId: string): Promise<void> => {
      const id = requireId(serviceAccountId, 'serviceAccountId');
      const kid = requireId(keyId, 'keyId');
      return call(operation(id, kid), method, `/${encodeURIComponent(id)}/keys/${encodeURIComponent(kid)}`, none, body);
    };

  return Object.freeze({
    listServiceAccounts: () => call('list the service accounts', 'GET', '', toServiceAccounts),
    createServiceAccount: async (input: CreateServiceAccountInput) => {
      const body = requireAccountInput(input);
      return call(`create service account "${body.name}"`, 'POST', '', toCreatedServiceAccount, body);
    },
    getServiceAccount: onAccount((id) => `get service account ${id}`, 'GET', '', toServiceAccount),
    enableServiceAccount: onAccount((id) => `enable service account ${id}`, 'PATCH', '', toServiceAccount, { status: 'ENABLED' }),
    disableServiceAccount: onAccount((id) => `disable service account ${id}`, 'PATCH', '', toServiceAccount, { status: 'DISABLED' }),
    deleteServiceAccount: onAccount((id) => `delete service account ${id}`, 'DELETE', '', none),
    createKey: onAccount((id) => `create a key for service account ${id}`, 'POST', '/keys', toCreatedKey),
    listKeys: onAccount((id) => `list the keys of service account ${id}`, 'GET', '/keys', toKeys),
    enableKey: onKey((id, kid) => `enable key ${kid} of service account ${id}`, 'PATCH', { status: 'ENABLED' }),
    disableKey: onKey((id, kid) => `disable key ${kid} of service account ${id}`, 'PATCH', { status: 'DISABLED' }),
    deleteKey: onKey((id, kid) => `delete key ${kid} of service account ${id}`, 'DELETE'),
  });
}

function tokenSource(options: AdminClientOptions, baseUrl: string, timeout: number): TokenSource {
  const { clientId, clientSecret, getAccessToken } = options;
  if (getAccessToken !== undefined) {
    if (typeof getAccessToken !== 'function') {
      throw new SsaOptionError('getAccessToken', `\`getAccessToken\` must be a function returning a token, got ${describeType(getAccessToken)}.`);
    }
    for (const option of ['clientId', 'clientSecret', 'scopes'] as const) {
      if (options[option] !== undefined) {
        throw new SsaOptionError(option, `Give either \`getAccessToken\` or \`clientId\` + \`clientSecret\` (and \`scopes\`), not both.`);
      }
    }
    return callerTokens(getAccessToken);
  }
  for (const [option, value] of [['clientId', clientId], ['clientSecret', clientSecret]] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new SsaOptionError(option, `\`${option}\` (of the server-to-server app) is required unless \`getAccessToken\` is given, got ${describeType(value)}.`);
    }
  }
  return new ClientCredentialsToken({
    baseUrl,
    clientId: clientId!,
    clientSecret: clientSecret!,
    scopes: options.scopes === undefined ? ADMIN_SCOPES : requireScopes(options.scopes, 'scopes'),
    timeout,
    fetch: options.fetch,
    clock: normalizeClock(options.clock),
  });
}

/** The caller's own tokens, asked for before each request (the caller caches them). */
function callerTokens(getAccessToken: () => string | Promise<string>): TokenSource {
  return {
    async get() {
      const token = await getAccessToken();
      if (typeof token !== 'string' || token === '') {
        throw new SsaOptionError('getAccessToken', `\`getAccessToken\` must return a non-empty string, got ${describeType(token)}.`);
      }
      return token;
    },
    invalidate: () => undefined,
    secrets: [],
  };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface AdminRequest {
  readonly operation: string;
  readonly method: Method;
  readonly url: string;
  readonly body: object | undefined;
  readonly tokens: TokenSource;
  readonly timeout: number;
  readonly fetch: typeof fetch | undefined;
}

/** Sends one admin request with the current token, and once more with a fresh one after a 401. */
async function adminRequest(request: AdminRequest): Promise<HttpAnswer> {
  const { tokens } = request;
  const token = await tokens.get();
  let answer = await send(request, token);
  let fresh = token;
  if (answer.status === 401) {
    tokens.invalidate(token);
    fresh = await tokens.get();
    if (fresh !== token) answer = await send(request, fresh);
  }
  if (!answer.ok) throw apiError(request, answer, [token, fresh, ...tokens.secrets]);
  return answer;
}

async function send(request: AdminRequest, token: string): Promise<HttpAnswer> {
  try {
    return await sendHttpRequest({
      url: request.url,
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      timeout: request.timeout,
      fetch: request.fetch,
      maxBodyBytes: MAX_ADMIN_RESPONSE_BYTES,
      secrets: request.tokens.secrets,
    });
  } catch (error) {
    if (!(error instanceof HttpTransportFailure)) throw error;
    const what = `Could not ${request.operation}: ${request.url}`;
    if (error.kind === 'timeout') {
      throw new SsaError('ERR_SSA_TIMEOUT', `${what} did not answer within ${request.timeout} ms. Retry later, or raise \`timeout\`.`);
    }
    const message = `${what} is unreachable (${error.reason}). Check the base URL and the network; retry later.`;
    throw new SsaError('ERR_SSA_NETWORK', message, error.cause === undefined ? undefined : { cause: error.cause });
  }
}

/** APS's refusal as an {@link SsaApiError}: its `{title, detail}` (or the gateway's legacy `{errorCode, developerMessage}`) and a hint. */
function apiError(request: AdminRequest, answer: HttpAnswer, secrets: readonly string[]): SsaApiError {
  const body = typeof answer.json === 'object' && answer.json !== null ? (answer.json as Record<string, unknown>) : {};
  const field = (...names: string[]): string | undefined => {
    const value = names.map((name) => body[name]).find((v): v is string => typeof v === 'string' && v !== '');
    return value === undefined ? undefined : scrubSecrets(value, secrets);
  };
  const title = field('title', 'errorCode', 'error');
  const detail = field('detail', 'developerMessage', 'error_description', 'userMessage');
  const { status, retryAfter, requestId } = answer;
  const said =
    title === undefined && detail === undefined
      ? `HTTP ${status}${answer.contentType === undefined || answer.contentType.includes('json') ? '' : ` with a ${answer.contentType} body`}`
      : `HTTP ${status}${title === undefined ? '' : ` ${title}`}${detail === undefined ? '' : `: "${detail}"`}`;
  const hint = refusalHint(status, title, detail, retryAfter);
  return new SsaApiError(`APS refused to ${request.operation} (${said}).${hint === '' ? '' : ` ${hint}`}${requestIdSuffix(answer)}`, {
    status,
    ...(title === undefined ? {} : { title }),
    ...(detail === undefined ? {} : { detail }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

function refusalHint(status: number, title: string | undefined, detail = '', retryAfter: number | undefined): string {
  if (status === 400 && /not currently in an enabled state|not in an active state/i.test(detail)) {
    return 'A disabled service account cannot manage its keys: enable it first (enableServiceAccount).';
  }
  if (status === 400 && /already in/i.test(detail)) return 'Nothing to change: it is already in that state.';
  if (status === 400 && /'name'/.test(detail)) {
    return (
      'A name is 5 to 64 lowercase letters, digits and dashes, a letter or digit first and last, unique within the app ' +
      "(the strictest reading of APS's references: S3's length, S1's characters, the naming guidelines' lowercase and ends)."
    );
  }
  if (status === 400 && /'(first|last)Name'/.test(detail)) {
    return 'firstName is 5 to 100 letters, digits, dashes and underscores; lastName 5 to 100 letters, digits and dashes (no spaces).';
  }
  if (status === 401 && /two-legged/i.test(detail)) {
    return "The admin API takes an app's 2-legged (client_credentials) token, not a service account's token.";
  }
  if (status === 401) return 'The token was refused, a fresh one too: check that the app is a server-to-server app and its credentials are current.';
  if (status === 403 && title === 'limit_exceeded') {
    return 'An app may have 10 service accounts and an account 3 keys at a time: delete unused ones (ssa-requests@autodesk.com can raise the account limit).';
  }
  if (status === 403 && title === 'invalid_client') return 'Only a server-to-server app can own service accounts.';
  if (status === 403) return `The token lacks the scope this operation needs: ask for ${ADMIN_SCOPES.join(' ')}.`;
  if (status === 404) return 'Check the id: listServiceAccounts() and listKeys() show the existing ones.';
  if (status === 429) {
    return `Retry ${retryAfter === undefined ? 'later' : `after ${retryAfter} s`}: APS allows 10 requests a minute per client for each operation.`;
  }
  if (status >= 500) return 'APS failed; retry later.';
  return '';
}

function requestIdSuffix(answer: HttpAnswer): string {
  return answer.requestId === undefined ? '' : ` (x-request-id: ${answer.requestId})`;
}
