import { ASSERTION_LIFETIME, signAssertion } from '../assertion/assertion.js';
import { backoffDelay } from './backoff.js';
import { sleep } from '../clock.js';
import { NOTABLE_CLOCK_SKEW } from '../clock-skew.js';
import { SsaClosedError, SsaTokenEndpointError } from '../errors.js';
import type { NormalizedProviderOptions } from './provider-options.js';
import type { RateLimit } from '../http/rate-limit.js';
import { clampRetryAfter } from '../http/retry-after.js';
import type { ServerTime } from './server-time.js';
import { TOKEN_ENDPOINT_PATH, sendExchange } from '../exchange/token-endpoint.js';
import type { StoredToken } from '../store/token-store.js';
import { endExchangeTrace, startExchangeTrace } from '../tracing/trace-call.js';

/** How much sooner than `expires_in` says a token is counted as expired: `exp`'s rounding plus the skew estimate's. */
const EXPIRY_ROUNDING_MARGIN = 1_500;

/** What {@link exchangeWithRetry} works with, and whom it tells about each attempt. */
export interface RetryingExchange {
  readonly options: NormalizedProviderOptions;
  /** The token endpoint's time: corrects the assertion's times, and learns from every response's `Date` header. */
  readonly time: ServerTime;
  /** Aborts the exchange and any back-off wait (the provider closing). */
  readonly signal: AbortSignal;
  onAttempt(): void;
  onAttemptFailed(): void;
  /** Every response's rate-limit headers (errors included), when it has them. */
  onRateLimit(rateLimit: RateLimit): void;
  /** Each token obtained, before anything else (a store) handles it: a secret to scrub from foreign errors. */
  onToken(accessToken: string): void;
}

/**
 * Signs and exchanges assertions until one succeeds, retrying what a retry can fix within the
 * retry policy (waiting `Retry-After` when given, else exponential back-off with jitter). Throws the
 * last exchange error; `SsaClosedError` when aborted.
 */
export async function exchangeWithRetry(context: RetryingExchange): Promise<StoredToken> {
  const { options, time, signal } = context;
  const { clock, retry, identity } = options;
  const serverNow = (): number => time.now();
  // The last rate limit reported, for the exchange's trace.
  let rateLimit: RateLimit | undefined;
  const started = clock.monotonic();
  let attempt = 0;
  let skewRetried = false;
  for (;;) {
    attempt++;
    context.onAttempt();
    const offsetUsed = time.offset;
    rateLimit = undefined;
    const trace = startExchangeTrace(identity, attempt);
    try {
      // The options were checked once, by createTokenProvider(): signed and sent as they are.
      const assertion = await signAssertion({
        clientId: identity.clientId,
        serviceAccountId: identity.serviceAccountId,
        keyId: identity.keyId,
        privateKey: options.privateKey,
        scopes: identity.scopes,
        lifetime: ASSERTION_LIFETIME,
        now: serverNow,
      });
      const sent = time.read();
      const result = await sendExchange({
        url: `${identity.baseUrl}${TOKEN_ENDPOINT_PATH}`,
        clientId: identity.clientId,
        clientSecret: options.clientSecret,
        assertion,
        scopes: undefined,
        // The scopes travel as data: the token has the identity's unless the response names others.
        assertionScopes: identity.scopes,
        timeout: options.timeout,
        fetch: options.fetch,
        signal,
        now: serverNow,
        // Every answer's Date (errors included) teaches the server's time; its rate-limit headers, how close the limit is.
        onAnswer: (answer) => {
          time.observe(answer.serverDate, sent, time.read());
          if (answer.rateLimit !== undefined) context.onRateLimit((rateLimit = answer.rateLimit));
        },
      });
      context.onToken(result.accessToken);
      endExchangeTrace(trace, rateLimit, { expiresIn: result.expiresIn });
      // Counted from when the request left, so the token is never thought to live longer than it does.
      const obtainedAt = time.at(sent);
      return {
        accessToken: result.accessToken,
        tokenType: 'Bearer',
        scopes: result.scopes,
        obtainedAt,
        // The token's `exp` is whole seconds and the skew estimate (from a whole-second Date header) is off by up to
        // half a second: count the token as ending that much sooner, so that it is never sent once expired.
        expiresAt: obtainedAt + result.expiresIn * 1000 - EXPIRY_ROUNDING_MARGIN,
      };
    } catch (error) {
      context.onAttemptFailed();
      endExchangeTrace(trace, rateLimit, { error });
      if (signal.aborted) throw new SsaClosedError();
      if (!(error instanceof SsaTokenEndpointError)) throw error;
      // The first exchange signs with an unknown skew; if its refusal taught us a large one, sign again at once.
      if (error.code === 'ERR_SSA_ASSERTION_INVALID' && !skewRetried && Math.abs(time.offset - offsetUsed) >= NOTABLE_CLOCK_SKEW) {
        skewRetried = true;
        continue;
      }
      if (!error.retryable) throw error;
      const retryAfter = clampRetryAfter(error.retryAfter);
      const delay = retryAfter === undefined ? backoffDelay(attempt, retry) : retryAfter * 1000;
      if (attempt >= retry.maxAttempts || clock.monotonic() - started + delay > retry.budget) throw error;
      await sleep(clock, delay, signal);
    }
  }
}
