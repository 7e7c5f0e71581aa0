import { basicCredentials } from '../http/basic-credentials.js';
import { HttpTransportFailure } from '../http/send.js';
import { scrubSecrets } from '../http/safe-cause.js';
import { MAX_TOKEN_RESPONSE_BYTES, sendTokenRequest } from '../http/token-request.js';
import { MAX_ACCESS_TOKEN_LENGTH } from '../access-token.js';
import type { HttpAnswer } from '../http/send.js';
import type { FullClock } from '../clock.js';
import { SsaTokenEndpointError } from '../errors.js';
import type { SsaTokenEndpointErrorCode } from '../errors.js';
import { MemoryTokenStore } from '../store/memory-token-store.js';
import { ServerTime } from '../provider/server-time.js';
import { MAX_EXPIRES_IN, TOKEN_ENDPOINT_PATH } from '../exchange/token-endpoint.js';
import type { StoredToken } from '../store/token-store.js';

/**
 * A cached 2-legged token is replaced this long before it expires (or at three quarters of its life, if sooner), so
 * that a request never leaves with a token about to die on the way.
 */
const REFRESH_AHEAD = 60_000;
const SLOT = 'client-credentials';

export interface ClientCredentialsOptions {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  readonly timeout: number;
  readonly fetch: typeof fetch | undefined;
  readonly clock: FullClock;
}

/**
 * An app's own 2-legged token (`grant_type=client_credentials`), cached until shortly before it expires, fetched
 * by one request however many callers wait for it (the single flight of {@link MemoryTokenStore}), and dropped
 * when APS refuses it.
 */
export class ClientCredentialsToken {
  readonly #options: ClientCredentialsOptions;
  readonly #store = new MemoryTokenStore({ maxEntries: 1 });
  // The token endpoint's time, as a token provider counts it (wall and monotonic clocks, the later estimate wins): a
  // wall clock stepped back must not make an expired token look fresh.
  readonly #time: ServerTime;
  #rejected: string | undefined;

  constructor(options: ClientCredentialsOptions) {
    this.#options = options;
    this.#time = new ServerTime(options.clock);
  }

