// Trust: a leak canary. Each flow runs with distinctive secrets (a client secret, private keys, the
// assertions it signs, every access token the emulator issues) and every value the library hands out
// (results, errors, events, clients, configs, providers, stores), every line written to the console,
// stdout or stderr, every process warning, and the emulator's request log are searched for them.
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@aps-ssa/emulator';
import type { AppRecord, Emulator } from '@aps-ssa/emulator';
import {
  ProviderRegistry,
  configFromEnv,
  createApsClient,
  createAssertion,
  createTokenProvider,
  exchangeAssertion,
  loadPrivateKey,
} from '../../src/index.js';
import { MemoryTokenStore } from '../../src/index.js';
import { createAdminClient } from '../../src/admin/index.js';
import type { StoredToken, TokenProvider, TokenProviderOptions, TokenStore, TokenStoreRefreshOptions } from '../../src/index.js';
import { CanaryWatch, canarySecret } from './support/canaries.js';

const watch = new CanaryWatch();
watch.captureOutput();

let emulator: Emulator;
let app: AppRecord;
let env: Record<string, string>;
const SCOPES = 'data:read user-profile:read';

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  app = emulator.state.createApp({ name: 'canary-app', clientSecret: canarySecret() });
  const account = emulator.state.createServiceAccount({ clientId: app.clientId, name: 'canary-robot' });
  const key = await emulator.state.createKey(account.serviceAccountId);
  watch.addClientSecret(app.clientId, app.clientSecret);
  watch.addPrivateKey('service account key', key.privateKey);
  env = {
    APS_CLIENT_ID: app.clientId,
    APS_CLIENT_SECRET: app.clientSecret,
    APS_SA_ID: account.serviceAccountId,
    APS_SA_KEY_ID: key.kid,
    APS_SA_PRIVATE_KEY: key.privateKey,
    APS_SCOPES: SCOPES,
    APS_BASE_URL: emulator.url,
  };
});
afterAll(async () => {
  await emulator.close();
});

const FAULTS = [
  { kind: 'rate-limit', retryAfter: 3 },
  { kind: 'server-error', status: 503 },
  { kind: 'malformed-json' },
  { kind: 'html', status: 502 },
  { kind: 'missing-fields' },
  { kind: 'missing-fields', expiresIn: '3599' },
  { kind: 'reset' },
  { kind: 'hang' },
] as const;

describe('exchange', () => {
  it('results and every kind of failure show no secret', async () => {
    const config = watch.observe('config', configFromEnv(env));
    const assertion = async (): Promise<string> => {
      const signed = await createAssertion({ ...pick(config), privateKey: config.privateKey, scopes: config.scopes });
      watch.addSecret('assertion', signed);
      return signed;
    };
    const exchange = async (overrides: object = {}) =>
      exchangeAssertion({ baseUrl: emulator.url, clientId: app.clientId, clientSecret: app.clientSecret, assertion: await assertion(), timeout: 5_000, ...overrides });

    const result = await watch.settle('exchange', () => exchange());
    watch.addSecret('access token', (result as { accessToken: string }).accessToken);
    await watch.settle('narrower scope', () => exchange({ scopes: ['data:read'] }));
    await watch.settle('wrong secret', () => exchange({ clientSecret: `${app.clientSecret}x` }));
    await watch.settle('scope not granted', () => exchange({ scopes: ['data:write'] }));
    const signed = await assertion();
    await watch.settle('tampered assertion', () => exchange({ assertion: `${signed.slice(0, -4)}AAAA` }));
    await watch.settle('not a JWT', () => exchange({ assertion: app.clientSecret }));
    for (const fault of FAULTS) {
      emulator.faults.inject(fault);
      await watch.settle(`fault ${fault.kind}`, () => exchange(fault.kind === 'hang' ? { timeout: 1_000 } : {}));
    }
    emulator.faults.clear();
    expect(FAULTS.map((fault) => watch.codeOf(`fault ${fault.kind}`))).toEqual([
      'ERR_SSA_RATE_LIMITED', 'ERR_SSA_SERVER', 'ERR_SSA_BAD_RESPONSE', 'ERR_SSA_SERVER', 'ERR_SSA_BAD_RESPONSE', 'ERR_SSA_BAD_RESPONSE', 'ERR_SSA_NETWORK', 'ERR_SSA_TIMEOUT',
    ]);
    expect([watch.codeOf('wrong secret'), watch.codeOf('tampered assertion')]).toEqual(['ERR_SSA_INVALID_CLIENT', 'ERR_SSA_ASSERTION_INVALID']);
    await watch.settle('loadPrivateKey of a public key', async () => loadPrivateKey(config.privateKey.export({ format: 'jwk' }).n ?? ''));
    await watch.settle('configFromEnv, a cut key', async () => configFromEnv({ ...env, APS_SA_PRIVATE_KEY: env.APS_SA_PRIVATE_KEY!.slice(0, 900) }));
    await watch.settle('configFromEnv, secret with a newline', async () => configFromEnv({ ...env, APS_CLIENT_SECRET: `${app.clientSecret}\n` }));
    watch.expectClean(emulator);
  });
});

