import type { EndpointName } from '../control/endpoints.js';
import type { RequestContext } from './request-context.js';
import type { EmulatorRuntime } from '../runtime.js';

/**
 * APS's budgets besides the SSA one (reference §2, §5). 500/min is the token endpoint's own (D-tok, S2; the D-t1
 * live headers `ratelimit-value: 500`): client_credentials, and requests whose grant is missing or unknown. Revoke:
 * 100/min (S2, D). Introspect: 100/min in the D page, 500/min in S2 [U]; the strict reading (option `strict`, on by
 * default) takes the D page's 100.
 */
export const CLIENT_CREDENTIALS_RATE_LIMIT = 500;
export const STRICT_INTROSPECT_RATE_LIMIT = 100;
export const INTROSPECT_RATE_LIMIT = 500;
export const REVOKE_RATE_LIMIT = 100;

/** APS's quota body (reference §5, D-apsrl). */
export const QUOTA_EXCEEDED_BODY = { developerMessage: 'Quota limit exceeded.' } as const;

function setHeaders(ctx: RequestContext, limit: number, remaining: number): void {
  ctx.extraHeaders['ratelimit-value'] = String(limit);
  ctx.extraHeaders['ratelimit-remaining'] = String(remaining);
}

/**
 * Adds the `ratelimit-*` headers to a response given before the request counts (refused before its client
 * authenticated): the budget of the presented client for this endpoint, untouched. APS's live answers carry these
 * headers (reference §1 D-delete, §2 D-t1); which of its error answers do is not documented [U], so every one does.
 */
export function showRateLimit(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  clientId: string | undefined,
  endpoint: EndpointName,
  limit: number,
): void {
  if (runtime.settings.rateLimit === 0) return;
  setHeaders(ctx, limit, runtime.rateLimiter.remaining(`${clientId ?? ''} ${endpoint}`, limit));
}

/**
 * Takes one request from the client's budget for this endpoint. Adds the `ratelimit-*` headers to every later
 * response of the request; when the budget is spent, answers 429 with `Retry-After` and returns false.
 */
export function takeRateLimit(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  clientId: string,
  endpoint: EndpointName,
  limit: number,
): boolean {
  if (runtime.settings.rateLimit === 0) return true;
  const decision = runtime.rateLimiter.take(`${clientId} ${endpoint}`, limit);
  setHeaders(ctx, decision.limit, decision.remaining);
  if (decision.allowed) return true;
  ctx.sendJson(429, QUOTA_EXCEEDED_BODY, {
    outcome: 'rate_limited',
    message: QUOTA_EXCEEDED_BODY.developerMessage,
    headers: { 'Retry-After': String(decision.retryAfter) },
  });
  return false;
}
