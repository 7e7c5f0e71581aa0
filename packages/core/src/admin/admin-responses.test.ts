import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MalformedResponse, toCreatedKey, toKeys, toServiceAccount, toServiceAccounts } from './admin-responses.js';

const details = {
  serviceAccountId: '6BNJQT7RR7GTJ5QY',
  email: 'robot@client.adskserviceaccount.autodesk.com',
  createdBy: 'client',
  status: 'ENABLED',
  createdAt: '2024-01-25 03:08:04.156576834 +0000 UTC',
  accessedAt: '2024-06-01T10:00:00Z',
  expiresAt: '2025-01-25 03:08:04.156576834 +0000 UTC',
};

describe('admin response parsing', () => {
  it('reads the details with Go-style and ISO times, frozen', () => {
    const account = toServiceAccount(details);
    expect(account).toEqual({
      ...details,
      createdAt: new Date('2024-01-25T03:08:04.156Z'),
      accessedAt: new Date('2024-06-01T10:00:00Z'),
      expiresAt: new Date('2025-01-25T03:08:04.156Z'),
    });
    expect(Object.isFrozen(account)).toBe(true);
  });

  it('leaves out an accessedAt or expiresAt that is absent, empty, null or Go\'s zero time', () => {
    for (const none of [undefined, '', null, '0001-01-01 00:00:00 +0000 UTC']) {
      const account = toServiceAccount({ ...details, accessedAt: none, expiresAt: none });
      expect('accessedAt' in account).toBe(false);
      expect('expiresAt' in account).toBe(false);
    }
  });

  it('passes an unknown status through', () => {
    expect(toServiceAccount({ ...details, status: 'ARCHIVED' }).status).toBe('ARCHIVED');
  });

  it('reads a missing or null list as empty (Go encodes a nil slice as null)', () => {
    expect(toServiceAccounts({})).toEqual([]);
    expect(toServiceAccounts({ serviceAccounts: null })).toEqual([]);
    expect(toKeys({ keys: null })).toEqual([]);
  });

  it.each([
    [() => toServiceAccount({ ...details, createdAt: 'last week' }), "its `createdAt` is not a time in Go's or ISO 8601 form"],
    [() => toServiceAccount({ ...details, email: 42 }), 'its `email` is not a non-empty string'],
    [() => toServiceAccounts({ serviceAccounts: {} }), 'its `serviceAccounts` is not an array'],
    [() => toServiceAccounts([]), 'the body is not a JSON object'],
    [() => toKeys({ keys: ['x'] }), 'a key is not a JSON object'],
    [() => toCreatedKey({ kid: 'k' }), 'its `privateKey` is not a non-empty string'],
  ])('names what is wrong: %#', (parse, message) => {
    expect(parse).toThrow(new MalformedResponse(message));
  });

  it('hides a created private key from JSON and inspect', () => {
    const key = toCreatedKey({ kid: 'k-1', privateKey: '-----BEGIN RSA PRIVATE KEY-----\nSECRETSECRET\n-----END RSA PRIVATE KEY-----\n' });
    expect(key.privateKey).toContain('SECRETSECRET');
    expect(JSON.stringify(key)).toBe('{"kid":"k-1","privateKey":"[redacted]"}');
    expect(inspect(key)).not.toContain('SECRETSECRET');
    expect(Object.keys(key)).toEqual(['kid']);
  });
});
