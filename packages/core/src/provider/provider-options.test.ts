import { describe, expect, it } from 'vitest';
import { makeRsaKey } from '../../test/support/keys.js';
import { configFromEnv } from '../config.js';
import { SsaConfigError, SsaOptionError } from '../errors.js';
import { MemoryTokenStore } from '../store/memory-token-store.js';
import {
  FAILURE_COOL_DOWN,
  MIN_VALIDITY,
  REFRESH_AHEAD,
  REFRESH_JITTER,
  RETRY_BASE_DELAY,
  RETRY_BUDGET,
  RETRY_MAX_ATTEMPTS,
  RETRY_MAX_DELAY,
  normalizeProviderOptions,
} from './provider-options.js';
import { EXCHANGE_TIMEOUT } from '../exchange/token-endpoint.js';

const key = makeRsaKey();
const env = {
  APS_CLIENT_ID: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
  APS_CLIENT_SECRET: 'client-secret-value',
  APS_SA_ID: 'Z752CT5MKW2S9N7E',
  APS_SA_KEY_ID: '5de993f4-62b0-495a-a43a-b9896d6e9582',
  APS_SA_PRIVATE_KEY: key.pkcs1,
  APS_SCOPES: 'data:read data:write',
};
const explicit = {
  clientId: env.APS_CLIENT_ID,
  clientSecret: env.APS_CLIENT_SECRET,
  serviceAccountId: env.APS_SA_ID,
  keyId: env.APS_SA_KEY_ID,
  privateKey: key.pkcs8,
  scopes: ['data:read'],
};

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('normalizeProviderOptions defaults', () => {
  it('applies the named defaults', () => {
    const options = normalizeProviderOptions({ env });
    expect(options).toMatchObject({
      refreshAhead: REFRESH_AHEAD,
      refreshJitter: REFRESH_JITTER,
      minValidity: MIN_VALIDITY,
      timeout: EXCHANGE_TIMEOUT,
      failureCoolDown: FAILURE_COOL_DOWN,
      store: undefined,
      retry: { maxAttempts: RETRY_MAX_ATTEMPTS, baseDelay: RETRY_BASE_DELAY, maxDelay: RETRY_MAX_DELAY, budget: RETRY_BUDGET },
    });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('reads the identity from the environment, scopes sorted, base URL defaulting to production', () => {
    const { identity, clientSecret, privateKey } = normalizeProviderOptions({ env });
    expect(identity).toEqual({
      clientId: env.APS_CLIENT_ID,
      serviceAccountId: env.APS_SA_ID,
      keyId: env.APS_SA_KEY_ID,
      scopes: ['data:read', 'data:write'],
      baseUrl: 'https://developer.api.autodesk.com',
    });
    expect(clientSecret).toBe(env.APS_CLIENT_SECRET);
    expect(privateKey.asymmetricKeyType).toBe('rsa');
  });

  it('lets options override the environment field by field (per-route scopes)', () => {
    const { identity } = normalizeProviderOptions({ env, scopes: ['viewables:read'], baseUrl: 'http://127.0.0.1:9999/' });
    expect(identity.scopes).toEqual(['viewables:read']);
    expect(identity.baseUrl).toBe('http://127.0.0.1:9999');
    expect(identity.clientId).toBe(env.APS_CLIENT_ID);
  });

  it('needs no APS_SCOPES when the scopes are given', () => {
    const { APS_SCOPES: _omitted, ...withoutScopes } = env;
    expect(normalizeProviderOptions({ env: withoutScopes, scopes: ['data:read'] }).identity.scopes).toEqual(['data:read']);
  });

  it('does not read the environment for fields given as options', () => {
    const options = normalizeProviderOptions({ ...explicit, env: {} });
    expect(options.identity.scopes).toEqual(['data:read']);
    expect(options.clientSecret).toBe(explicit.clientSecret);
  });

  it('still takes APS_BASE_URL from the environment when every other field is given', () => {
    expect(normalizeProviderOptions({ ...explicit, env: { APS_BASE_URL: 'http://localhost:4000' } }).identity.baseUrl).toBe('http://localhost:4000');
  });

  it('reports only the variables the options leave out', () => {
    const error = thrown(() => normalizeProviderOptions({ env: {}, clientId: explicit.clientId, scopes: ['data:read'] }));
    expect(error).toBeInstanceOf(SsaConfigError);
    expect((error as SsaConfigError).problems.map((p) => p.variable)).toEqual(['APS_CLIENT_SECRET', 'APS_SA_ID', 'APS_SA_KEY_ID', 'APS_SA_PRIVATE_KEY']);
    expect((error as SsaConfigError).code).toBe('ERR_SSA_CONFIG');
  });

  it('accepts an SsaConfig object itself (its secrets are non-enumerable)', () => {
    const config = configFromEnv(env);
    const options = normalizeProviderOptions(config);
    expect(options.clientSecret).toBe(env.APS_CLIENT_SECRET);
    expect(options.privateKey).toBe(config.privateKey);
  });

  it('takes a number as the retry count, and partial retry policies', () => {
    expect(normalizeProviderOptions({ env, retry: 1 }).retry.maxAttempts).toBe(1);
    expect(normalizeProviderOptions({ env, retry: { budget: 5_000 } }).retry).toEqual({
      maxAttempts: RETRY_MAX_ATTEMPTS,
      baseDelay: RETRY_BASE_DELAY,
      maxDelay: RETRY_MAX_DELAY,
      budget: 5_000,
    });
    expect(normalizeProviderOptions({ env, retry: { baseDelay: 10_000 } }).retry.maxDelay).toBe(10_000);
  });

  it('never changes the caller object', () => {
    const options = Object.freeze({ env: Object.freeze({ ...env }), retry: Object.freeze({ maxAttempts: 2 }), scopes: Object.freeze(['b:read', 'a:read']) });
    normalizeProviderOptions(options);
    expect(options.scopes).toEqual(['b:read', 'a:read']);
  });
});

describe('normalizeProviderOptions rejects', () => {
  it.each([
    [{ scope: ['data:read'] }, 'scope', 'Unknown option `scope` passed to createTokenProvider(). Did you mean `scopes`?'],
    [{ refreshAhaed: 1 }, 'refreshAhaed', 'Unknown option `refreshAhaed` passed to createTokenProvider(). Did you mean `refreshAhead`?'],
    [{ retry: { maxAttemps: 2 } }, 'maxAttemps', 'Unknown option `maxAttemps` passed to createTokenProvider() option `retry`. Did you mean `maxAttempts`?'],
    [{ retry: 0 }, 'retry.maxAttempts', '`retry.maxAttempts` must be a whole number from 1 (no retry) to 100, got 0.'],
    [{ retry: { baseDelay: 100, maxDelay: 50 } }, 'retry.maxDelay', '`retry.maxDelay` (50) must not be less than `retry.baseDelay` (100).'],
    [{ minValidity: -1 }, 'minValidity', '`minValidity` must be a number of milliseconds from 0 to 2147483647, got -1.'],
    [{ timeout: 0 }, 'timeout', '`timeout` must be a number of milliseconds from 1 to 2147483647, got 0.'],
    [{ refreshJitter: '5m' }, 'refreshJitter', '`refreshJitter` must be a number of milliseconds from 0 to 2147483647, got a string.'],
    [{ clientId: ' spaced ' }, 'clientId', '`clientId` contains whitespace (a stray space or trailing newline?); remove it.'],
    [{ scopes: 'data:read' }, 'scopes', "`scopes` must be an array of scope strings such as ['data:read'], got a string."],
    [{ baseUrl: 'http://aps.example.com' }, 'baseUrl', undefined],
    [{ store: new Map() }, 'store', '`store` must implement TokenStore: `get(key)`, `refresh(key, exchange, options)` and `delete(key)`.'],
    [{ fetch: 'fetch' }, 'fetch', '`fetch` must be a function, got a string.'],
    [{ env: null }, 'options', 'createTokenProvider() option `env` expects an options object, got null.'],
    [{ clock: Date }, 'clock', '`clock` must be an object with a `now()` method returning milliseconds, got a function.'],
  ])('%j', (bad, option, message) => {
    const error = thrown(() => normalizeProviderOptions({ env, ...(bad as object) }));
    expect(error).toBeInstanceOf(SsaOptionError);
    expect(error).toMatchObject({ code: 'ERR_SSA_INVALID_OPTION', option });
    if (message !== undefined) expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(/^`baseUrl` uses plain http: for a host that is not this machine/);
  });

  it('accepts a real store', () => {
    const store = new MemoryTokenStore();
    expect(normalizeProviderOptions({ env, store }).store).toBe(store);
  });
});
