import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmulatorCli, startEmulator, type AppRecord, type Emulator } from '../src/index.js';
import { accountBody, adminRequest, adminToken, ADMIN_SCOPES, answer, createAccount, ssaError, uniqueName } from './admin-support.js';
import { basic, postForm, tokenFor } from './support.js';

/**
 * Issue 26 item 1: where APS's references conflict (reference §1 on service-account names, §2 on introspect's
 * budget), the emulator enforces the strictest reading by default, says in the refusal which reference the rule
 * comes from, and `strict: false` (bin: `--lenient`) relaxes it.
 */
const RELAX = "The emulator's option `strict: false` relaxes this rule.";
const LOWERCASE = `The 'name' contains invalid characters. (Only lowercase letters, digits and dashes: S1 allows letters, digits and dashes, APS's naming guidelines only lowercase. ${RELAX})`;
const ENDS = `The 'name' contains invalid characters. (It must start and end with a letter or digit: APS's naming guidelines. ${RELAX})`;
const LENGTH = `The length of the 'name' should be between 5 and 64 characters. (S3's limit; S1 allows 100. ${RELAX})`;

let strict: Emulator;
let lenient: Emulator;
beforeAll(async () => {
  [strict, lenient] = await Promise.all([startEmulator({ port: 0, rateLimit: 0 }), startEmulator({ port: 0, rateLimit: 0, strict: false })]);
});
afterAll(() => Promise.all([strict.close(), lenient.close()]));

async function create(emulator: Emulator, name: string): Promise<{ status: number; body: unknown }> {
  const app: AppRecord = emulator.state.createApp({ name: 'names-app' });
  return answer(await adminRequest(emulator, await adminToken(emulator, ADMIN_SCOPES, app), 'POST', '', accountBody(name)));
}

describe('service-account names: the strictest reading by default', () => {
  it.each([
    ['MyServiceAccount', LOWERCASE],
    ['test_service_account', LOWERCASE],
    ['-abcd1', ENDS],
    ['abcd1-', ENDS],
    ['_abcd1', LOWERCASE],
    ['a'.repeat(65), LENGTH],
    ['a'.repeat(100), LENGTH],
  ])('refuses %j, naming the reference', async (name, detail) => {
    expect(await create(strict, name)).toEqual({ status: 400, body: ssaError('invalid_request', detail) });
  });

  it('keeps the texts every reading shares (S3) for what every reading refuses', async () => {
    expect(await create(strict, 'abcd')).toEqual({ status: 400, body: ssaError('invalid_request', "The length of the 'name' should be between 5 and 64 characters.") });
    expect(await create(strict, 'has space')).toEqual({ status: 400, body: ssaError('invalid_request', "The 'name' contains invalid characters.") });
  });

  it('accepts lowercase names of 5 to 64 letters, digits and dashes that start and end with a letter or digit', async () => {
    for (const name of ['abcde', '1a-b2', 'a'.repeat(64), 'report-robot']) expect((await create(strict, name)).status).toBe(201);
  });
});

describe('service-account names with strict: false (the most permissive reading)', () => {
  it.each(['MyServiceAccount', 'test_service_account', '-abcd1', 'abcd1-', '_abcd1', 'a'.repeat(65), `A${'-'.repeat(98)}z`])('accepts %j', async (name) => {
    expect((await create(lenient, name)).status).toBe(201);
  });

  it('still refuses what S1 refuses: over 100 characters, no letter or digit', async () => {
    expect(await create(lenient, 'a'.repeat(101))).toEqual({ status: 400, body: ssaError('invalid_request', "The length of the 'name' should be between 5 and 100 characters.") });
    expect(await create(lenient, '-----')).toEqual({ status: 400, body: ssaError('invalid_request', "The 'name' should contain at least one alpha numeric character.") });
  });

  it('refuses a name already used by the app, ignoring case (it is the email local part)', async () => {
    const app = lenient.state.createApp({ name: 'twice-app' });
    const token = await adminToken(lenient, ADMIN_SCOPES, app);
    const name = uniqueName('twice');
    await createAccount(lenient, token, name);
    expect(await answer(await adminRequest(lenient, token, 'POST', '', accountBody(name.toUpperCase())))).toEqual({
      status: 400,
      body: ssaError('invalid_request', "The 'name' already exists."),
    });
  });
});

describe("introspect's budget: the docs page's 100/min by default, S2's 500/min with strict: false", () => {
  async function introspectLimit(options: { strict?: boolean }): Promise<string | null> {
    const emulator = await startEmulator({ port: 0, ...options });
    try {
      const response = await postForm(
        emulator.url,
        { token: 'x' },
        { path: '/authentication/v2/introspect', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
      );
      expect(response.status).toBe(200);
      return response.headers.get('ratelimit-value');
    } finally {
      await emulator.close();
    }
  }

  it('shows 100, or 500 when relaxed', async () => {
    expect(await introspectLimit({})).toBe('100');
    expect(await introspectLimit({ strict: false })).toBe('500');
  });

  it('refuses the 101st introspection in a minute with 429', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 101; i++) {
        const response = await postForm(
          emulator.url,
          { token: 'x' },
          { path: '/authentication/v2/introspect', authorization: basic(emulator.seed.clientId, emulator.seed.clientSecret) },
        );
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await emulator.close();
    }
  });
});

describe('the setting', () => {
  it('is the bin flag --lenient', async () => {
    const abort = new AbortController();
    let started: Emulator | undefined;
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, signal: abort.signal, onListening: (emulator: Emulator) => (started = emulator) };
    const running = runEmulatorCli(['--port', '0', '--lenient'], io);
    await expect.poll(() => started, { timeout: 30_000 }).toBeDefined();
    const response = await postForm(
      started!.url,
      { token: 'x' },
      { path: '/authentication/v2/introspect', authorization: basic(started!.seed.clientId, started!.seed.clientSecret) },
    );
    expect(response.headers.get('ratelimit-value')).toBe('500');
    expect((await create(started!, 'MyServiceAccount')).status).toBe(201);
    abort.abort();
    expect(await running).toBe(0);
  });

  it('rejects a non-boolean strict option', async () => {
    await expect(startEmulator({ port: 0, strict: 'no' as never })).rejects.toThrow('`strict` must be true or false, got "no".');
  });
});

describe('OSS bucket keys: the strictest reading by default', () => {
  const createBucket = async (emulator: Emulator, bucketKey: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${emulator.url}/oss/v2/buckets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor(emulator, { scope: ['bucket:create'] })}`, 'content-type': 'application/json', 'x-ads-region': 'US' },
      body: JSON.stringify({ bucketKey, policyKey: 'transient' }),
    });
    return { status: response.status, body: await response.json() };
  };

  it.each(['has-dash', 'has.dot'])('refuses %j strictly, naming the reference; accepts it with strict: false', async (bucketKey) => {
    expect(await createBucket(strict, bucketKey)).toEqual({
      status: 400,
      body: { reason: "bucketKey must be 3 to 128 characters of a-z, 0-9 and _. (S-oss's create_buckets_payload; its path pattern also allows - and .: the emulator's option `strict: false` relaxes this rule.)" },
    });
    expect(await createBucket(lenient, bucketKey)).toMatchObject({ status: 200, body: { bucketKey } });
  });
});
