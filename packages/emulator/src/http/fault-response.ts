import { STATUS_CODES } from 'node:http';
import { NO_STORE_HEADERS } from './oauth-response.js';
import { QUOTA_EXCEEDED_BODY } from './rate-limit.js';
import type { RequestContext } from './request-context.js';
import type { EmulatorRuntime } from '../runtime.js';
import { DEFAULT_RATE_LIMIT } from '../control/settings.js';

/** A syntactically JWT-like value: faulty bodies must not hand out a usable token. */
const PLACEHOLDER_TOKEN = 'eyJhbGciOiJub25lIn0.eyJmYXVsdCI6Im1pc3NpbmctZmllbGRzIn0.';

function htmlPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<!DOCTYPE html>\n<html><head><title>${title}</title></head>\n<body><center><h1>${title}</h1></center><hr><center>emulated gateway</center></body></html>\n`;
}

/**
 * If a pending fault targets this request's endpoint, answers (or refuses to answer) as the fault says and
 * returns true. The request is still counted and logged, with `fault:<kind>` as its outcome.
 */
export function answerWithFault(ctx: RequestContext, runtime: EmulatorRuntime): boolean {
  if (ctx.endpoint === undefined) return false;
  const fault = runtime.faults.take(ctx.endpoint);
  if (!fault) return false;
  const outcome = `fault:${fault.kind}`;
  ctx.draft.fault = fault.kind;
  switch (fault.kind) {
    case 'rate-limit':
      ctx.sendJson(429, QUOTA_EXCEEDED_BODY, {
        outcome,
        message: QUOTA_EXCEEDED_BODY.developerMessage,
        headers: {
          'Retry-After': String(fault.retryAfter),
          'ratelimit-value': String(runtime.settings.rateLimit || DEFAULT_RATE_LIMIT),
          'ratelimit-remaining': '0',
        },
      });
      break;
    case 'server-error':
      ctx.sendJson(fault.status, { developerMessage: 'Internal server error (injected by the emulator).' }, { outcome, headers: NO_STORE_HEADERS });
      break;
    case 'hang':
      // Never answered: the socket stays open until the client gives up or the emulator closes.
      ctx.record(0, outcome);
      break;
    case 'reset':
      ctx.record(0, outcome);
      ctx.req.socket.resetAndDestroy();
      break;
    case 'malformed-json':
      ctx.send(200, '{"access_token":"eyJhbGciOiJSUzI1NiIsImtpZCI6', { outcome, headers: NO_STORE_HEADERS });
      break;
    case 'html':
      ctx.send(fault.status, htmlPage(fault.status), { outcome, contentType: 'text/html', headers: NO_STORE_HEADERS });
      break;
    case 'missing-fields': {
      const body: Record<string, unknown> = {
        access_token: PLACEHOLDER_TOKEN,
        token_type: 'Bearer',
        expires_in: 'expiresIn' in fault ? fault.expiresIn : runtime.settings.tokenLifetime,
      };
      for (const field of fault.omit ?? []) delete body[field];
      ctx.sendJson(200, body, { outcome, headers: NO_STORE_HEADERS });
      break;
    }
  }
  return true;
}
