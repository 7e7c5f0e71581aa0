import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { StoredToken } from '@aps-ssa/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryKeys } from '../../src/entry-keys.js';
import { createRedisTokenStore, type RedisTokenStore } from '../../src/redis-token-store.js';
import type { RedisTokenStoreEvent } from '../../src/redis-token-store-event.js';
import { type RedisServer, redisServerAvailability, startRedisServer } from '../redis-server.js';

const { available } = redisServerAvailability();
const SECRET = 'client-secret-of-the-fleet';
const KEY = 'aps-ssa:token:v1:Fq3dVvZ2m9xw0KcJt7Ue8bS1yQpLr4AaHh6nMiWoEg0';
const keys = entryKeys('aps-ssa:', KEY);

function newToken(): StoredToken {
  const obtainedAt = Date.now();
  return { accessToken: `eyJhbGciOiJSUzI1NiJ9.${randomBytes(48).toString('base64url')}.sig`, tokenType: 'Bearer', scopes: ['data:read'], obtainedAt, expiresAt: obtainedAt + 3_600_000 };
}

/** Everything a listener or a log could get from the store's events, in every form it might be printed. */
function printed(events: readonly RedisTokenStoreEvent[]): string {
  return [JSON.stringify(events), inspect(events, { depth: 10 }), ...events.map((e) => String((e as { reason?: string }).reason))].join('\n');
}

// ioredis attaches each failed command and its arguments to the error (`error.command.args`), and
// Redis itself echoes the arguments of a command it does not know. The store hands on only a
// scrubbed one-line summary: never the error, its arguments, a key name, a lock owner or a token.
describe.skipIf(!available)('what a Redis failure can reveal through the store (real Redis faults)', () => {
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];
  const stores: RedisTokenStore[] = [];
  const connect = (server: RedisServer, offlineQueue = false): Redis => {
    const client = new Redis(server.port, '127.0.0.1', { enableOfflineQueue: offlineQueue, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const newStore = (server: RedisServer) => {
    const events: RedisTokenStoreEvent[] = [];
    const store = createRedisTokenStore({ redis: connect(server), secret: SECRET, onEvent: (e) => events.push(e) });
    stores.push(store);
    return { store, events };
  };

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const client of clients) client.disconnect();
    await Promise.all(servers.map((s) => s.stop()));
  });

  describe('a Redis with scripting disabled (it echoes the arguments of the unknown EVALSHA)', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer({ args: ['--rename-command', 'EVALSHA', '', '--rename-command', 'EVAL', ''] });
      servers.push(server);
    });

    it('reports the failure by code, without key names, lock owners or echoed arguments', async () => {
      const { store, events } = newStore(server);
      await store.get(KEY);
      const token = await store.refresh(KEY, async () => newToken(), {});
      expect(token.accessToken).toMatch(/^eyJ/);
      expect(events).toEqual([{ type: 'redis-unavailable', reason: expect.stringMatching(/^ReplyError \[ERR\]: unknown command/) }]);
      const text = printed(events);
      for (const name of Object.values(keys)) expect(text).not.toContain(name);
      expect(text).not.toContain(KEY.split(':').at(-1));
      expect(text).not.toMatch(/args beginning|[0-9a-f]{8}-[0-9a-f]{4}-/);
    });
  });

  describe('a master demoted to a read-only replica while a holder exchanges (the write carries the sealed token)', () => {
    let server: RedisServer;
    let other: RedisServer;
    beforeAll(async () => {
      [server, other] = await Promise.all([startRedisServer(), startRedisServer()]);
      servers.push(server, other);
    });

    it('falls back to its own token and reveals neither the token nor its sealed entry', async () => {
      const { store, events } = newStore(server);
      const admin = connect(server, true);
      await admin.call('REPLICAOF', 'NO', 'ONE');
      const token = newToken();
      let demoted!: () => void;
      const refreshed = store.refresh(
        KEY,
        () =>
          new Promise<StoredToken>((resolve) => {
            demoted = () => resolve(token);
          }),
        {},
      );
      await expect.poll(() => events.some((e) => e.type === 'lock-acquired')).toBe(true);
      await admin.call('REPLICAOF', '127.0.0.1', String(other.port));
      await expect.poll(() => admin.call('ROLE').then((role) => (role as unknown[])[0])).toBe('slave');
      // The WRITE script now fails with READONLY; ioredis's error carries its arguments, the sealed token among them.
      demoted();
      expect(await refreshed).toEqual(token);
      const failure = events.find((e) => e.type === 'redis-unavailable');
      expect(failure).toEqual({ type: 'redis-unavailable', reason: expect.stringMatching(/^ReplyError \[READONLY\]: You can't write against a read only replica/) });
      const text = printed(events);
      expect(text).not.toContain(token.accessToken);
      expect(text).not.toMatch(/v1\.[A-Za-z0-9_-]{16}\./);
      for (const name of Object.values(keys)) expect(text).not.toContain(name);
      expect(await store.get(KEY)).toEqual(token);
      await admin.call('REPLICAOF', 'NO', 'ONE');
    });
  });
});
