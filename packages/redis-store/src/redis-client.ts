import type { Cluster, Redis } from 'ioredis';

/**
 * The part of a node-redis v5 client (`createClient()` from the `redis` package) that the store uses. It is told
 * apart from an ioredis client by its shape (`isOpen`, `evalSha`), not by a class, so the store never imports a
 * Redis library it was not given.
 */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  del(key: string): Promise<unknown>;
  duplicate(): NodeRedisClient;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'ready' | 'end' | 'error', listener: (...args: never[]) => void): unknown;
  off(event: 'ready' | 'end' | 'error', listener: (...args: never[]) => void): unknown;
  close(): Promise<unknown>;
  destroy(): unknown;
}

/**
 * A Redis client the store can use: an ioredis `Redis` (standalone, or Sentinel, a `Redis` option) or `Cluster`,
 * or a node-redis v5 client (`createClient()`). A client passed in belongs to the caller: the store never
 * reconfigures or closes it (one not connected yet is connected on first use, as any command would).
 *
 * @example
 * ```ts
 * const redis: RedisClient = new Redis({ sentinels: [{ host: 'sentinel-a', port: 26379 }], name: 'mymaster' });
 * ```
 */
export type RedisClient = Redis | Cluster | NodeRedisClient;

/** Why a command was not attempted or did not complete. The text carries no secret. */
export class RedisUnavailable extends Error {}

/** Whether `value` looks like a node-redis client rather than an ioredis one. */
export function isNodeRedisClient(value: object): value is NodeRedisClient {
  const client = value as Record<string, unknown>;
  return typeof client.isOpen === 'boolean' && typeof client.evalSha === 'function' && typeof client.duplicate === 'function' && typeof client.on === 'function';
}

/** Whether `value` looks like an ioredis `Redis` or `Cluster`. */
export function isIoredisClient(value: object): value is Redis | Cluster {
  const client = value as Record<string, unknown>;
  return typeof client.status === 'string' && typeof client.evalsha === 'function' && typeof client.duplicate === 'function' && typeof client.on === 'function';
}

/** Runs `command`, rejecting with {@link RedisUnavailable} if it has not answered within `timeout` ms. */
export function withTimeout<T>(command: Promise<T>, timeout: number, what: string): Promise<T> {
  // The command may still settle after the timeout; that late outcome is of no interest.
  command.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisUnavailable(`${what} got no answer from Redis within ${timeout} ms`)), timeout);
    command.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