describe('token provider', () => {
  let shift = 0;
  const clock = { now: () => Date.now() + shift };
  const moveTo = (ms: number): void => {
    shift = ms;
    emulator.clock.setOffset(ms);
  };
  const providerOptions = (): TokenProviderOptions => ({
    env,
    clock,
    fetch: watch.tokenRecordingFetch(),
    timeout: 3_000,
    // Two quick attempts per refresh, then a 1 s pause before the next refresh.
    retry: { maxAttempts: 2, baseDelay: 10, maxDelay: 1_000, budget: 3_000 },
    failureCoolDown: 1_000,
  });

  it('tokens, events, stats, failures and the provider itself show no secret', async () => {
    const provider = watch.observe('provider', createTokenProvider(providerOptions()));
    observeEvents(provider, 'provider');
    await watch.settle('getToken (cold)', () => provider.getToken());
    const header = await provider.getAuthorizationHeader();
    expect(header).toMatch(/^Bearer /);
    provider.invalidate();
    await watch.settle('getToken after invalidate', () => provider.getToken());

    // Past the refresh point, with the endpoint failing: refresh-failed, then served-stale.
    moveTo(3_599_000 - 120_000);
    emulator.faults.inject({ kind: 'server-error', status: 503, count: 10 });
    const failed = new Promise((resolve) => provider.on('refresh-failed', resolve));
    await watch.settle('getToken while refreshes fail', () => provider.getToken());
    await failed;
    await watch.settle('getToken, still failing', () => provider.getToken());
    // Past expiry, still failing: the caller gets SsaTokenUnavailableError.
    moveTo(3_599_000 + 60_000);
    await watch.settle('getToken with no valid token left', () => provider.getToken());
    emulator.faults.clear();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await watch.settle('getToken after recovery', () => provider.getToken());
    watch.observe('stats', provider.stats);
    watch.observe('identity', provider.identity);
    await provider.close();
    await watch.settle('getToken after close', () => provider.getToken());
    moveTo(0);
    expect(watch.codeOf('getToken with no valid token left')).toBe('ERR_SSA_TOKEN_UNAVAILABLE');
    expect(watch.codeOf('getToken after close')).toBe('ERR_SSA_CLOSED');
    for (const event of ['refreshed', 'refresh-failed', 'served-stale', 'invalidated']) expect(watch.pending).toContain(`provider event ${event}`);

    const terminal = createTokenProvider({ ...providerOptions(), clientSecret: `${app.clientSecret}x` });
    observeEvents(terminal, 'wrong-secret provider');
    await watch.settle('getToken, wrong secret', () => terminal.getToken());
    await terminal.close();

    const registry = watch.observe('registry', new ProviderRegistry());
    watch.observe('registry provider', registry.get(providerOptions()));
    await watch.settle('registry getToken', () => registry.get(providerOptions()).getToken());
    await registry.close();
    await watch.settle('createTokenProvider with a cut key', async () => createTokenProvider({ ...providerOptions(), privateKey: env.APS_SA_PRIVATE_KEY!.slice(0, 900) }));
    await watch.settle('createTokenProvider with an unknown option', async () => createTokenProvider({ ...providerOptions(), secret: app.clientSecret } as TokenProviderOptions));
    watch.expectClean(emulator);
  });
});

