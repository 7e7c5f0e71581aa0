import type { IncomingMessage } from 'node:http';

export interface ControlWriteRefusal {
  readonly status: 403 | 415;
  readonly error: 'forbidden' | 'bad_request';
  readonly message: string;
}

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i;

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    const from = new URL(origin);
    return from.protocol === 'http:' && host !== undefined && from.host === new URL(`http://${host}`).host;
  } catch {
    return false; // `Origin: null` (sandboxed frames, file: pages) and garbage
  }
}

/**
 * Why a state-changing control request (POST, PUT or DELETE under `/_emulator/`) must be refused, or
 * `undefined`. Another site can make a browser send "simple" requests to loopback (a form POST, a no-cors
 * fetch): those carry that site's `Origin` (and `Sec-Fetch-Site: cross-site`) and a form or text content type.
 * (A page that reached us by DNS rebinding is same-origin, but under a host name that is not loopback: the
 * loopback check every control request passes first refuses it.) Scripts and tests send no `Origin`, and JSON when they send a body, so none of this costs them anything.
 */
export function controlWriteRefusal(req: IncomingMessage): ControlWriteRefusal | undefined {
  const { origin, host } = req.headers;
  const site = req.headers['sec-fetch-site'];
  if ((site !== undefined && site !== 'same-origin') || (origin !== undefined && !sameOrigin(origin, host))) {
    return {
      status: 403,
      error: 'forbidden',
      message:
        'Cross-site requests cannot change the emulator. Use the console this emulator serves, or send the request from a script (without an Origin header).',
    };
  }
  const contentType = req.headers['content-type'];
  const hasBody = contentType !== undefined || Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !JSON_MEDIA_TYPE.test(contentType ?? '')) {
    return {
      status: 415,
      error: 'bad_request',
      message: `Control requests with a body must be sent as Content-Type: application/json, got ${JSON.stringify(contentType ?? '')}.`,
    };
  }
  return undefined;
}
