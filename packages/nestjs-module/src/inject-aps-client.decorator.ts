import { Inject } from '@nestjs/common';
import { SSA_APS_CLIENT } from './ssa.constants.js';

/**
 * Injects the APS client of `SsaModule`: a ky instance bound to the APS base URL that sends the
 * service account's token with every request (and only to APS), retrying once with a new token
 * after a 401. Type the parameter as {@link ApsClient}.
 *
 * @example
 * ```ts
 * @Controller()
 * export class HubsController {
 *   constructor(@InjectApsClient() private readonly aps: ApsClient) {}
 *
 *   @Get('hubs')
 *   hubs() {
 *     return this.aps.get('project/v1/hubs').json();
 *   }
 * }
 * ```
 */
export function InjectApsClient(): PropertyDecorator & ParameterDecorator {
  return Inject(SSA_APS_CLIENT);
}
