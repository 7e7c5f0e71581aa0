import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { readSpec, schemaChecker, type Operation, type Spec } from './openapi-schema.js';
import { basic, logEntryOf, postForm, tokenFor } from './support.js';

// Autodesk's resource API specs (S-oss, S-dm, S-md), verbatim copies beside this test (see openapi/README.md).
const specs = { oss: readSpec('oss.yaml'), dm: readSpec('datamanagement.yaml'), md: readSpec('modelderivative.yaml') };

/** The resource operations the emulator serves, each with how to make it succeed. */
interface Served {
  spec: Spec;
  path: string;
  method: 'get' | 'post';
  endpoint: string;
  call: (token: string) => Promise<Response>;
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
});
afterAll(() => emulator.close());
afterEach(() => emulator.clock.setOffset(0));

let bucketCount = 0;
const newBucketKey = (): string => `emulator_test_${Date.now()}_${++bucketCount}`;

function send(token: string | undefined, method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

const createBucket = (token: string, bucketKey = newBucketKey(), region = 'US'): Promise<Response> =>
  send(token, 'POST', '/oss/v2/buckets', { body: { bucketKey, policyKey: 'transient' }, headers: { 'x-ads-region': region } });

const served: Served[] = [
  { spec: specs.oss, path: '/oss/v2/buckets', method: 'post', endpoint: 'create-bucket', call: (token) => createBucket(token) },
  { spec: specs.oss, path: '/oss/v2/buckets', method: 'get', endpoint: 'get-buckets', call: (token) => send(token, 'GET', '/oss/v2/buckets') },
  {
    spec: specs.oss,
    path: '/oss/v2/buckets/{bucketKey}/details',
    method: 'get',
    endpoint: 'get-bucket-details',
    call: async (token) => {
      const bucketKey = newBucketKey();
      expect((await createBucket(await tokenFor(emulator, { scope: ['bucket:create'] }), bucketKey)).status).toBe(200);
      return send(token, 'GET', `/oss/v2/buckets/${bucketKey}/details`);
    },
  },
  { spec: specs.dm, path: '/project/v1/hubs', method: 'get', endpoint: 'get-hubs', call: (token) => send(token, 'GET', '/project/v1/hubs') },
  {
    spec: specs.md,
    path: '/modelderivative/v2/designdata/formats',
    method: 'get',
    endpoint: 'get-formats',
    call: (token) => send(token, 'GET', '/modelderivative/v2/designdata/formats'),
  },
];

const operationOf = (s: Served): Operation => s.spec.paths[s.path]![s.method]!;
/** The scopes the spec's first security requirement lists (all of them are needed: OpenAPI's reading). */
const scopesOf = (s: Served): string[] => Object.values(operationOf(s).security?.[0] ?? {})[0] ?? [];
const cases = served.map((s) => [`${s.method.toUpperCase()} ${s.path}`, s] as const);

describe("the emulator's resource endpoints against Autodesk's specs", () => {
  it.each(cases)('%s: 200 with exactly the scopes the spec requires, and a body that validates', async (_name, s) => {
    const scopes = scopesOf(s);
    const response = await s.call(await tokenFor(emulator, { scope: scopes.length > 0 ? scopes : ['data:read'] }));
    expect(response.status).toBe(200);
    const schema = operationOf(s).responses['200']!.content!['application/json']!.schema!;
    expect(schemaChecker(s.spec, { everyPropertyRequired: false })(schema, await response.json())).toEqual([]);
    expect(logEntryOf(emulator, response).endpoint).toBe(s.endpoint);
  });

  it.each(cases.filter(([, s]) => scopesOf(s).length > 0))('%s: 403 AUTH-010 when any required scope is missing', async (_name, s) => {
    for (const missing of scopesOf(s)) {
      const others = scopesOf(s).filter((scope) => scope !== missing);
      const response = await s.call(await tokenFor(emulator, { scope: others.length > 0 ? others : ['user-profile:read'] }));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ errorCode: 'AUTH-010' });
      expect(logEntryOf(emulator, response)).toMatchObject({ outcome: 'forbidden', message: expect.stringContaining(missing) });
    }
  });

  it.each(cases)('%s: 401 AUTH-006 for a missing, forged or expired token', async (_name, s) => {
    const token = await tokenFor(emulator, { scope: scopesOf(s).length > 0 ? scopesOf(s) : ['data:read'] });
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const bad of [undefined, 'not-a-jwt', forged]) {
      const response = await send(bad, s.method.toUpperCase(), s.path.replace('{bucketKey}', 'some_bucket'));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ errorCode: 'AUTH-006' });
    }
    emulator.clock.setOffset(3_600_000);
    const expired = await send(token, s.method.toUpperCase(), s.path.replace('{bucketKey}', 'some_bucket'));
    expect(expired.status).toBe(401);
    expect(logEntryOf(emulator, expired).message).toContain('expired');
  });
});

