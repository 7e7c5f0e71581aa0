import { Controller, Get, Module, ServiceUnavailableException } from '@nestjs/common';
import type { Emulator } from '@aps-ssa/emulator';
import { useEmulator } from '@aps-ssa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { SsaHealthIndicator, SsaModule } from '../src/index.js';
import type { SsaHealthStatus, SsaModuleOptions } from '../src/index.js';
import { listen, MemoryLogger } from './support.js';

let emulator: Emulator;
let close: (() => Promise<void>) | undefined;
const retry = { maxAttempts: 2, baseDelay: 1, maxDelay: 1 };

useEmulator((started) => (emulator = started));
afterEach(async () => {
  await close?.();
  close = undefined;
  emulator.faults.clear();
});

@Controller()
class HealthController {
  constructor(private readonly health: SsaHealthIndicator) {}

  @Get('healthz')
  async healthz(): Promise<SsaHealthStatus> {
    const health = await this.health.check({ timeout: 2_000 });
    if (health.status === 'down') throw new ServiceUnavailableException(health);
    return health;
  }
}

async function start(options: SsaModuleOptions) {
  @Module({ imports: [SsaModule.forRoot(options)], controllers: [HealthController] })
  class AppModule {}
  const logger = new MemoryLogger();
  const started = await listen(AppModule, logger);
  close = () => started.app.close();
  return { ...started, logger };
}

describe('SsaHealthIndicator', () => {
  it('is up while a token can be had, with its expiry', async () => {
    const { url } = await start({ env: emulator.seed.env });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as SsaHealthStatus;
    expect(body.status).toBe('up');
    expect(Date.parse(body.expiresAt ?? '')).toBeGreaterThan(Date.now());
    // The emulator issues one-hour tokens (3599 s).
    expect(body.secondsLeft).toBeGreaterThan(3000);
    expect(body.secondsLeft).toBeLessThanOrEqual(3599);
    expect(body.error).toBeUndefined();
  });

  it('is down with a code and a generic sentence when no token can be had, the reason going to the log', async () => {
    emulator.faults.inject({ kind: 'server-error', count: 2 });
    const { url, logger } = await start({ env: emulator.seed.env, retry });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'down',
      error: { code: 'ERR_SSA_TOKEN_UNAVAILABLE', message: 'No Autodesk Platform Services access token can be had right now. Try again later.' },
    });
    for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, emulator.url, emulator.seed.clientSecret, '500']) expect(text).not.toContain(detail);
    const warning = logger.lines.find((line) => line.startsWith('warn ERR_SSA_TOKEN_UNAVAILABLE: No valid APS access token'));
    expect(warning).toContain(emulator.seed.serviceAccountId);
    expect(logger.lines.join('\n')).not.toContain(emulator.seed.clientSecret);
  });

  it('tells a prober nothing of APS’s refusal, which is logged', async () => {
    const { url, logger } = await start({ env: { ...emulator.seed.env, APS_CLIENT_SECRET: 'not-the-secret' }, retry });
    const text = await (await fetch(`${url}/healthz`)).text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'down',
      error: { code: 'ERR_SSA_TOKEN_UNAVAILABLE', message: "Autodesk Platform Services refused this server's service account credentials." },
    });
    for (const detail of [emulator.seed.serviceAccountId, emulator.seed.clientId, 'invalid', 'not-the-secret']) expect(text).not.toContain(detail);
    expect(logger.lines.some((line) => line.startsWith('warn ERR_SSA_TOKEN_UNAVAILABLE') && line.includes(emulator.seed.clientId))).toBe(true);
  });

  it('is down within its timeout when the token endpoint hangs', async () => {
    emulator.faults.inject({ kind: 'hang', count: 1 });
    const { app, logger } = await start({ env: emulator.seed.env });
    const health = await app.get(SsaHealthIndicator).check({ timeout: 200 });
    expect(health).toEqual({
      status: 'down',
      error: { code: 'ERR_SSA_TIMEOUT', message: 'No Autodesk Platform Services access token within 200 ms. Try again later.' },
    });
    expect(logger.lines).toContain('warn ERR_SSA_TIMEOUT: no APS access token within 200 ms: the token endpoint is slow or unreachable, and the refresh goes on.');
  });

  it('rejects invalid options', async () => {
    const { app } = await start({ env: emulator.seed.env });
    const indicator = app.get(SsaHealthIndicator);
    await expect(indicator.check({ timeot: 10 } as never)).rejects.toMatchObject({
      code: 'ERR_SSA_INVALID_OPTION',
      message: 'Unknown option `timeot` passed to SsaHealthIndicator#check(). Did you mean `timeout`?',
    });
    await expect(indicator.check({ timeout: -1 })).rejects.toMatchObject({
      code: 'ERR_SSA_INVALID_OPTION',
      message: '`timeout` must be a positive number of milliseconds, got -1.',
    });
  });
});
