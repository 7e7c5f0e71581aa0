import { readFileSync } from 'node:fs';
import { CONSOLE_SURFACE, loopbackAccessProblem } from './access.js';
import { CONSOLE_ICON_PATH, CONSOLE_PATH, CONSOLE_SCRIPT_PATH, CONSOLE_STYLE_PATH, renderConsolePage } from './page.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';

/**
 * Only the console's own script, stylesheet and icon, and fetches back to this emulator: no inline script or
 * style, no other origin, and Trusted Types so that even a slip to `innerHTML` would throw instead of parsing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface ConsoleRouteOptions {
  /** Serve non-loopback clients and Host names too (`consoleAllowRemote`). */
  readonly allowRemote: boolean;
}

/**
 * The developer console at `/_emulator/console`, registered only when the emulator is started with
 * `console: true`. It reads and drives the emulator through the JSON control surface.
 */
export function registerConsoleRoutes(router: Router, options: ConsoleRouteOptions): void {
  // The assets sit beside this module, in src/console/ and (copied by the build) in dist/console/.
  const asset = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
  const serve = (contentType: string, body: string) => (ctx: RequestContext) => {
    const problem = loopbackAccessProblem(ctx.req, options.allowRemote, CONSOLE_SURFACE);
    if (problem !== undefined) {
      ctx.sendJson(403, { error: 'forbidden', message: problem }, { contentType: 'application/json; charset=utf-8', headers: SECURITY_HEADERS });
      return;
    }
    ctx.send(200, body, { contentType, headers: SECURITY_HEADERS });
  };
  router
    .add('GET', CONSOLE_PATH, serve('text/html; charset=utf-8', renderConsolePage(asset('console.html'))))
    .add('GET', CONSOLE_SCRIPT_PATH, serve('text/javascript; charset=utf-8', asset('console.js')))
    .add('GET', CONSOLE_STYLE_PATH, serve('text/css; charset=utf-8', asset('console.css')))
    .add('GET', CONSOLE_ICON_PATH, serve('image/svg+xml', asset('icon.svg')));
}
