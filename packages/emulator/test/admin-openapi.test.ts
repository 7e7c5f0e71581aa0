import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { accountBody, adminRequest, adminToken, createAccount, createKey, uniqueName } from './admin-support.js';
import { exchange, seedAssertion } from './support.js';

// Autodesk's SSA OpenAPI document (S1), a verbatim copy kept beside this test (see openapi/README.md).
const SPEC_DIR = join(import.meta.dirname, 'openapi');
const SPEC_PATH = join(SPEC_DIR, 'secureServiceAccount.yaml');

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

function readSpec(): Spec {
  try {
    return parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
  } catch (error) {
    throw new Error(`Cannot read the SSA OpenAPI spec at ${SPEC_PATH}; it is kept in packages/emulator/test/openapi.`, { cause: error });
  }
}
const spec = readSpec();

/** RFC 3339, or the Go `time.Time.String()` text every example of the spec uses for its `date-time` fields. */
const DATE_TIME = [
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,9})? [+-]\d{4} [A-Z]{3,4}$/,
];

/**
 * The problems of `value` against `schema`. Stricter than OpenAPI where the spec is silent: its response schemas
 * mark nothing `required`, so every declared property is required here, and an undeclared one is a problem too
 * (the emulator must not add fields APS does not send).
 */
function problems(schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return problems(spec.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!, value, at);
  const found: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) found.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [...found, `${at}: not an object`];
      const record = value as Record<string, unknown>;
      const declared = schema.properties ?? {};
      for (const [name, property] of Object.entries(declared)) {
        if (!(name in record)) found.push(`${at}.${name}: missing`);
        else found.push(...problems(property, record[name], `${at}.${name}`));
      }
      for (const name of Object.keys(record)) if (!(name in declared)) found.push(`${at}.${name}: not in the spec`);
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [...found, `${at}: not an array`];
      value.forEach((item, i) => found.push(...problems(schema.items!, item, `${at}[${i}]`)));
      break;
    case 'string':
      if (typeof value !== 'string') return [...found, `${at}: not a string`];
      if (schema.format === 'date-time' && !DATE_TIME.some((re) => re.test(value))) found.push(`${at}: ${value} is not a date-time`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) found.push(`${at}: not an integer`);
      break;
    case undefined:
      break;
    default:
      throw new Error(`schema type ${schema.type} not handled by this checker`);
  }
  return found;
}

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
