import { summarizeError } from './error-summary.js';
import { RedisUnavailable } from './redis-client.js';
import type { RedisTokenStoreEvent } from './redis-token-store-event.js';

// After a failed or slow command, Redis is left alone this long: while it is down, requests fall
// back at once instead of each waiting for a command timeout.
const RECHECK_INTERVAL_MS = 1000;

/** Whether Redis is worth trying, and the `redis-unavailable` / `redis-available` transitions. */
export class RedisHealth {
  readonly #emit: (event: RedisTokenStoreEvent) => void;
  #down = false;
  #recheckAt = 0;

  constructor(emit: (event: RedisTokenStoreEvent) => void) {
    this.#emit = emit;
  }

  get available(): boolean {
    return !this.#down;
  }

  shouldTry(): boolean {
    return !this.#down || performance.now() >= this.#recheckAt;
  }

  failed(error: unknown): void {
    this.#recheckAt = performance.now() + RECHECK_INTERVAL_MS;
    if (this.#down) return;
    this.#down = true;
    this.#emit({ type: 'redis-unavailable', reason: error instanceof RedisUnavailable ? error.message : summarizeError(error) });
  }

  succeeded(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#emit({ type: 'redis-available' });
  }
}
