import { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import { SpanKind, SpanStatusCode, context as otelContext, metrics, trace } from '@opentelemetry/api';
import type { Attributes, MeterProvider, Span, TracerProvider } from '@opentelemetry/api';
import { TRACING_CHANNELS } from '@aps-ssa/core';
import type { AdminTraceContext, ExchangeTraceContext, GetTokenTraceContext, TokenIdentity } from '@aps-ssa/core';
import { rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';

/** Options of {@link instrumentApsSsa}. */
export interface ApsSsaInstrumentationOptions {
  /** Where spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
}

/** What {@link instrumentApsSsa} returns: `disable()` unsubscribes from every channel. */
export interface ApsSsaInstrumentation {
  disable(): void;
}

/** The instrumentation scope name of every span and metric. */
export const INSTRUMENTATION_NAME = '@aps-ssa/opentelemetry';

const KNOWN_OPTIONS = ['tracerProvider', 'meterProvider'];

type Handlers<C extends object> = {
  start(context: C): void;
  end(context: C): void;
  asyncStart(context: C): void;
  asyncEnd(context: C): void;
  error(context: C): void;
};

/**
 * Turns aps-ssa's `node:diagnostics_channel` tracing channels into OpenTelemetry spans and metrics:
 *
 * - spans `aps-ssa getToken` (under the caller's active span), `aps-ssa exchange` (one per attempt, under the
 *   `getToken` that started the refresh) and `aps-ssa admin` calls, with the identity's key, client, service account,
 *   key id and scopes, how the token was served, the outcome, the error code and `Retry-After`;
 * - metrics `aps_ssa.exchanges` (counter, by outcome and error code), `aps_ssa.exchange.duration` (histogram, s),
 *   `aps_ssa.token.remaining` (gauge, s a token has left, per identity), `aps_ssa.token.stale_served` (counter) and
 *   `aps_ssa.rate_limit.remaining` (gauge, per client).
 *
 * No attribute ever holds a token, an assertion, a key, a client secret or a PIN: the channels carry none.
 *
 * @example
 * ```ts
 * import { instrumentApsSsa } from '@aps-ssa/opentelemetry';
 *
 * const instrumentation = instrumentApsSsa(); // after the OpenTelemetry SDK is set up
 * // … later, to stop:
 * instrumentation.disable();
 * ```
 */
export function instrumentApsSsa(options: ApsSsaInstrumentationOptions = {}): ApsSsaInstrumentation {
  requireOptionsObject(options as unknown, 'instrumentApsSsa()');
  rejectUnknownOptions(options, KNOWN_OPTIONS, 'instrumentApsSsa()');
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME);

  const exchanges = meter.createCounter('aps_ssa.exchanges', { description: 'Exchange attempts at the APS token endpoint.' });
  const exchangeDuration = meter.createHistogram('aps_ssa.exchange.duration', { description: 'Duration of an exchange attempt.', unit: 's' });
  const staleServed = meter.createCounter('aps_ssa.token.stale_served', { description: 'Tokens served past their refresh point because refreshing failed.' });
  const remaining = meter.createObservableGauge('aps_ssa.token.remaining', { description: 'Seconds the last token served has left.', unit: 's' });
  const rateLimitRemaining = meter.createObservableGauge('aps_ssa.rate_limit.remaining', {
    description: 'Exchanges left in the rate-limit window, as the token endpoint last reported.',
  });
  const expiries = new Map<string, { expiresAt: number; attributes: Attributes }>();
  const rateLimits = new Map<string, number>();
  const observeRemaining = (result: { observe(value: number, attributes?: Attributes): void }): void => {
    const now = Date.now();
    for (const { expiresAt, attributes } of expiries.values()) result.observe(Math.max(0, (expiresAt - now) / 1000), attributes);
  };
  const observeRateLimits = (result: { observe(value: number, attributes?: Attributes): void }): void => {
    for (const [clientId, value] of rateLimits) result.observe(value, { 'aps_ssa.client_id': clientId });
  };
  remaining.addCallback(observeRemaining);
  rateLimitRemaining.addCallback(observeRateLimits);

  const spans = new WeakMap<object, { span: Span; started: number }>();
  // Made once per identity (a provider's identity is one frozen object): a cache hit allocates no attributes.
  const attributeSets = new WeakMap<TokenIdentity, IdentityAttributes>();
  const attributesOf = (identity: TokenIdentity, key: string): IdentityAttributes => {
    let attributes = attributeSets.get(identity);
    if (attributes === undefined) {
      attributes = identityAttributes(identity, key);
      attributeSets.set(identity, attributes);
    }
    return attributes;
  };
  // The getToken span a refresh runs under: its exchanges become its children, however many awaits later.
  const currentGetToken = new AsyncLocalStorage<Span>();
  const getTokenChannel = tracingChannel<Span, GetTokenTraceContext>(TRACING_CHANNELS.getToken);
  const exchangeChannel = tracingChannel<unknown, ExchangeTraceContext>(TRACING_CHANNELS.exchange);
  const adminChannel = tracingChannel<unknown, AdminTraceContext>(TRACING_CHANNELS.admin);

  // Made before the start event is published, in the caller's context: the caller's active span is the parent.
  getTokenChannel.start.bindStore(currentGetToken, (ctx) => {
    const span = tracer.startSpan('aps-ssa getToken', { kind: SpanKind.INTERNAL, attributes: attributesOf(ctx.identity, ctx.key).span });
    spans.set(ctx, { span, started: performance.now() });
    return span;
  });
  const getTokenHandlers = handlers<GetTokenTraceContext>({
    asyncEnd(ctx) {
      const entry = spans.get(ctx);
      if (entry === undefined) return;
      const { span } = entry;
      if (ctx.served !== undefined) span.setAttribute('aps_ssa.served', ctx.served);
      span.setAttribute('aps_ssa.stale', ctx.servedStale === true);
      if (ctx.servedStale === true) staleServed.add(1, attributesOf(ctx.identity, ctx.key).metric);
      if (ctx.expiresAt !== undefined) {
        const expiry = expiries.get(ctx.key);
        if (expiry === undefined) expiries.set(ctx.key, { expiresAt: ctx.expiresAt, attributes: attributesOf(ctx.identity, ctx.key).metric });
        else expiry.expiresAt = ctx.expiresAt;
      }
      endSpan(span, ctx);
    },
  });

  const exchangeHandlers = handlers<ExchangeTraceContext>({
    start(ctx) {
      const parent = currentGetToken.getStore();
      const active = parent === undefined ? otelContext.active() : trace.setSpan(otelContext.active(), parent);
      const attributes = { ...attributesOf(ctx.identity, ctx.key).span, 'aps_ssa.attempt': ctx.attempt };
      spans.set(ctx, { span: tracer.startSpan('aps-ssa exchange', { kind: SpanKind.CLIENT, attributes }, active), started: performance.now() });
    },
    asyncEnd(ctx) {
      const entry = spans.get(ctx);
      if (entry === undefined) return;
      const { span, started } = entry;
      if (ctx.status !== undefined) span.setAttribute('http.response.status_code', ctx.status);
      if (ctx.expiresIn !== undefined) span.setAttribute('aps_ssa.token.expires_in', ctx.expiresIn);
      if (ctx.rateLimit !== undefined) {
        span.setAttribute('aps_ssa.rate_limit.limit', ctx.rateLimit.limit);
        span.setAttribute('aps_ssa.rate_limit.remaining', ctx.rateLimit.remaining);
        rateLimits.set(ctx.identity.clientId, ctx.rateLimit.remaining);
      }
      const attributes: Attributes = { 'aps_ssa.outcome': ctx.outcome ?? 'failure', 'aps_ssa.client_id': ctx.identity.clientId };
      if (ctx.errorCode !== undefined) attributes['error.type'] = ctx.errorCode;
      exchanges.add(1, attributes);
      exchangeDuration.record((performance.now() - started) / 1000, attributes);
      endSpan(span, ctx);
    },
  });

  const adminHandlers = handlers<AdminTraceContext>({
    start(ctx) {
      const attributes = { 'aps_ssa.admin.operation': ctx.operation, 'http.request.method': ctx.method };
      spans.set(ctx, { span: tracer.startSpan('aps-ssa admin', { kind: SpanKind.CLIENT, attributes }), started: performance.now() });
    },
    asyncEnd(ctx) {
      const entry = spans.get(ctx);
      if (entry === undefined) return;
      if (ctx.status !== undefined) entry.span.setAttribute('http.response.status_code', ctx.status);
      endSpan(entry.span, ctx);
    },
  });

  getTokenChannel.subscribe(getTokenHandlers);
  exchangeChannel.subscribe(exchangeHandlers);
  adminChannel.subscribe(adminHandlers);
  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      getTokenChannel.start.unbindStore(currentGetToken);
      // An enabled AsyncLocalStorage keeps Node's promise hooks on (on Node 20), slowing every promise of the process.
      currentGetToken.disable();
      getTokenChannel.unsubscribe(getTokenHandlers);
      exchangeChannel.unsubscribe(exchangeHandlers);
      adminChannel.unsubscribe(adminHandlers);
      remaining.removeCallback(observeRemaining);
      rateLimitRemaining.removeCallback(observeRateLimits);
    },
  };
}

