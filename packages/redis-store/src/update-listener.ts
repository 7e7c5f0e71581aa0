import type { Cluster, Redis } from 'ioredis';
import { type RedisClient, whenReady, withTimeout } from './redis-client.js';

/** Notices of one channel, from the moment it was watched: `wait` returns at once if one came meanwhile. */
export interface ChannelWatch {
  /** Resolves on the next notice (or at once if one arrived since the last wait), or after `ms`. */
  wait(ms: number): Promise<void>;
  close(): void;
}

interface Channel {
  readonly watches: Set<Watch>;
  readonly subscribed: Promise<void>;
}

/**
 * Wakes waiters when an entry's channel announces a write or a released lock. It holds one
 * subscriber connection (a `duplicate()` of the caller's client, made on first use) and subscribes
 * to a channel only while someone watches it. It is an accelerator: waiters also poll, so a lost
 * message, or a subscriber that cannot connect, only makes them slower.
 */
export class UpdateListener {
  readonly #client: RedisClient;
  readonly #commandTimeout: number;
  #subscriber: RedisClient | undefined;
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  constructor(client: RedisClient, commandTimeout: number) {
    this.#client = client;
    this.#commandTimeout = commandTimeout;
  }

  /** Resolves once the subscription is in place (or has failed, or timed out), so a read made after it misses no notice. */
  async watch(name: string): Promise<ChannelWatch> {
    // After close, a watch never subscribes (no connection is reopened) and its waits end at once.
    if (this.#closed) return CLOSED_WATCH;
    let channel = this.#channels.get(name);
    if (channel === undefined) {
      const subscriber = this.#connection();
      // The connection is new the first time: a client without an offline queue refuses commands until it is ready.
      const subscribed = whenReady(subscriber, this.#commandTimeout)
        .then(() => withTimeout(subscriber.subscribe(name), this.#commandTimeout, 'SUBSCRIBE'))
        .then(
          () => undefined,
          () => undefined,
        );
      channel = { watches: new Set(), subscribed };
      this.#channels.set(name, channel);
    }
    const watch = new Watch(() => this.#unwatch(name, watch));
    channel.watches.add(watch);
    await channel.subscribed;
    return watch;
  }

  close(): void {
    this.#closed = true;
    for (const channel of this.#channels.values()) for (const watch of channel.watches) watch.notify();
    this.#channels.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }

  #unwatch(name: string, watch: Watch): void {
    const channel = this.#channels.get(name);
    if (channel === undefined || !channel.watches.delete(watch) || channel.watches.size > 0) return;
    this.#channels.delete(name);
    this.#subscriber?.unsubscribe(name).catch(() => undefined);
  }

  #connection(): RedisClient {
    if (this.#subscriber !== undefined) return this.#subscriber;
    const client = this.#client;
    // Same connection options (Sentinel, TLS, auth, cluster nodes); a cluster subscribes on one of its nodes.
    const subscriber: RedisClient = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate();
    // Without a listener, a connection error would be an unhandled 'error' event and end the process.
    subscriber.on('error', () => undefined);
    subscriber.on('message', (name: string) => {
      for (const watch of this.#channels.get(name)?.watches ?? []) watch.notify();
    });
    this.#subscriber = subscriber;
    return subscriber;
  }
}

const CLOSED_WATCH: ChannelWatch = Object.freeze({ wait: async () => undefined, close: () => undefined });

class Watch implements ChannelWatch {
  readonly #onClose: () => void;
  #pending = false;
  #wake: (() => void) | undefined;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  async wait(ms: number): Promise<void> {
    if (!this.#pending) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, ms);
      });
      clearTimeout(timer);
      this.#wake = undefined;
    }
    this.#pending = false;
  }

  close(): void {
    this.#onClose();
  }
}
