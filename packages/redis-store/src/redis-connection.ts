import type { Cluster, Redis } from 'ioredis';
import { isNodeRedisClient, type NodeRedisClient, type RedisClient, RedisUnavailable } from './redis-client.js';

/** A pub/sub connection: a second connection with the same settings as the store's. */
export interface Subscriber {
  whenReady(timeout: number): Promise<void>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  close(): void;
}

/** What the store needs of Redis, whichever library the client comes from. */
export interface RedisConnection {
  /** Resolves when the client can run commands, within `timeout` ms; rejects with {@link RedisUnavailable} otherwise. */
  whenReady(timeout: number): Promise<void>;
  evalsha(sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  del(key: string): Promise<unknown>;
  /** Opens a subscriber connection; `onMessage` receives the channel of each message. */
  subscriber(onMessage: (channel: string) => void): Subscriber;
  /** Calls `listener` each time the client loses its connection, before any command fails for it. */
  onLost(listener: () => void): void;
  /** Closes the client (only for a client the store created itself). */
  close(): Promise<void>;
}

/** Wraps an ioredis or node-redis client. */
export function toConnection(client: RedisClient): RedisConnection {
  return isNodeRedisClient(client) ? nodeRedisConnection(client) : ioredisConnection(client as Redis | Cluster);
}

// ioredis states in which a command can be expected to run soon: the first connection is being made (or will
// be, for `lazyConnect`). Others (`reconnecting`, `close`, `end`, …) mean Redis was lost or the client was
// closed: waiting for them would slow every request while Redis is down.
const STARTING = new Set(['wait', 'connecting', 'connect']);

function ioredisReady(client: Redis | Cluster, timeout: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (!STARTING.has(client.status)) return Promise.reject(new RedisUnavailable(`the Redis client is ${client.status}`));
  if (client.status === 'wait') {
    // A lazyConnect client connects on its first command; ask it to, as that command would.
    client.connect().catch(() => undefined);
  }
  return untilEvent(client, timeout);
}

function ioredisConnection(client: Redis | Cluster): RedisConnection {
  return {
    whenReady: (timeout) => ioredisReady(client, timeout),
    evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
    del: (key) => client.del(key),
    subscriber(onMessage) {
      // Same connection options (Sentinel, TLS, auth, cluster nodes); a cluster subscribes on one of its nodes.
      const subscriber: Redis | Cluster = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate();
      // Without a listener, a connection error would be an unhandled 'error' event and end the process.
      subscriber.on('error', () => undefined);
      subscriber.on('message', (channel: string) => onMessage(channel));
      return {
        whenReady: (timeout) => ioredisReady(subscriber, timeout),
        subscribe: (channel) => subscriber.subscribe(channel),
        unsubscribe: (channel) => subscriber.unsubscribe(channel),
        close: () => subscriber.disconnect(),
      };
    },
    onLost: (listener) => void client.on('close', listener),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

function nodeRedisReady(client: NodeRedisClient, timeout: number): Promise<void> {
  if (client.isReady) return Promise.resolve();
  // A client not opened yet is opened here, as the store's first command; one that is open but not ready is
  // reconnecting: Redis was lost.
  if (client.isOpen) return Promise.reject(new RedisUnavailable('the Redis client is reconnecting'));
  const ready = untilEvent(client, timeout);
  client.connect().catch(() => undefined);
  return ready;
}

function nodeRedisConnection(client: NodeRedisClient): RedisConnection {
  return {
    whenReady: (timeout) => nodeRedisReady(client, timeout),
    evalsha: (sha, keys, args) => client.evalSha(sha, { keys: [...keys], arguments: [...args] }),
    eval: (script, keys, args) => client.eval(script, { keys: [...keys], arguments: [...args] }),
    del: (key) => client.del(key),
    subscriber(onMessage) {
      const subscriber = client.duplicate();
      subscriber.on('error', () => undefined);
      return {
        whenReady: (timeout) => nodeRedisReady(subscriber, timeout),
        subscribe: (channel) => subscriber.subscribe(channel, (_message, name) => onMessage(name)),
        unsubscribe: (channel) => subscriber.unsubscribe(channel),
        close: () => void (subscriber.isOpen && subscriber.destroy()),
      };
    },
    onLost: (listener) => void client.on('error', listener),
    async close() {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}

interface Emitter {
  on(event: 'ready' | 'end', listener: () => void): unknown;
  off(event: 'ready' | 'end', listener: () => void): unknown;
}

function untilEvent(client: Emitter, timeout: number): Promise<void> {
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
    client.on('ready', onReady);
    client.on('end', onEnd);
  });
}
