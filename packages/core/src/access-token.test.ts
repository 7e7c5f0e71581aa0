import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAccessToken } from './access-token.js';
import { SsaOptionError } from './errors.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJTQS0xMjMifQ.c2lnbmF0dXJlLW9mLXRoZS1hY2Nlc3MtdG9rZW4';
const EXPIRES_AT = Date.UTC(2026, 0, 15, 13, 0, 0);

describe('createAccessToken', () => {
  it('holds the token, readable by name', () => {
    const token = createAccessToken({ accessToken: TOKEN, expiresAt: EXPIRES_AT, scopes: ['data:read'] });
    expect(token.accessToken).toBe(TOKEN);
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresAt).toBe(EXPIRES_AT);
    expect(token.scopes).toEqual(['data:read']);
    expect(Object.isFrozen(token)).toBe(true);
    expect(Object.isFrozen(token.scopes)).toBe(true);
  });

  it('hides the token from JSON, inspect, console formatting, keys and spreads', () => {
    const token = createAccessToken({ accessToken: TOKEN, expiresAt: EXPIRES_AT, scopes: ['data:read'] });
    expect(JSON.parse(JSON.stringify({ token }))).toEqual({
      token: { tokenType: 'Bearer', expiresAt: EXPIRES_AT, scopes: ['data:read'], accessToken: '[redacted]' },
    });
    expect(inspect(token, { breakLength: Infinity })).toBe(
      "AccessToken { tokenType: 'Bearer', expiresAt: 1768482000000, scopes: [ 'data:read' ], accessToken: '[redacted]' }",
    );
    for (const text of [inspect(token, { showHidden: true }), format('%o %O %j', token, token, token), JSON.stringify({ ...token }), Object.keys(token).join()]) {
      expect(text).not.toContain(TOKEN);
    }
  });

  it('holds its fields only: the redacted view is computed when asked for, not kept with every token', () => {
    const token = createAccessToken({ accessToken: TOKEN, expiresAt: EXPIRES_AT, scopes: ['data:read'] });
    expect(Reflect.ownKeys(token)).toEqual(['tokenType', 'expiresAt', 'scopes', 'accessToken']);
    const other = createAccessToken({ accessToken: 'other', expiresAt: EXPIRES_AT, scopes: ['data:write'] });
    expect(Object.getPrototypeOf(token)).toBe(Object.getPrototypeOf(other));
  });

  it('copies its scopes instead of keeping the caller array', () => {
    const scopes = ['data:read'];
    const token = createAccessToken({ accessToken: TOKEN, expiresAt: EXPIRES_AT, scopes });
    scopes.push('data:write');
    expect(token.scopes).toEqual(['data:read']);
  });

  it('rejects missing or malformed fields without quoting the token', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ accessToken: '', expiresAt: EXPIRES_AT, scopes: ['a'] }, 'accessToken', /^`accessToken` must be a non-empty string, got an empty string\.$/],
      [{ accessToken: TOKEN, expiresAt: '1', scopes: ['a'] }, 'expiresAt', /^`expiresAt` must be milliseconds since the epoch, got a string\.$/],
      [{ accessToken: TOKEN, expiresAt: EXPIRES_AT, scopes: 'a' }, 'scopes', /^`scopes` must be an array/],
      [{ accessToken: TOKEN, tokenType: 'MAC', expiresAt: EXPIRES_AT, scopes: ['a'] }, 'tokenType', /^`tokenType` must be `Bearer`/],
      [{ accessToken: TOKEN, expiresAt: EXPIRES_AT, scopes: ['a'], expiresIn: 3599 }, 'expiresIn', /^Unknown option `expiresIn` passed to createAccessToken\(\)\. Did you mean `expiresAt`\?$/],
    ];
    for (const [init, option, message] of cases) {
      let caught: unknown;
      try {
        createAccessToken(init as Parameters<typeof createAccessToken>[0]);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SsaOptionError);
      expect(caught).toMatchObject({ code: 'ERR_SSA_INVALID_OPTION', option });
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain(TOKEN);
    }
  });
});
