import { describe, expect, it } from 'vitest';
import { identityKey, normalizeScopes } from './identity-key.js';

const identity = {
  clientId: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
  serviceAccountId: 'Z752CT5MKW2S9N7E',
  keyId: '5de993f4-62b0-495a-a43a-b9896d6e9582',
  scopes: ['data:read', 'user-profile:read'],
  baseUrl: 'https://developer.api.autodesk.com',
};

describe('identityKey', () => {
  it('is an opaque hash that reveals none of the identity', () => {
    const key = identityKey(identity);
    expect(key).toMatch(/^aps-ssa:token:v1:[A-Za-z0-9_-]{43}$/);
    for (const field of [identity.clientId, identity.serviceAccountId, identity.keyId, 'data:read', 'autodesk']) {
      expect(key).not.toContain(field);
    }
  });

  it('ignores scope order and duplicates, and a trailing slash of the base URL', () => {
    expect(identityKey({ ...identity, scopes: ['user-profile:read', 'data:read', 'data:read'] })).toBe(identityKey(identity));
    expect(identityKey({ ...identity, baseUrl: 'https://developer.api.autodesk.com/' })).toBe(identityKey(identity));
  });

  it.each([
    ['clientId', { clientId: 'other' }],
    ['serviceAccountId', { serviceAccountId: 'OTHER' }],
    ['keyId', { keyId: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5' }],
    ['scopes', { scopes: ['data:read'] }],
    ['baseUrl', { baseUrl: 'http://127.0.0.1:8080' }],
  ])('differs when %s differs', (_field, change) => {
    expect(identityKey({ ...identity, ...change })).not.toBe(identityKey(identity));
  });

  it('cannot be forged by moving text between fields', () => {
    expect(identityKey({ ...identity, clientId: 'ab', serviceAccountId: 'c' })).not.toBe(
      identityKey({ ...identity, clientId: 'a', serviceAccountId: 'bc' }),
    );
  });
});

describe('normalizeScopes', () => {
  it('sorts and de-duplicates without touching the input', () => {
    const scopes = Object.freeze(['b', 'a', 'b']);
    expect(normalizeScopes(scopes)).toEqual(['a', 'b']);
    expect(scopes).toEqual(['b', 'a', 'b']);
  });
});
