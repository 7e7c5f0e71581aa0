import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../../test/support/local-server.js';
import { ADMIN_SCOPES, createAdminClient } from './admin-client.js';
import type { AdminClientOptions } from './admin-types.js';
import { SsaOptionError } from '../errors.js';

function optionError(options: unknown): SsaOptionError {
  try {
    createAdminClient(options as AdminClientOptions);
  } catch (error) {
    return error as SsaOptionError;
  }
  throw new Error('expected an SsaOptionError');
}

describe('createAdminClient options', () => {
  it.each<[unknown, string, string]>([
    [undefined, 'options', 'createAdminClient() expects an options object, got undefined.'],
    [{ clientId: 'id', clientSecret: 's', scope: [] }, 'scope', 'Unknown option `scope` passed to createAdminClient(). Did you mean `scopes`?'],
    [{ clientSecret: 's' }, 'clientId', '`clientId` (of the server-to-server app) is required unless `getAccessToken` is given, got undefined.'],
    [{ clientId: 'id' }, 'clientSecret', '`clientSecret` (of the server-to-server app) is required unless `getAccessToken` is given, got undefined.'],
    [{ getAccessToken: 'token' }, 'getAccessToken', '`getAccessToken` must be a function returning a token, got a string.'],
    [
      { getAccessToken: () => 't', clientId: 'id' },
      'clientId',
      'Give either `getAccessToken` or `clientId` + `clientSecret` (and `scopes`), not both.',
    ],
    [{ getAccessToken: () => 't', timeout: 0 }, 'timeout', '`timeout` must be a whole number of milliseconds from 1 to 2147483647, got 0.'],
    [{ getAccessToken: () => 't', fetch: 'fetch' }, 'fetch', '`fetch` must be a function, got a string.'],
  ])('refuses %j', (options, option, message) => {
    const error = optionError(options);
    expect(error).toBeInstanceOf(SsaOptionError);
    expect(error.option).toBe(option);
    expect(error.message).toBe(message);
  });

  it('refuses plain http to a host that is not this machine', () => {
    const error = optionError({ getAccessToken: () => 't', baseUrl: 'http://developer.api.autodesk.com' });
    expect(error.option).toBe('baseUrl');
    expect(error.message).toMatch(/^`baseUrl` uses plain http: for a host that is not this machine/);
  });

  it('does not mutate the options, and returns a frozen client', () => {
    const options = Object.freeze({ clientId: 'id', clientSecret: 'secret', scopes: Object.freeze([...ADMIN_SCOPES]) });
    const client = createAdminClient(options);
    expect(Object.isFrozen(client)).toBe(true);
  });

  it('sends ids as one encoded path segment, with the bearer token and JSON bodies', async () => {
    const server = await startLocalServer((res) => {
      res.writeHead(204).end();
    });
    try {
      const client = createAdminClient({ baseUrl: server.url, getAccessToken: async () => 'the-token' });
      await client.deleteKey('AB%CD', 'kid:1');
      await client.disableKey('SA1', 'k#2');
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'DELETE /authentication/v2/service-accounts/AB%25CD/keys/kid%3A1',
        'PATCH /authentication/v2/service-accounts/SA1/keys/k%232',
      ]);
      expect(server.requests[1]!.headers['authorization']).toBe('Bearer the-token');
      expect(server.requests[1]!.headers['content-type']).toBe('application/json');
      expect(server.requests[1]!.body).toBe('{"status":"DISABLED"}');
    } finally {
      await server.close();
    }
  });
});
