import { sendOAuthError } from './oauth-response.js';
import type { RequestContext } from './request-context.js';

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
const REPEATABLE = new Set(['scope']);

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads an `application/x-www-form-urlencoded` body, or answers the error and returns `undefined`. The texts
 * of these errors are not documented by APS [U]; the codes follow RFC 6749.
 */
export async function readForm(ctx: RequestContext): Promise<URLSearchParams | undefined> {
  if (mediaType(ctx.header('content-type')) !== FORM_MEDIA_TYPE) {
    ctx.req.resume();
    sendOAuthError(ctx, 400, 'invalid_request', `The request body must be '${FORM_MEDIA_TYPE}'.`);
    return undefined;
  }
  const body = await ctx.readBody();
  if (body === undefined) {
    sendOAuthError(ctx, 413, 'invalid_request', 'The request body is too large.');
    return undefined;
  }
  const form = new URLSearchParams(body.toString('utf8'));
  // RFC 6749 §3.2: "parameters MUST NOT be included more than once". Except `scope`, which S1 types as an array:
  // OpenAPI's form style sends an array as repeated fields (`scope=a&scope=b`); see `formScope`.
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name) && !REPEATABLE.has(name)) {
      sendOAuthError(ctx, 400, 'invalid_request', `The request contains the parameter '${name}' more than once.`);
      return undefined;
    }
    seen.add(name);
  }
  return form;
}

/**
 * The form's `scope` in both forms a client may send it: one space-delimited field (ref §2, D-xchg, N and NET
 * join with spaces) or S1's array, which OpenAPI's form style sends as repeated fields (`scope=a&scope=b`).
 * Returns `undefined` when there is none, and the fields joined by a space otherwise.
 *
 * @example
 * ```ts
 * formScope(new URLSearchParams('scope=data:read&scope=data:write')); // 'data:read data:write'
 * ```
 */
export function formScope(form: URLSearchParams): string | undefined {
  const fields = form.getAll('scope');
  return fields.length === 0 ? undefined : fields.join(' ');
}
