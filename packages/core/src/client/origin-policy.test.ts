import { beforeEach, describe, expect, it } from 'vitest';
import { APS_ORIGIN, OriginPolicy } from './origin-policy.js';

describe('OriginPolicy', () => {
  // A fresh policy per test: a policy remembers its verdicts, and a test must judge, not recall an earlier test's verdict.
  let production: OriginPolicy;
  let emulator: OriginPolicy;
  beforeEach(() => {
    production = new OriginPolicy(APS_ORIGIN);
    emulator = new OriginPolicy('http://127.0.0.1:4567');
  });

  it.each([
    'https://developer.api.autodesk.com/oss/v2/buckets',
    'https://developer.api.autodesk.com:443/project/v1/hubs',
    'https://DEVELOPER.api.autodesk.com/data/v1/projects',
    'https://developer.api.autodesk.com/authentication/v2/tokens-are-not-the-endpoint',
    'https://developer.api.autodesk.com/authentication/v2/service-accounts',
  ])('allows %s', (url) => {
    expect(production.allows(url)).toBe(true);
  });

  it.each([
    ['a look-alike host', 'https://developer.api.autodesk.com.evil.com/oss/v2/buckets'],
    ['a look-alike prefix', 'https://evil-developer.api.autodesk.com/'],
    ['a sibling host', 'https://api.userprofile.autodesk.com/userinfo'],
    ['a plain http downgrade', 'http://developer.api.autodesk.com/oss/v2/buckets'],
    ['another port', 'https://developer.api.autodesk.com:8443/oss/v2/buckets'],
    ['user info', 'https://user:pass@developer.api.autodesk.com/oss/v2/buckets'],
    ['a user name alone', 'https://user@developer.api.autodesk.com/oss/v2/buckets'],
    ['a password alone', 'https://:pass@developer.api.autodesk.com/oss/v2/buckets'],
    ['user info hiding the real host', 'https://developer.api.autodesk.com@evil.com/'],
    ['the token endpoint', 'https://developer.api.autodesk.com/authentication/v2/token'],
    ['the token endpoint with a trailing slash', 'https://developer.api.autodesk.com/authentication/v2/token/'],
    ['the token endpoint with doubled slashes', 'https://developer.api.autodesk.com//authentication//v2/token'],
    ['the token endpoint in another case', 'https://developer.api.autodesk.com/Authentication/V2/TOKEN'],
    ['the token endpoint percent-encoded', 'https://developer.api.autodesk.com/authentication/v2/%74oken'],
    ['the token endpoint behind dot segments', 'https://developer.api.autodesk.com/oss/../authentication/v2/token'],
    ['the token endpoint with matrix parameters', 'https://developer.api.autodesk.com/authentication/v2/token;x=1'],
    ['the token endpoint with a query', 'https://developer.api.autodesk.com/authentication/v2/token?grant_type=x'],
    ['a malformed escape', 'https://developer.api.autodesk.com/%E0%A4%A'],
    ['a relative URL', '/oss/v2/buckets'],
    ['another scheme', 'ftp://developer.api.autodesk.com/'],
  ])('refuses %s', (_why, url) => {
    expect(production.allows(url)).toBe(false);
  });

  it('allows the configured origin, including plain http to loopback for the emulator, and production', () => {
    expect(emulator.origins).toEqual(['http://127.0.0.1:4567', APS_ORIGIN]);
    expect(emulator.allows('http://127.0.0.1:4567/userprofile/v1/users/@me')).toBe(true);
    expect(emulator.allows('https://developer.api.autodesk.com/oss/v2/buckets')).toBe(true);
    expect(emulator.allows('http://localhost:4567/userprofile/v1/users/@me')).toBe(false);
    expect(emulator.allows('http://127.0.0.1:4568/')).toBe(false);
    expect(emulator.allows('http://127.0.0.1:4567/authentication/v2/token')).toBe(false);
  });

  it('never allows plain http to a host that is not loopback, even if configured', () => {
    const proxy = new OriginPolicy('http://aps-proxy.internal');
    expect(proxy.allows('http://aps-proxy.internal/oss/v2/buckets')).toBe(false);
  });

  it('guards the token endpoint under a path prefix too', () => {
    const proxied = new OriginPolicy('https://proxy.example.com/aps');
    expect(proxied.allows('https://proxy.example.com/aps/oss/v2/buckets')).toBe(true);
    expect(proxied.allows('https://proxy.example.com/aps/authentication/v2/token')).toBe(false);
  });

  it('gives a remembered URL the same verdict, also once the cache of verdicts has been emptied', () => {
    const policy = new OriginPolicy('http://127.0.0.1:4567');
    const allowed = 'http://127.0.0.1:4567/oss/v2/buckets';
    const refused = 'http://127.0.0.1:4567/authentication/v2/token';
    const other = 'https://developer.api.autodesk.com.evil.com/oss/v2/buckets';
    for (let round = 0; round < 2; round++) {
      expect([policy.allows(allowed), policy.allows(refused), policy.allows(other)]).toEqual([true, false, false]);
    }
    for (let i = 0; i < 600; i++) expect(policy.allows(`http://127.0.0.1:${i % 2 === 0 ? 4567 : 4568}/p/${i}`)).toBe(i % 2 === 0);
    expect([policy.allows(allowed), policy.allows(refused), policy.allows(other)]).toEqual([true, false, false]);
    expect(policy.allows(new URL(refused))).toBe(false);
  });

  it.each(['http://localhost:4567', 'http://[::1]:4567', 'http://127.0.0.10:4567', 'http://127.255.255.254:4567', 'http://127.1:4567'])(
    'attaches the token on plain http to the loopback base URL %s, never to its token endpoint',
    (base) => {
      const policy = new OriginPolicy(base);
      const origin = new URL(base).origin;
      expect(policy.allows(`${origin}/userprofile/v1/users/@me`)).toBe(true);
      expect(policy.allows(new URL(`${origin}/oss/v2/buckets`))).toBe(true);
      expect(policy.allows(`${origin}/authentication/v2/token`)).toBe(false);
    },
  );

  it.each([
    ['a host that starts like a loopback address', 'http://127.0.0.1.evil.com:4567'],
    ['a host that ends like one', 'http://evil127.0.0.1.com:4567'],
    ['a host named like localhost', 'http://localhost.evil.com:4567'],
    ['another IPv6 address', 'http://[::2]:4567'],
    ['an address outside 127/8', 'http://128.0.0.1:4567'],
  ])('sends nothing over plain http to %s, even when it is the base URL', (_what, base) => {
    const policy = new OriginPolicy(base);
    expect(policy.allows(`${new URL(base).origin}/oss/v2/buckets`)).toBe(false);
  });

  it('remembers at most 256 verdicts, starting afresh when full', () => {
    const policy = new OriginPolicy('http://127.0.0.1:4567');
    for (let i = 0; i < 256; i++) policy.allows(`http://127.0.0.1:4567/p/${i}`);
    expect(policy.rememberedVerdicts).toBe(256);
    policy.allows('http://127.0.0.1:4567/p/0');
    expect(policy.rememberedVerdicts).toBe(256);
    policy.allows('http://127.0.0.1:4567/p/256');
    expect(policy.rememberedVerdicts).toBe(1);
    for (let i = 0; i < 2_000; i++) policy.allows(`https://developer.api.autodesk.com/p/${i}`);
    expect(policy.rememberedVerdicts).toBeLessThanOrEqual(256);
    // A URL object is judged afresh every time: nothing is remembered for it.
    const before = policy.rememberedVerdicts;
    policy.allows(new URL('https://developer.api.autodesk.com/q'));
    expect(policy.rememberedVerdicts).toBe(before);
  });
});
