import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { SsaTokenService } from '@aps-ssa/nestjs-module';
import { SSA_STRATEGY_NAME, SsaStrategy } from '@aps-ssa/passport-strategy';
import type { SsaIdentity } from '@aps-ssa/passport-strategy';

/** The `aps-ssa` Passport strategy as a Nest provider, for routes guarded by `AuthGuard('aps-ssa')`. */
@Injectable()
export class ApsSsaStrategy extends PassportStrategy(SsaStrategy, SSA_STRATEGY_NAME) {
  constructor(tokens: SsaTokenService) {
    // The module's provider: one token cache for the guard and the APS client.
    super({ provider: tokens.provider });
  }

  /** What becomes `req.user`: the service account, as is (refuse it by returning `false`). */
  validate(identity: SsaIdentity): SsaIdentity {
    return identity;
  }
}
