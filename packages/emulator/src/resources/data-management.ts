import { authenticateBearer, hasScopes } from '../http/bearer-token.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';

export const HUBS_PATH = '/project/v1/hubs';

/**
 * S-dm `getHubs`: `data:read`; a JSON:API `Hubs` document. A service account's app is provisioned into no hub
 * (an account admin adds it to ACC/BIM 360 accounts), so `data` is empty: seeding no hub is the emulator's choice.
 */
async function getHubs(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'get-hubs';
  const claims = await authenticateBearer(ctx, runtime);
  if (!claims || !hasScopes(ctx, claims, ['data:read'])) return;
  ctx.sendJson(200, { jsonapi: { version: '1.0' }, links: { self: { href: HUBS_PATH } }, data: [] });
}

export function registerDataManagementRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('GET', HUBS_PATH, (ctx) => getHubs(ctx, runtime));
}
