import { withTimeout } from './redis-client.js';
import type { RedisConnection, Subscriber } from './redis-connection.js';

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
  readonly #redis: RedisConnection;
  readonly #commandTimeout: number;
  #subscriber: Subscriber | undefined;
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  constructor(redis: RedisConnection, commandTimeout: number) {
    this.#redis = redis;
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
      const subscribed = subscriber
        .whenReady(this.#commandTimeout)
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
    this.#subscriber?.close();
    this.#subscriber = undefined;
  }

  #unwatch(name: string, watch: Watch): void {
    const channel = this.#channels.get(name);
    if (channel === undefined || !channel.watches.delete(watch) || channel.watches.size > 0) return;
    this.#channels.delete(name);
    this.#subscriber?.unsubscribe(name).catch(() => undefined);
  }

  #connection(): Subscriber {
    this.#subscriber ??= this.#redis.subscriber((name) => {
      for (const watch of this.#channels.get(name)?.watches ?? []) watch.notify();
    });
    return this.#subscriber;
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
