import type { CreatedKey, CreatedServiceAccount, ServiceAccount, ServiceAccountKey, ServiceAccountStatus, KeyStatus } from './admin-types.js';
import { parseApsTime } from './aps-time.js';
import { redactedObject, redactedPrototype } from '../redacted.js';

/** A success body that is not what the spec describes; `why` names the field, never its value. */
export class MalformedResponse extends Error {}

type Json = Record<string, unknown>;

const CREATED_KEY = redactedPrototype('CreatedKey', ['privateKey']);

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedResponse(`${what} is not a JSON object`);
  return value as Json;
}

function text(body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new MalformedResponse(`its \`${field}\` is not a non-empty string`);
  return value;
}

function time(body: Json, field: string): Date {
  const date = parseApsTime(text(body, field));
  if (date === undefined) throw new MalformedResponse(`its \`${field}\` is not a time in Go's or ISO 8601 form`);
  return date;
}

/** An optional time: absent, empty, or Go's zero time (`0001-01-01 00:00:00 +0000 UTC`, an unset `time.Time`) mean "none". */
function optionalTime(body: Json, field: string): Date | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  const date = time(body, field);
  return date.getUTCFullYear() <= 1 ? undefined : date;
}

/** A list field; Go encodes an empty (nil) slice as `null`, and some services omit it. */
function list(body: Json, field: string): unknown[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedResponse(`its \`${field}\` is not an array`);
  return value;
}

export function toServiceAccount(value: unknown): ServiceAccount {
  const body = object(value, 'the service account');
  const accessedAt = optionalTime(body, 'accessedAt');
  const expiresAt = optionalTime(body, 'expiresAt');
  return Object.freeze({
    serviceAccountId: text(body, 'serviceAccountId'),
    email: text(body, 'email'),
    createdBy: text(body, 'createdBy'),
    // Passed through as sent: APS may add states.
    status: text(body, 'status') as ServiceAccountStatus,
    createdAt: time(body, 'createdAt'),
    ...(accessedAt === undefined ? {} : { accessedAt }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  });
}

export function toServiceAccounts(value: unknown): readonly ServiceAccount[] {
  return Object.freeze(list(object(value, 'the body'), 'serviceAccounts').map(toServiceAccount));
}

export function toCreatedServiceAccount(value: unknown): CreatedServiceAccount {
  const body = object(value, 'the body');
  return Object.freeze({ serviceAccountId: text(body, 'serviceAccountId'), email: text(body, 'email') });
}

function toKey(value: unknown): ServiceAccountKey {
  const body = object(value, 'a key');
  const accessedAt = optionalTime(body, 'accessedAt');
  return Object.freeze({
    kid: text(body, 'kid'),
    status: text(body, 'status') as KeyStatus,
    createdAt: time(body, 'createdAt'),
    ...(accessedAt === undefined ? {} : { accessedAt }),
  });
}

export function toKeys(value: unknown): readonly ServiceAccountKey[] {
  return Object.freeze(list(object(value, 'the body'), 'keys').map(toKey));
}

export function toCreatedKey(value: unknown): CreatedKey {
  const body = object(value, 'the body');
  // No check of the key's form: this is the only copy of it, and loadPrivateKey() reads every form it may take.
  return redactedObject<CreatedKey>(CREATED_KEY, { kid: text(body, 'kid'), privateKey: text(body, 'privateKey') });
}
