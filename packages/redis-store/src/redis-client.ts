import type { Cluster, Redis } from 'ioredis';

/**
 * An ioredis client: a standalone `Redis` (Sentinel is a `Redis` option) or a `Cluster`. It belongs
 * to the caller: the store never reconfigures or closes it (a `lazyConnect` client is connected on
 * first use, as any command would).
 *
 * @example
 * ```ts
 * const redis: RedisClient = new Redis({ sentinels: [{ host: 'sentinel-a', port: 26379 }], name: 'mymaster' });
 * ```
 */
export type RedisClient = Redis | Cluster;

/** Why a command was not attempted or did not complete. The text carries no secret. */
export class RedisUnavailable extends Error {}

// States in which a command can be expected to run soon: the first connection is being made (or will
// be, for `lazyConnect`). Others (`reconnecting`, `close`, `end`, …) mean Redis was lost or the
// client was closed: waiting for them would slow every request while Redis is down.
const STARTING = new Set(['wait', 'connecting', 'connect']);

/** Resolves when `client` is ready, within `timeout` ms; rejects with {@link RedisUnavailable} otherwise. */
export function whenReady(client: RedisClient, timeout: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (!STARTING.has(client.status)) return Promise.reject(new RedisUnavailable(`the Redis client is ${client.status}`));
  if (client.status === 'wait') {
    // A lazyConnect client connects on its first command; ask it to, as that command would.
    client.connect().catch(() => undefined);
  }
  return new Promise((resolve, reject) => {
    const done = (error?: RedisUnavailable): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = (): void => done();
    const onEnd = (): void => done(new RedisUnavailable('the Redis client was closed'));
    const timer = setTimeout(() => done(new RedisUnavailable(`the Redis client did not become ready within ${timeout} ms`)), timeout);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
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