  /** The access token itself. */
  async get(): Promise<string> {
    const current = await this.#store.get(SLOT);
    if (current !== undefined && this.#usable(current)) return current.accessToken;
    const fresh = await this.#store.refresh(SLOT, () => this.#fetch(), { stale: current });
    return fresh.accessToken;
  }

  /** Drops `token` (refused by APS with a 401), so that the next `get()` fetches another. */
  invalidate(token: string): void {
    this.#rejected = token;
  }

  /** The secrets an error must never show. */
  get secrets(): readonly string[] {
    return [this.#options.clientSecret, basicCredentials(this.#options.clientId, this.#options.clientSecret)];
  }

  #usable(token: StoredToken): boolean {
    const margin = Math.min(REFRESH_AHEAD, (token.expiresAt - token.obtainedAt) / 4);
    return token.accessToken !== this.#rejected && token.expiresAt - this.#time.now() > margin;
  }

  async #fetch(): Promise<StoredToken> {
    const { baseUrl, clientId, clientSecret, scopes, timeout, fetch } = this.#options;
    const url = `${baseUrl}${TOKEN_ENDPOINT_PATH}`;
    const sent = this.#time.read();
    let answer: HttpAnswer;
    try {
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' ') });
      answer = await sendTokenRequest({ url, clientId, clientSecret, form, timeout, fetch });
    } catch (error) {
      if (!(error instanceof HttpTransportFailure)) throw error;
      const code = error.kind === 'timeout' ? 'ERR_SSA_TIMEOUT' : 'ERR_SSA_NETWORK';
      throw new SsaTokenEndpointError(
        code,
        `Could not get the admin API's 2-legged token from ${url} (${error.reason}). Check the base URL and the network; retry later.`,
        { retryable: true },
        error.cause === undefined ? undefined : { cause: error.cause },
      );
    }
    this.#time.observe(answer.serverDate, sent, this.#time.read());
    const sentAt = this.#time.at(sent);
    const body = answer.json as Record<string, unknown> | undefined;
    const accessToken = body?.['access_token'];
    const expiresIn = body?.['expires_in'];
    if (answer.ok && (answer.oversized || (typeof accessToken === 'string' && accessToken.length > MAX_ACCESS_TOKEN_LENGTH))) {
      const what = answer.oversized ? `a body over ${MAX_TOKEN_RESPONSE_BYTES} bytes` : `an access_token over ${MAX_ACCESS_TOKEN_LENGTH} characters`;
      throw new SsaTokenEndpointError(
        'ERR_SSA_RESPONSE_TOO_LARGE',
        `Could not get the admin API's 2-legged token from ${url}: it answered HTTP ${answer.status} with ${what}, which is not an APS token. Check that the base URL points at APS (or the emulator).`,
        { status: answer.status, retryable: false },
      );
    }
    if (answer.ok && typeof accessToken === 'string' && accessToken !== '' && typeof expiresIn === 'number' && expiresIn > 0 && expiresIn <= MAX_EXPIRES_IN) {
      return { accessToken, tokenType: 'Bearer', scopes: [...scopes], obtainedAt: sentAt, expiresAt: sentAt + expiresIn * 1000 };
    }
    throw this.#failure(url, answer);
  }

  #failure(url: string, answer: HttpAnswer): SsaTokenEndpointError {
    const { status } = answer;
    const body = typeof answer.json === 'object' && answer.json !== null ? (answer.json as Record<string, unknown>) : {};
    const field = (...names: string[]): string | undefined => {
      const value = names.map((name) => body[name]).find((v): v is string => typeof v === 'string' && v !== '');
      return value === undefined ? undefined : scrubSecrets(value, this.secrets);
    };
    const error = field('error', 'title', 'errorCode');
    const errorDescription = field('error_description', 'detail', 'developerMessage');
    const said = `HTTP ${status}${error === undefined ? '' : ` ${error}`}${errorDescription === undefined ? '' : `: "${errorDescription}"`}`;
    const { code, hint, retryable } = classify(answer, this.#options.scopes);
    const requestId = answer.requestId === undefined ? '' : ` (x-request-id: ${answer.requestId})`;
    return new SsaTokenEndpointError(code, `Could not get the admin API's 2-legged token from ${url} (${said}). ${hint}${requestId}`, {
      status,
      retryable,
      ...(error === undefined ? {} : { error }),
      ...(errorDescription === undefined ? {} : { errorDescription }),
      ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
      ...(answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter }),
    });
  }
}

function classify(answer: HttpAnswer, scopes: readonly string[]): { code: SsaTokenEndpointErrorCode; hint: string; retryable: boolean } {
  const { status } = answer;
  if (answer.ok) return { code: 'ERR_SSA_BAD_RESPONSE', hint: 'The answer is not a token: check that the base URL points at APS (or the emulator).', retryable: false };
  if (status === 400) return { code: 'ERR_SSA_INVALID_REQUEST', hint: `Check the scopes asked for (${scopes.join(' ')}).`, retryable: false };
  if (status === 401) {
    return {
      code: 'ERR_SSA_INVALID_CLIENT',
      hint: 'Check the client id and secret: they must be those of the server-to-server app that owns the service accounts.',
      retryable: false,
    };
  }
  if (status === 403) {
    return { code: 'ERR_SSA_FORBIDDEN', hint: 'The app may not use this grant or these scopes: check it in the APS console.', retryable: false };
  }
  if (status === 429) {
    return { code: 'ERR_SSA_RATE_LIMITED', hint: `Retry ${answer.retryAfter === undefined ? 'later' : `after ${answer.retryAfter} s`}.`, retryable: true };
  }
  if (status >= 500) return { code: 'ERR_SSA_SERVER', hint: 'Retry later.', retryable: true };
  return { code: 'ERR_SSA_BAD_RESPONSE', hint: 'Check the base URL.', retryable: false };
}
