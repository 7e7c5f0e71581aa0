import { createAssertion } from './assertion.js';
import { backoffDelay } from './backoff.js';
import { sleep } from './clock.js';
import { NOTABLE_CLOCK_SKEW } from './clock-skew.js';
import type { ClockSkew } from './clock-skew.js';
import { SsaClosedError, SsaTokenEndpointError } from './errors.js';
import type { NormalizedProviderOptions } from './provider-options.js';
import { exchangeAssertion } from './token-endpoint.js';
import type { StoredToken } from './token-store.js';

/** How much sooner than `expires_in` says a token is counted as expired: `exp`'s rounding plus the skew estimate's. */
const EXPIRY_ROUNDING_MARGIN = 1_500;

/** What {@link exchangeWithRetry} works with, and whom it tells about each attempt. */
export interface RetryingExchange {
  readonly options: NormalizedProviderOptions;
  /** Corrects the assertion's times, and learns from every response's `Date` header. */
  readonly skew: ClockSkew;
  /** Aborts the exchange and any back-off wait (the provider closing). */
  readonly signal: AbortSignal;
  onAttempt(): void;
  onAttemptFailed(): void;
}

/**
 * Signs and exchanges assertions until one succeeds, retrying what a retry can fix within the
 * retry policy (waiting `Retry-After` when given, else exponential back-off with jitter). Throws the
 * last exchange error; `SsaClosedError` when aborted.
 */
export async function exchangeWithRetry(context: RetryingExchange): Promise<StoredToken> {
  const { options, skew, signal } = context;
  const { clock, retry, identity } = options;
  const serverNow = (): number => clock.now() + skew.offset;
  const fetch = skewObservingFetch(options, skew);
  const started = clock.now();
  let attempt = 0;
  let skewRetried = false;
  for (;;) {
    attempt++;
    context.onAttempt();
    const offsetUsed = skew.offset;
    const sentAt = clock.now();
    try {
      const assertion = await createAssertion({
        clientId: identity.clientId,
        serviceAccountId: identity.serviceAccountId,
        keyId: identity.keyId,
        privateKey: options.privateKey,
        scopes: identity.scopes,
        now: serverNow,
      });
      const result = await exchangeAssertion({
        baseUrl: identity.baseUrl,
        clientId: identity.clientId,
        clientSecret: options.clientSecret,
        assertion,
        timeout: options.timeout,
        fetch,
        signal,
        now: serverNow,
      });
      // Counted from when the request left, so the token is never thought to live longer than it does.
      const obtainedAt = sentAt + skew.offset;
      return {
        accessToken: result.accessToken,
        tokenType: 'Bearer',
        scopes: result.scopes.length > 0 ? result.scopes : identity.scopes,
        obtainedAt,
        // The token's `exp` is whole seconds and the skew estimate (from a whole-second Date header) is off by up to
        // half a second: count the token as ending that much sooner, so that it is never sent once expired.
        expiresAt: obtainedAt + result.expiresIn * 1000 - EXPIRY_ROUNDING_MARGIN,
      };
    } catch (error) {
      context.onAttemptFailed();
      if (signal.aborted) throw new SsaClosedError();
      if (!(error instanceof SsaTokenEndpointError)) throw error;
      // The first exchange signs with an unknown skew; if its refusal taught us a large one, sign again at once.
      if (error.code === 'ERR_SSA_ASSERTION_INVALID' && !skewRetried && Math.abs(skew.offset - offsetUsed) >= NOTABLE_CLOCK_SKEW) {
        skewRetried = true;
        continue;
      }
      if (!error.retryable) throw error;
      const delay = error.retryAfter === undefined ? backoffDelay(attempt, retry) : error.retryAfter * 1000;
      if (attempt >= retry.maxAttempts || clock.now() - started + delay > retry.budget) throw error;
      await sleep(clock, delay, signal);
    }
  }
}

/** The exchange's fetch, reading every response's `Date` header (errors included) into the skew estimate. */
function skewObservingFetch({ clock, fetch }: NormalizedProviderOptions, skew: ClockSkew): typeof fetch {
  return async (input, init) => {
    const sentAt = clock.now();
    const response = await fetch(input, init);
    skew.observe(response.headers.get('date'), sentAt, clock.now());
    return response;
  };
}