describe('a token store whose errors quote secrets (as ioredis quotes a command and its arguments)', () => {
  it('errors, events and the provider show a scrubbed summary of them, never the secrets', async () => {
    const store = new QuotingStore(app.clientId, app.clientSecret);
    const options: TokenProviderOptions = { env, store, fetch: watch.tokenRecordingFetch(), retry: { maxAttempts: 1 }, timeout: 3_000, failureCoolDown: 0 };
    const provider = watch.observe('provider on a quoting store', createTokenProvider(options));
    observeEvents(provider, 'quoting store provider');

    store.failing = 'refresh';
    const failed = await watch.settle('getToken, the store failing to write the token', () => provider.getToken());
    expect(failed).toMatchObject({ code: 'ERR_SSA_TOKEN_UNAVAILABLE', cause: { code: 'ERR_SSA_NETWORK', cause: { name: 'ReplyError', code: 'ERR' } } });
    watch.observe('stats', provider.stats);
    await provider.close();

    const reading = new QuotingStore(app.clientId, app.clientSecret);
    reading.failing = 'get';
    const starved = createTokenProvider({ ...options, store: reading });
    observeEvents(starved, 'unreadable store provider');
    await watch.settle('APS client on an unreadable store', () => createApsClient({ provider: starved, ky: { retry: 0 } }).get('userprofile/v1/users/@me').json());
    expect(watch.codeOf('APS client on an unreadable store')).toBe('ERR_SSA_TOKEN_UNAVAILABLE');
    await starved.close();

    store.quoted.push(...reading.quoted);
    expect(store.quoted.length).toBe(2);
    expect(watch.pending).toContain('quoting store provider event refresh-failed');
    // The errors the store threw do hold the secrets (else this proves nothing)...
    for (const thrown of store.quoted) expect(watch.leaks.findIn(thrown, 'the store error itself')).toBeDefined();
    // ...and nothing the library handed out does.
    watch.expectClean(emulator);
  });
});

describe('APS client', () => {
  it('responses and errors (HTTP errors, no token available) show no secret', async () => {
    const provider = createTokenProvider({ env, fetch: watch.tokenRecordingFetch(), retry: { maxAttempts: 1 }, timeout: 3_000 });
    const aps = watch.observe('APS client', createApsClient({ provider, ky: { retry: 0 } }));
    await watch.settle('userprofile', () => aps.get('userprofile/v1/users/@me').json());
    await watch.settle('a 404', () => aps.get('no/such/path').json());
    emulator.faults.inject({ kind: 'server-error', status: 500, endpoint: 'userprofile' });
    await watch.settle('a 500', () => aps.get('userprofile/v1/users/@me').json());
    emulator.faults.inject({ kind: 'reset', endpoint: 'userprofile' });
    await watch.settle('a reset', () => aps.get('userprofile/v1/users/@me').json());
    await watch.settle('the token endpoint through the client', () => aps.post('authentication/v2/token', { body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'data:read' }) }).json());

    const starved = createTokenProvider({ env, clientSecret: `${app.clientSecret}x`, retry: { maxAttempts: 1 } });
    await watch.settle('no token available', () => createApsClient({ provider: starved, ky: { retry: 0 } }).get('userprofile/v1/users/@me').json());
    await Promise.all([provider.close(), starved.close()]);
    expect(watch.codeOf('a 404')).toBe(undefined); // ky's HTTPError carries no code...
    expect(watch.pending).toContain('a 404 (thrown)'); // ...but it was thrown, and is checked like the rest.
    expect(watch.codeOf('no token available')).toBe('ERR_SSA_TOKEN_UNAVAILABLE');
    watch.expectClean(emulator);
  });
});

