import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { createTokenProvider } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, redirectAttacks, TOKEN_ENDPOINT_SPELLINGS } from './origin-attacks.js';
import type { AttackReceivers } from './origin-attacks.js';
import { startReceiver } from './receivers.js';
import type { Received } from './receivers.js';

/** One outbound path under attack: sends `path` (relative to the APS receiver's URL) with the provider's token. */
export interface AttackedPath {
  send(path: string, init?: { method?: string; body?: string | URLSearchParams }): Promise<unknown>;
  close?(): Promise<void>;
}

/** What the suite hands the path: the receivers (`aps` is the base URL), the shared log, the provider. */
export interface AttackContext extends AttackReceivers {
  readonly log: Received[];
  readonly provider: TokenProvider;
  readonly token: string;
}

/**
 * The origin-attack cases every outbound path passes (createApsClient(), the undici interceptor, axios): redirects to
 * other origins and the token endpoint, a chain that leaves APS and comes back, every spelling of the token endpoint.
 * Real loopback receivers stand for APS and for the attacker; `expectNoLeak`'s oracle judges every request received.
 */
export function describeOriginAttacks(title: string, attach: (context: AttackContext) => AttackedPath | Promise<AttackedPath>, ready?: (context: AttackContext) => void): void {
  describe(title, () => {
    let emulator: Emulator;
    let context: AttackContext;
    let path: AttackedPath;
    const log: Received[] = [];
    const send = async (target: string, init?: { method?: string; body?: string | URLSearchParams }): Promise<void> => {
      try {
        await path.send(target, init);
      } catch {
        // A refused or failed request is fine here: only where the token went matters.
      }
    };
    const noLeak = (requests: readonly Received[] = log, attack = ''): void => expectNoLeak(requests, context.aps, context.token, attack);

    beforeAll(async () => {
      emulator = await startEmulator({ port: 0 });
      const provider = createTokenProvider({ env: emulator.seed.env });
      const token = (await provider.getToken()).accessToken;
      const aps = await startReceiver('aps', '127.0.0.1', 0, log);
      context = {
        log,
        provider,
        token,
        aps,
        otherPort: await startReceiver('127.0.0.1, another port', '127.0.0.1', 0, log),
        otherAddress: await startReceiver('127.0.0.2', '127.0.0.2', 0, log),
        otherAddressSamePort: await startReceiver('127.0.0.2, the same port', '127.0.0.2', aps.port, log),
      };
      path = await attach(context);
      ready?.(context);
    });
    afterEach(() => {
      log.length = 0;
      for (const receiver of [context.aps, context.otherPort, context.otherAddress, context.otherAddressSamePort]) receiver.reply = () => undefined;
    });
    afterAll(async () => {
      await path?.close?.();
      await context.provider.close();
      await Promise.all([context.aps, context.otherPort, context.otherAddress, context.otherAddressSamePort].map((r) => r.close()));
      await emulator.close();
    });

    function redirectOnce(location: string, status: number): void {
      let done = false;
      context.aps.reply = (_request, res) => {
        if (done) return;
        done = true;
        res.writeHead(status, { location }).end();
      };
    }

    it('reaches APS itself (so that the checks below can fail)', async () => {
      await send('oss/v2/buckets');
      expect(log).toMatchObject([{ receiver: 'aps', target: '/oss/v2/buckets', headers: { authorization: `Bearer ${context.token}` } }]);
    });

    for (const status of [301, 302, 303, 307, 308]) {
      it(`${status} redirects to other origins and the token endpoint go without the token`, async () => {
        let elsewhere = 0;
        for (const [attack, location] of redirectAttacks(context)) {
          log.length = 0;
          redirectOnce(location, status);
          await send('oss/v2/buckets', { method: 'POST', body: 'payload' });
          noLeak(log, attack);
          elsewhere += log.filter((r) => r.receiver !== 'aps').length;
        }
        // The redirects really reached the other origins (else the checks above prove nothing).
        expect(elsewhere).toBeGreaterThan(3);
      });
    }

    it('a chain APS -> APS -> another origin -> APS carries it only on the APS hops before it left', async () => {
      const { aps, otherAddress } = context;
      aps.reply = (request, res) => {
        if (request.target === '/start') res.writeHead(302, { location: '/hop' }).end();
        else if (request.target === '/hop') res.writeHead(307, { location: `${otherAddress.url}/away` }).end();
      };
      otherAddress.reply = (_request, res) => void res.writeHead(302, { location: `${aps.url}/back` }).end();
      await send('start');
      expect(log.map((r) => [r.receiver, r.target, r.headers.authorization !== undefined])).toEqual([
        ['aps', '/start', true],
        ['aps', '/hop', true],
        ['127.0.0.2', '/away', false],
        ['aps', '/back', false],
      ]);
      noLeak();
    });

    it.each(TOKEN_ENDPOINT_SPELLINGS)('never sends it to the token endpoint spelt %s', async (spelling, target) => {
      await send(spelling, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
      expect(log).toHaveLength(1);
      expect(log[0]!.target, 'the request did not reach the server as that spelling: the case proves nothing').toBe(target);
      expect(log[0]!.headers.authorization).toBeUndefined();
      noLeak();
    });
  });
}
