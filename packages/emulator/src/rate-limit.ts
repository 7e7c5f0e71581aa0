import type { EndpointName } from './endpoints.js';
import type { RequestContext } from './request-context.js';
import type { EmulatorRuntime } from './runtime.js';

/** APS's budgets besides the SSA one (reference §2, §5; S2 for introspect [U], D for revoke). */
export const CLIENT_CREDENTIALS_RATE_LIMIT = 500;
export const INTROSPECT_RATE_LIMIT = 500;
export const REVOKE_RATE_LIMIT = 100;

/** APS's quota body (reference §5, D-apsrl). */
export const QUOTA_EXCEEDED_BODY = { developerMessage: 'Quota limit exceeded.' } as const;

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
  ctx.extraHeaders['ratelimit-value'] = String(decision.limit);
  ctx.extraHeaders['ratelimit-remaining'] = String(decision.remaining);
  if (decision.allowed) return true;
  ctx.sendJson(429, QUOTA_EXCEEDED_BODY, {
    outcome: 'rate_limited',
    message: QUOTA_EXCEEDED_BODY.developerMessage,
    headers: { 'Retry-After': String(decision.retryAfter) },
  });
  return false;
}
