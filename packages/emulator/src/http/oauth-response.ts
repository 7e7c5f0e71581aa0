import type { RequestContext } from './request-context.js';

/** RFC 6749 §5.1 asks for these on every token response; APS sends them (reference §2, D-t1). */
export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** The Auth v2 error body `{error, error_description}` (reference §2, S3 [U]); its `error` is the outcome. */
export function sendOAuthError(ctx: RequestContext, status: number, error: string, description: string): void {
  ctx.sendJson(status, { error, error_description: description }, { outcome: error, message: description, headers: NO_STORE_HEADERS });
}