describe('admin client', () => {
  it('results (a created private key included), failures and the client show no secret', async () => {
    const admin = watch.observe('admin client', createAdminClient({ clientId: app.clientId, clientSecret: app.clientSecret, baseUrl: emulator.url, fetch: watch.tokenRecordingFetch() }));
    const created = (await watch.settle('createServiceAccount', () => admin.createServiceAccount({ name: 'canary-admin-1', firstName: 'Canary', lastName: 'Robot' }))) as { serviceAccountId: string };
    const id = created.serviceAccountId;
    const key = (await watch.settle('createKey', () => admin.createKey(id))) as { kid: string; privateKey: string };
    watch.addPrivateKey('created key', key.privateKey);
    await watch.settle('listServiceAccounts', () => admin.listServiceAccounts());
    await watch.settle('getServiceAccount', () => admin.getServiceAccount(id));
    await watch.settle('listKeys', () => admin.listKeys(id));
    await watch.settle('disableKey', () => admin.disableKey(id, key.kid));
    await watch.settle('disableKey again (400)', () => admin.disableKey(id, key.kid));
    await watch.settle('unknown account (404)', () => admin.getServiceAccount('NOSUCHACCOUNT000'));
    await watch.settle('bad name', () => admin.createServiceAccount({ name: 'x', firstName: 'Canary', lastName: 'Robot' }));
    for (let i = 0; i < 3; i++) await watch.settle(`createKey ${i + 2}`, () => admin.createKey(id));
    await watch.settle('disableServiceAccount', () => admin.disableServiceAccount(id));
    await watch.settle('createKey on a disabled account', () => admin.createKey(id));
    await watch.settle('deleteServiceAccount', () => admin.deleteServiceAccount(id));
    const wrong = createAdminClient({ clientId: app.clientId, clientSecret: `${app.clientSecret}x`, baseUrl: emulator.url });
    await watch.settle('wrong secret', () => wrong.listServiceAccounts());
    emulator.faults.inject({ kind: 'html', status: 502, endpoint: 'token:client_credentials' });
    const faulted = createAdminClient({ clientId: app.clientId, clientSecret: app.clientSecret, baseUrl: emulator.url });
    await watch.settle('token endpoint fault', () => faulted.listServiceAccounts());
    expect(key.privateKey).toContain('PRIVATE KEY');
    expect([watch.codeOf('unknown account (404)'), watch.codeOf('bad name'), watch.codeOf('createKey 4'), watch.codeOf('wrong secret')]).toEqual([
      'ERR_SSA_API', 'ERR_SSA_INVALID_OPTION', 'ERR_SSA_API', 'ERR_SSA_INVALID_CLIENT',
    ]);
    watch.expectClean(emulator);
  });
});

