import { Controller, Get } from '@nestjs/common';
import { InjectApsClient } from '@aps-ssa/nestjs-module';
import type { ApsClient } from '@aps-ssa/nestjs-module';

@Controller()
export class ProfileController {
  // A ky instance bound to APS: every request carries the service account's token.
  constructor(@InjectApsClient() private readonly aps: ApsClient) {}

  /** The service account's own APS profile: proof that the whole chain works. */
  @Get('me')
  me(): Promise<unknown> {
    return this.aps.get('userprofile/v1/users/@me').json();
  }
}
