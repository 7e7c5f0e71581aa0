import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { SSA_STRATEGY_NAME } from '@aps-ssa/passport-strategy';
import type { SsaIdentity } from '@aps-ssa/passport-strategy';

@Controller()
export class WhoamiController {
  /** The service account this server acts as (`req.user`, set by the `aps-ssa` Passport strategy). */
  @Get('whoami')
  @UseGuards(AuthGuard(SSA_STRATEGY_NAME))
  whoami(@Req() req: { user: SsaIdentity }): SsaIdentity {
    return req.user;
  }
}
