import { describe, expect, it } from 'vitest';
import { makeRsaKey } from '../../test/support/keys.js';
import { createApsClient } from './aps-client.js';
import { SsaOptionError } from '../errors.js';
import { createTokenProvider } from '../provider/token-provider.js';

const provider = createTokenProvider({
  clientId: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
  clientSecret: 'client-secret-value',
  serviceAccountId: 'Z752CT5MKW2S9N7E',
  keyId: '5de993f4-62b0-495a-a43a-b9896d6e9582',
  privateKey: makeRsaKey().privateKey,
  scopes: ['data:read'],
  env: {},
});

function thrown(run: () => unknown): SsaOptionError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SsaOptionError);
    return err as SsaOptionError;
  }
  throw new Error('expected a throw');
}

describe('createApsClient options', () => {
  it('binds to the provider base URL by default', () => {
    expect(typeof createApsClient({ provider }).get).toBe('function');
  });

  it.each([
    [{ provider, baseUrl: 'http://aps.example.com' }, 'baseUrl', /^`baseUrl` uses plain http: for a host that is not this machine/],
    [{ provider, prefixUrl: 'x' }, 'prefixUrl', /^Unknown option `prefixUrl` passed to createApsClient\(\)\. Known options: `provider`, `baseUrl`, `fetch`, `dispatcher`, `ky`\.$/],
    [{ provider, baseUrI: 'x' }, 'baseUrI', /^Unknown option `baseUrI` passed to createApsClient\(\)\. Did you mean `baseUrl`\?$/],
    [{ provider, ky: { prefixUrl: 'https://evil.example.com' } }, 'ky.prefixUrl', /^`ky\.prefixUrl` is set by the client; use the `baseUrl` option instead\.$/],
    [{ provider, ky: { fetch } }, 'ky.fetch', /^`ky\.fetch` is set by the client; use the `fetch` option instead\.$/],
    [{ provider, fetch: 'fetch' }, 'fetch', /^`fetch` must be a function, got a string\.$/],
    [{ provider: {} }, 'provider', /^`provider` must be a TokenProvider \(from createTokenProvider\(\)\), got an object\.$/],
  ])('rejects %j', (options, option, message) => {
    const error = thrown(() => createApsClient(options as never));
    expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_OPTION', option });
    expect(error.message).toMatch(message);
  });
});
