import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { SsaHealthIndicator } from '@aps-ssa/nestjs-module';
import type { SsaHealthStatus } from '@aps-ssa/nestjs-module';

@Controller()
export class HealthController {
  constructor(private readonly ssaHealth: SsaHealthIndicator) {}

  /** 200 `{ status: 'up', expiresAt, secondsLeft }`, or 503 `{ status: 'down', error }`: wire it to your probes. */
  @Get('healthz')
  async healthz(): Promise<SsaHealthStatus> {
    const health = await this.ssaHealth.check();
    if (health.status === 'down') throw new ServiceUnavailableException(health);
    return health;
  }
}
