import { answerWithFault } from '../http/fault-response.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';

export const JWKS_PATH = '/authentication/v2/keys';

/** The public keys of the emulator's access tokens (reference §2: `Cache-Control: max-age=604800`). */
export function registerJwksRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('GET', JWKS_PATH, (ctx) => {
    ctx.endpoint = 'keys';
    if (answerWithFault(ctx, runtime)) return;
    ctx.sendJson(200, runtime.tokens.jwks(), { headers: { 'Cache-Control': 'max-age=604800' } });
  });
}