function handlers<C extends object>(given: Partial<Handlers<C>>): Handlers<C> {
  const none = (): void => undefined;
  return { start: none, end: none, asyncStart: none, asyncEnd: none, error: none, ...given };
}

/** An identity's attributes: on spans (with the key id and scopes), and on metrics (fewer, to keep cardinality low). */
interface IdentityAttributes {
  readonly span: Attributes;
  readonly metric: Attributes;
}

function identityAttributes(identity: TokenIdentity, key: string): IdentityAttributes {
  const metric: Attributes = {
    'aps_ssa.identity.key': key,
    'aps_ssa.client_id': identity.clientId,
    'aps_ssa.service_account_id': identity.serviceAccountId,
  };
  return { metric, span: { ...metric, 'aps_ssa.key_id': identity.keyId, 'aps_ssa.scopes': [...identity.scopes] } };
}

function endSpan(span: Span, ctx: { outcome?: string; errorCode?: string; retryAfter?: number; error?: Error }): void {
  span.setAttribute('aps_ssa.outcome', ctx.outcome ?? 'failure');
  if (ctx.retryAfter !== undefined) span.setAttribute('aps_ssa.retry_after', ctx.retryAfter);
  if (ctx.outcome === 'failure') {
    if (ctx.errorCode !== undefined) span.setAttribute('error.type', ctx.errorCode);
    // aps-ssa's errors say what happened without any secret: their messages are safe to export.
    span.setStatus({ code: SpanStatusCode.ERROR, ...(ctx.error === undefined ? {} : { message: ctx.error.message }) });
  }
  span.end();
}
