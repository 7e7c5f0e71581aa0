import type { TracingChannel } from 'node:diagnostics_channel';
import { SsaError } from '../errors.js';
import type { AccessToken } from '../access-token.js';
import { identityKey } from '../store/identity-key.js';
import type { TokenIdentity } from '../store/identity-key.js';
import type { RateLimit } from '../http/rate-limit.js';
import { adminChannel, exchangeChannel, getTokenChannel } from './tracing-channels.js';
import type { AdminTraceContext, ExchangeTraceContext, GetTokenTraceContext, TraceOutcome } from './tracing-channels.js';

interface Traced {
  outcome?: TraceOutcome;
  errorCode?: SsaError['code'];
  retryAfter?: number;
  error?: SsaError;
}

/** Whether anyone listens to a channel's events (those published: start, error, asyncEnd). */
export function isTraced(channel: TracingChannel<unknown, object>): boolean {
  return channel.start.hasSubscribers || channel.asyncEnd.hasSubscribers || channel.error.hasSubscribers;
}

/**
 * Traces `run` on `channel`: `start` (running `run` with the stores subscribers bound to it, so that calls made
 * within, such as the exchange of a `getToken`, can find this one), then `asyncEnd` once it settles, `error` before
 * it on failure. `settled` completes the context from the value; nothing of the value itself is published.
 */
function trace<C extends Traced, T>(
  channel: TracingChannel<unknown, C>,
  context: C,
  run: () => Promise<T>,
  started: (context: C) => void,
  settled: (context: C, value: T) => void,
): Promise<T> {
  return channel.start.runStores(context, () => {
    const promise = run();
    started(context);
    return promise.then(
      (value) => {
        context.outcome = 'success';
        settled(context, value);
        channel.asyncEnd.publish(context);
        return value;
      },
      (error: unknown) => {
        recordFailure(context, error);
        channel.error.publish(context);
        channel.asyncEnd.publish(context);
        throw error;
      },
    );
  });
}

/** Records a failure: the code, `Retry-After` and the error itself when it is ours (ours carry no secret). */
export function recordFailure(context: Traced, error: unknown): void {
  context.outcome = 'failure';
  if (!(error instanceof SsaError)) return;
  context.error = error;
  context.errorCode = error.code;
  const { retryAfter, status } = error as { retryAfter?: unknown; status?: unknown };
  if (typeof retryAfter === 'number') context.retryAfter = retryAfter;
  if (typeof status === 'number') (context as { status?: number }).status = status;
}

/** The counters a traced `getToken` compares before and after, to tell a cache hit from a stale serve. */
export interface ServeCounters {
  readonly hits: number;
  readonly stale: number;
}

/** Traces one `getToken()` on the `getToken` channel. */
export function traceGetToken(identity: TokenIdentity, key: string, counters: () => ServeCounters, run: () => Promise<AccessToken>): Promise<AccessToken> {
  const before = counters();
  const context: GetTokenTraceContext = { identity, key };
  return trace(
    getTokenChannel,
    context,
    run,
    (c) => {
      const after = counters();
      c.served = after.stale > before.stale ? 'stale' : after.hits > before.hits ? 'hit' : 'wait';
      c.servedStale = c.served === 'stale';
    },
    (c, token) => void (c.expiresAt = token.expiresAt),
  );
}

/** Starts tracing one exchange attempt; `undefined` when nobody listens. */
export function startExchangeTrace(identity: TokenIdentity, attempt: number): ExchangeTraceContext | undefined {
  if (!isTraced(exchangeChannel)) return undefined;
  const context: ExchangeTraceContext = { identity, key: identityKey(identity), attempt };
  exchangeChannel.start.publish(context);
  return context;
}

/** Ends an exchange attempt's trace: `status` and `expiresIn` on success, the error's on failure. */
export function endExchangeTrace(
  context: ExchangeTraceContext | undefined,
  rateLimit: RateLimit | undefined,
  result: { expiresIn: number } | { error: unknown },
): void {
  if (context === undefined) return;
  if (rateLimit !== undefined) context.rateLimit = rateLimit;
  if ('error' in result) {
    recordFailure(context, result.error);
    exchangeChannel.error.publish(context);
  } else {
    context.outcome = 'success';
    context.status = 200;
    context.expiresIn = result.expiresIn;
  }
  exchangeChannel.asyncEnd.publish(context);
}

/** Traces one admin API call on the `admin` channel (when anyone listens). */
export function traceAdminCall<T>(operation: string, method: string, run: () => Promise<T>): Promise<T> {
  if (!isTraced(adminChannel)) return run();
  const context: AdminTraceContext = { operation, method };
  return trace(adminChannel, context, run, () => undefined, () => undefined);
}
