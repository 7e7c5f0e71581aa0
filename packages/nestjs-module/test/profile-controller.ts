import { Controller, Get } from '@nestjs/common';
import { InjectApsClient } from '../src/index.js';
import type { ApsClient } from '../src/index.js';

/** `GET /me`: the service account's APS profile, fetched with the injected APS client. */
@Controller()
export class ProfileController {
  constructor(@InjectApsClient() private readonly aps: ApsClient) {}

  @Get('me')
  me(): Promise<unknown> {
    return this.aps.get('userprofile/v1/users/@me').json();
  }
}