describe('OSS buckets', () => {
  it("lists a bucket once it is created, for its own app only, and refuses a taken key with 409", async () => {
    const token = await tokenFor(emulator, { scope: ['bucket:create', 'bucket:read'] });
    const bucketKey = newBucketKey();
    expect((await createBucket(token, bucketKey, 'EMEA')).status).toBe(200);
    const listed = (await (await send(token, 'GET', '/oss/v2/buckets?region=EMEA')).json()) as { items: { bucketKey: string }[] };
    expect(listed.items.map((item) => item.bucketKey)).toContain(bucketKey);
    const inUs = (await (await send(token, 'GET', '/oss/v2/buckets?region=US')).json()) as { items: { bucketKey: string }[] };
    expect(inUs.items.map((item) => item.bucketKey)).not.toContain(bucketKey);

    const other = emulator.state.createApp({ name: 'other-app' });
    const form = await postForm(emulator.url, { grant_type: 'client_credentials', scope: 'bucket:read bucket:create' }, { authorization: basic(other.clientId, other.clientSecret) });
    const otherToken = ((await form.json()) as { access_token: string }).access_token;
    const theirs = (await (await send(otherToken, 'GET', '/oss/v2/buckets')).json()) as { items: unknown[] };
    expect(theirs.items).toEqual([]);
    const taken = await createBucket(otherToken, bucketKey);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toEqual({ reason: 'Bucket already exists' });
  });

  it('pages with limit and startAt, giving next while more remain', async () => {
    const app = emulator.state.createApp({ name: 'paging-app' });
    const form = await postForm(emulator.url, { grant_type: 'client_credentials', scope: 'bucket:read bucket:create' }, { authorization: basic(app.clientId, app.clientSecret) });
    const token = ((await form.json()) as { access_token: string }).access_token;
    const keys = [newBucketKey(), newBucketKey(), newBucketKey()];
    for (const key of keys) expect((await createBucket(token, key)).status).toBe(200);
    const first = (await (await send(token, 'GET', '/oss/v2/buckets?limit=2')).json()) as { items: { bucketKey: string }[]; next?: string };
    expect(first.items.map((item) => item.bucketKey)).toEqual(keys.slice(0, 2));
    expect(first.next).toBe(`/oss/v2/buckets?startAt=${keys[1]}&limit=2`);
    const second = (await (await send(token, 'GET', first.next!)).json()) as { items: { bucketKey: string }[]; next?: string };
    expect(second).toEqual({ items: [expect.objectContaining({ bucketKey: keys[2] })] });
  });

  it.each([
    ['a missing region header', { bucketKey: 'good_key', policyKey: 'transient' }, {}],
    ['an unknown region', { bucketKey: 'good_key', policyKey: 'transient' }, { 'x-ads-region': 'MARS' }],
    ['a bucket key with capitals', { bucketKey: 'Bad_Key', policyKey: 'transient' }, { 'x-ads-region': 'US' }],
    ['a two-character bucket key', { bucketKey: 'ab', policyKey: 'transient' }, { 'x-ads-region': 'US' }],
    ['a bucket key with a dash (the strict reading)', { bucketKey: 'has-dash', policyKey: 'transient' }, { 'x-ads-region': 'US' }],
    ['no policyKey', { bucketKey: 'good_key' }, { 'x-ads-region': 'US' }],
    ['an unknown policyKey', { bucketKey: 'good_key', policyKey: 'forever' }, { 'x-ads-region': 'US' }],
    ['a bad allow entry', { bucketKey: 'good_key', policyKey: 'transient', allow: [{ authId: 'x', access: 'write' }] }, { 'x-ads-region': 'US' }],
  ])('create refuses %s with 400 and a reason', async (_name, body, headers) => {
    const token = await tokenFor(emulator, { scope: ['bucket:create'] });
    const response = await send(token, 'POST', '/oss/v2/buckets', { body, headers });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ reason: expect.any(String) });
  });

  it('gets details of its own bucket only (404 for none, 403 for another app’s)', async () => {
    const token = await tokenFor(emulator, { scope: ['bucket:create', 'bucket:read', 'viewables:read'] });
    expect((await send(token, 'GET', '/oss/v2/buckets/no_such_bucket/details')).status).toBe(404);
    const app = emulator.state.createApp({ name: 'details-app' });
    const form = await postForm(emulator.url, { grant_type: 'client_credentials', scope: 'bucket:create' }, { authorization: basic(app.clientId, app.clientSecret) });
    const bucketKey = newBucketKey();
    expect((await createBucket(((await form.json()) as { access_token: string }).access_token, bucketKey)).status).toBe(200);
    expect((await send(token, 'GET', `/oss/v2/buckets/${bucketKey}/details`)).status).toBe(403);
  });
});

describe('Data Management hubs and Model Derivative formats', () => {
  it('answers no hubs (a service account is in none) and the documented formats', async () => {
    const token = await tokenFor(emulator, { scope: ['data:read'] });
    expect(await (await send(token, 'GET', '/project/v1/hubs')).json()).toEqual({ jsonapi: { version: '1.0' }, links: { self: { href: '/project/v1/hubs' } }, data: [] });
    const formats = (await (await send(token, 'GET', '/modelderivative/v2/designdata/formats')).json()) as { formats: Record<string, string[]> };
    expect(formats.formats['svf2']).toContain('rvt');
  });
});

describe('faults and counters', () => {
  it('a fault aimed at a resource endpoint answers it, and the counters and the log see it', async () => {
    const token = await tokenFor(emulator, { scope: ['bucket:read'] });
    const before = emulator.counters()['get-buckets'];
    emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'get-buckets' });
    const faulted = await send(token, 'GET', '/oss/v2/buckets');
    expect(faulted.status).toBe(503);
    expect(logEntryOf(emulator, faulted)).toMatchObject({ endpoint: 'get-buckets', fault: 'server-error' });
    expect((await send(token, 'GET', '/oss/v2/buckets')).status).toBe(200);
    expect(emulator.counters()['get-buckets']).toMatchObject({ ok: before.ok + 1, 'fault:server-error': (before['fault:server-error'] ?? 0) + 1 });
  });
});
