import { createRequire } from 'node:module';
import type { ConnectionOptions } from 'node:tls';
import { SsaOptionError } from '@aps-ssa/core';
import type { Redis, RedisOptions } from 'ioredis';
import type { NodeRedisClient, RedisClient } from './redis-client.js';

// Both libraries are optional peers: the one installed is loaded when a `url` is given, never otherwise.
const load = createRequire(import.meta.url);

/** The protocols of a Redis URL: `rediss:` is Redis over TLS. */
const PROTOCOLS = new Set(['redis:', 'rediss:']);

/**
 * Checks a Redis URL without ever repeating it (it may hold a password): `redis://[user:password@]host[:port][/db]`
 * or `rediss://…` for TLS.
 */
export function checkRedisUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !PROTOCOLS.has(parsed.protocol) || parsed.hostname === '') {
    const shape = typeof url === 'string' ? (parsed === undefined ? 'a string that is no URL' : `a ${parsed.protocol} URL`) : typeof url;
    throw new SsaOptionError('url', `\`url\` must be a redis:// or rediss:// URL (e.g. redis://user:password@host:6379/0), got ${shape}.`);
  }
  return url as string;
}

/**
 * A client for `url` from ioredis or, without it, node-redis, configured the way the store recommends: commands
 * fail fast while Redis is down instead of queueing, and it connects on the store's first command.
 */
export function clientFromUrl(url: string, tls: ConnectionOptions | undefined): RedisClient {
  const ioredis = optional<{ Redis: new (url: string, options: RedisOptions) => Redis }>('ioredis');
  if (ioredis !== undefined) {
    const client = new ioredis.Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, ...(tls && { tls }) });
    client.on('error', () => undefined);
    return client;
  }
  const nodeRedis = optional<{ createClient(options: object): NodeRedisClient }>('redis');
  if (nodeRedis !== undefined) {
    const client = nodeRedis.createClient({ url, disableOfflineQueue: true, ...(tls && { socket: { tls: true, ...tls } }) });
    client.on('error', () => undefined);
    return client;
  }
  throw new SsaOptionError('url', 'A `url` needs a Redis client library: install `ioredis` (5 or 6) or `redis` (5), or pass a client as `redis`.');
}

function optional<T>(name: string): T | undefined {
  try {
    return load(name) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
