import { authenticateBearer } from '../http/bearer-token.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import { SUPPORTED_FORMATS } from './supported-formats.js';

export const FORMATS_PATH = '/modelderivative/v2/designdata/formats';

/** S-md `get-formats`: any valid token (its security lists no scope); the documented formats. */
async function getFormats(ctx: RequestContext, runtime: EmulatorRuntime): Promise<void> {
  ctx.endpoint = 'get-formats';
  if (!(await authenticateBearer(ctx, runtime))) return;
  ctx.sendJson(200, SUPPORTED_FORMATS);
}

export function registerModelDerivativeRoutes(router: Router, runtime: EmulatorRuntime): void {
  router.add('GET', FORMATS_PATH, (ctx) => getFormats(ctx, runtime));
}