// The fleet store: needs `redis-server` (CI installs it; locally the block is skipped without it).
const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;
describe.skipIf(!redisAvailable && process.env.CI !== 'true')('Redis token store', () => {
  it('events, the store and what Redis holds show no secret', async () => {
    const { startRedisServer } = await import('../../../redis-store/test/redis-server.js');
    const { createRedisTokenStore } = await import('../../../redis-store/src/index.js');
    const server = await startRedisServer();
    const redis = new Redis({ port: server.port, host: server.host, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    try {
      await redis.ping().catch(() => undefined);
      const store = watch.observe(
        'redis store',
        createRedisTokenStore({ redis, secret: app.clientSecret, onEvent: (event) => void watch.observe(`store event ${event.type}`, event) }),
      );
      const providers = [0, 1].map(() => createTokenProvider({ env, store, fetch: watch.tokenRecordingFetch() }));
      await Promise.all(providers.map((provider, i) => watch.settle(`fleet getToken ${i}`, () => provider.getToken())));
      providers[0]!.invalidate();
      await watch.settle('fleet getToken after invalidate', () => providers[0]!.getToken());
      const keys = await redis.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const type = await redis.type(key);
        const content = type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'string' ? String(await redis.get(key)) : '';
        watch.observe(`redis key ${key}`, `${key} ${content}`);
      }
      await Promise.all(providers.map((provider) => provider.close()));
      await store.close();
      expect(watch.pending).toContain('store event lock-acquired');
      watch.expectClean(emulator);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});

describe('the canary itself', () => {
  it('catches a secret in a value, a hidden property, a cause, or a captured line', () => {
    const probe = new CanaryWatch();
    const secret = canarySecret();
    const hidden = new Error('fine');
    Object.defineProperty(hidden, 'request', { value: { headers: { authorization: `Basic ${secret}` } }, enumerable: false });
    const basic = Buffer.from(`client-id:${secret}`).toString('base64');
    probe.addClientSecret('client-id', secret);
    const partials = [new Error(`oops ${secret.slice(10, 30)}`), new Error(`Basic ${basic.slice(5, 25)}`), new Error(`secret=${encodeURIComponent(`${secret}/+`)}`)];
    for (const leaky of [{ secret }, new Error(`oops ${secret.slice(10, 50)}`), hidden, new Error('fine', { cause: new Error(secret) }), ...partials]) {
      probe.observe('leaky', leaky);
      expect(() => probe.expectClean()).toThrow();
    }
  });

  it('captures console, stdout and stderr output', () => {
    const before = watch.capturedLines;
    console.warn('probe');
    process.stdout.write('probe\n');
    process.stderr.write('probe\n');
    expect(watch.capturedLines).toBe(before + 3);
  });

  it('checked the flows above', () => {
    const { values, canaries } = watch.counts;
    expect(values, `${values} values, ${canaries} canaries`).toBeGreaterThanOrEqual(60);
    expect(canaries).toBeGreaterThanOrEqual(10);
  });
});

function observeEvents(provider: TokenProvider, name: string): void {
  for (const event of ['refreshed', 'refresh-failed', 'served-stale', 'invalidated'] as const) {
    provider.on(event, (payload) => void watch.observe(`${name} event ${event}`, payload));
  }
}

function pick(config: { clientId: string; serviceAccountId: string; keyId: string }) {
  return { clientId: config.clientId, serviceAccountId: config.serviceAccountId, keyId: config.keyId };
}

/** An error shaped like ioredis's ReplyError: the message names the command, `command.args` holds its arguments. */
class ReplyError extends Error {
  readonly code = 'ERR';
  constructor(
    message: string,
    readonly command: { name: string; args: string[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReplyError';
  }
}

/**
 * A real token store (memory underneath) that can fail as a Redis client does: its errors quote the command,
 * the token being written (whole, cut short, URL-encoded) and the credentials of the connection.
 */
class QuotingStore implements TokenStore {
  readonly #memory = new MemoryTokenStore();
  readonly #basic: string;
  readonly #secret: string;
  failing: 'get' | 'refresh' | undefined;
  readonly quoted: Error[] = [];

  constructor(clientId: string, secret: string) {
    this.#secret = secret;
    this.#basic = Buffer.from(`${clientId}:${secret}`).toString('base64');
  }

  async get(key: string): Promise<StoredToken | undefined> {
    if (this.failing === 'get') {
      throw this.#quote(
        new ReplyError(`NOAUTH Authentication required (AUTH default ${encodeURIComponent(this.#secret).slice(3, 30)})`, { name: 'get', args: [key] }, { cause: new Error(`Basic ${this.#basic}`) }),
      );
    }
    return this.#memory.get(key);
  }

  async refresh(key: string, exchange: () => Promise<StoredToken>, options: TokenStoreRefreshOptions): Promise<StoredToken> {
    if (this.failing !== 'refresh') return this.#memory.refresh(key, exchange, options);
    const token = await exchange();
    const value = JSON.stringify(token);
    throw this.#quote(
      new ReplyError(`OOM command not allowed when used memory > 'maxmemory'. SET ${key} ${value.slice(0, 60)}… ${encodeURIComponent(token.accessToken.slice(-40))}`, {
        name: 'set',
        args: [key, value],
      }),
    );
  }

  delete(key: string): Promise<void> {
    return this.#memory.delete(key);
  }

  #quote(error: Error): Error {
    this.quoted.push(error);
    return error;
  }
}
