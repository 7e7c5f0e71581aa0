import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { accountBody, adminRequest, adminToken, createAccount, createKey, uniqueName } from './admin-support.js';
import { readSpec, schemaChecker } from './openapi-schema.js';
import { exchange, seedAssertion } from './support.js';

// Autodesk's SSA OpenAPI document (S1). Its response schemas mark nothing `required`, so every declared property is.
const spec = readSpec('secureServiceAccount.yaml');
const problems = schemaChecker(spec, { everyPropertyRequired: true });

/** Every operation of the spec with its documented success status and (for a body) schema. */
const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods)
    .filter(([method]) => ['get', 'post', 'patch', 'delete'].includes(method))
    .map(([method, operation]) => {
      const status = Object.keys(operation.responses).find((code) => code.startsWith('2'))!;
      const content = operation.responses[status]!.content?.['application/json'];
      return { path, method: method.toUpperCase(), operationId: operation.operationId, status: Number(status), content };
    }),
);

let emulator: Emulator;
let token: string;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rateLimit: 0 });
  token = await adminToken(emulator);
});
afterAll(() => emulator.close());

/** Makes the emulator answer each operation's success response. */
const calls: Record<string, () => Promise<Response>> = {
  'create-service-account': () => adminRequest(emulator, token, 'POST', '', accountBody(uniqueName())),
  'get-all-service-accounts': () => adminRequest(emulator, token, 'GET'),
  'get-service-account': () => adminRequest(emulator, token, 'GET', `/${emulator.seed.serviceAccountId}`),
  'enable-disable-service-account': async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    return adminRequest(emulator, token, 'PATCH', `/${serviceAccountId}`, { status: 'DISABLED' });
  },
  'delete-service-account': async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    return adminRequest(emulator, token, 'DELETE', `/${serviceAccountId}`);
  },
  'create-service-account-key': async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    return adminRequest(emulator, token, 'POST', `/${serviceAccountId}/keys`);
  },
  'get-all-service-account-keys': () => adminRequest(emulator, token, 'GET', `/${emulator.seed.serviceAccountId}/keys`),
  'enable-disable-service-account-key': async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid } = await createKey(emulator, token, serviceAccountId);
    return adminRequest(emulator, token, 'PATCH', `/${serviceAccountId}/keys/${kid}`, { status: 'DISABLED' });
  },
  'delete-service-account-key': async () => {
    const { serviceAccountId } = await createAccount(emulator, token);
    const { kid } = await createKey(emulator, token, serviceAccountId);
    return adminRequest(emulator, token, 'DELETE', `/${serviceAccountId}/keys/${kid}`);
  },
  'exchange-jwt-assertion': async () => exchange(emulator, await seedAssertion(emulator)),
};

describe("the emulator's responses against Autodesk's SSA OpenAPI spec (S1)", () => {
  it('covers every operation of the spec', () => {
    expect(operations.map((o) => o.operationId).sort()).toEqual(Object.keys(calls).sort());
    expect(operations).toHaveLength(10);
  });

  it.each(operations.map((o) => [o.operationId, o] as const))('%s: documented status and a body that validates', async (_id, operation) => {
    const response = await calls[operation.operationId]!();
    const text = await response.text();
    expect(response.status, text).toBe(operation.status);
    if (operation.content?.schema) {
      expect(response.headers.get('content-type')).toMatch(/^application\/json;\s?charset=utf-8$/i);
      expect(problems(operation.content.schema, JSON.parse(text))).toEqual([]);
    } else {
      expect(text).toBe('');
    }
  });

  it("the checker accepts every example of the spec's success responses", () => {
    const examples = operations.flatMap((o) => {
      const content = o.content;
      if (!content?.schema) return [];
      return Object.values(content.examples ?? {}).map((e) => [o.operationId, content.schema!, e.value] as const);
    });
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const [id, schema, example] of examples) expect(problems(schema, example), id).toEqual([]);
  });

  it('the checker catches missing, extra, mistyped and off-enum fields', () => {
    const details = { $ref: '#/components/schemas/service-account-details' };
    const good = {
      serviceAccountId: 'A',
      email: 'e',
      createdBy: 'c',
      status: 'ENABLED',
      createdAt: '2024-01-25 03:08:04.156576834 +0000 UTC',
      accessedAt: '2024-01-25T03:08:04Z',
      expiresAt: '2025-01-25 03:08:04 +0000 UTC',
    };
    expect(problems(details, good)).toEqual([]);
    const { email: _email, ...missing } = good;
    expect(problems(details, missing)).toEqual(['$.email: missing']);
    expect(problems(details, { ...good, name: 'x' })).toEqual(['$.name: not in the spec']);
    expect(problems(details, { ...good, status: 'GONE' })).toEqual(['$.status: "GONE" is not one of ENABLED, DISABLED, DEACTIVATED']);
    expect(problems(details, { ...good, createdAt: 1706151684 })).toEqual(['$.createdAt: not a string']);
    expect(problems(details, { ...good, expiresAt: 'yesterday' })).toEqual(['$.expiresAt: yesterday is not a date-time']);
  });
});
