import { SsaOptionError } from '../errors.js';
import type { SsaError } from '../errors.js';
import type { TokenIdentity } from '../store/identity-key.js';
import { closestName } from '../options.js';
import type { RateLimit } from '../http/rate-limit.js';

/** A token was obtained: by an exchange, or from the store where another sharer had put it. */
export interface RefreshedEvent {
  readonly identity: TokenIdentity;
  /** When the new token expires (ms since the epoch, local clock). */
  readonly expiresAt: number;
  readonly scopes: readonly string[];
  /** `true` when this provider ran the exchange; `false` when the token came from the store. */
  readonly exchanged: boolean;
  /** Exchanges this refresh took (0 when the token came from the store). */
  readonly attempts: number;
  /** `true` when callers kept being served the previous token while this refresh ran. */
  readonly background: boolean;
  /** The token endpoint's rate-limit headers on this refresh's exchange, when it ran one and they were sent. */
  readonly rateLimit?: RateLimit;
}

/** A refresh failed: its error, and whether a still-valid token keeps being served meanwhile. */
export interface RefreshFailedEvent {
  readonly identity: TokenIdentity;
  /** The last exchange's error (never holds a secret). */
  readonly error: SsaError;
  readonly attempts: number;
  readonly background: boolean;
  /** Whether another exchange can help later (false for invalid credentials, key or assertion). */
  readonly retryable: boolean;
  /** No exchange is attempted before this time (ms since the epoch, local clock). */
  readonly nextAttemptAt: number;
  /** Until when the current token stays valid (local clock), if there is one. */
  readonly tokenExpiresAt?: number;
}

/** A token past its refresh point was served because refreshing it failed (once per failed refresh). */
export interface ServedStaleEvent {
  readonly identity: TokenIdentity;
  /** When the served token expires (local clock). */
  readonly expiresAt: number;
  /** Why the refresh failed. */
  readonly error: SsaError;
}

/** A token was dropped because APS rejected it (`invalidate()`); the next caller gets a new one. */
export interface InvalidatedEvent {
  readonly identity: TokenIdentity;
  /** When the dropped token would have expired (local clock). */
  readonly expiresAt: number;
}

/**
 * The events of a token provider and their payloads. No payload carries a token, assertion, key or secret.
 *
 * @example
 * ```ts
 * provider.on('refreshed', (e) => metrics.gauge('aps.token.expires_at', e.expiresAt));
 * provider.on('refresh-failed', (e) => log.warn({ code: e.error.code, retryable: e.retryable }, 'APS token refresh failed'));
 * provider.on('served-stale', (e) => log.warn({ expiresAt: e.expiresAt }, 'serving an APS token past its refresh point'));
 * ```
 */
export interface TokenProviderEventMap {
  refreshed: RefreshedEvent;
  'refresh-failed': RefreshFailedEvent;
  'served-stale': ServedStaleEvent;
  invalidated: InvalidatedEvent;
}

/** The name of a token provider event. */
export type TokenProviderEvent = keyof TokenProviderEventMap;

/** A listener of event `E`. */
export type TokenProviderListener<E extends TokenProviderEvent> = (event: TokenProviderEventMap[E]) => void;

const EVENT_NAMES: readonly TokenProviderEvent[] = ['refreshed', 'refresh-failed', 'served-stale', 'invalidated'];

/**
 * The listeners of one provider. A listener that throws is ignored (and the others still run):
 * observability must never break token delivery.
 */
export class ProviderEvents {
  readonly #listeners = new Map<TokenProviderEvent, Set<(event: never) => void>>();

  on<E extends TokenProviderEvent>(event: E, listener: TokenProviderListener<E>): () => void {
    if (!EVENT_NAMES.includes(event)) {
      const suggestion = closestName(String(event), EVENT_NAMES);
      const hint = suggestion === undefined ? ` Events: ${EVENT_NAMES.join(', ')}.` : ` Did you mean \`${suggestion}\`?`;
      throw new SsaOptionError('event', `Unknown token provider event \`${String(event)}\`.${hint}`);
    }
    if (typeof listener !== 'function') {
      throw new SsaOptionError('listener', `The listener of \`${event}\` must be a function.`);
    }
    let listeners = this.#listeners.get(event);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(event, listeners);
    }
    listeners.add(listener);
    return () => this.off(event, listener);
  }

  off<E extends TokenProviderEvent>(event: E, listener: TokenProviderListener<E>): void {
    this.#listeners.get(event)?.delete(listener);
  }

  emit<E extends TokenProviderEvent>(event: E, payload: TokenProviderEventMap[E]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        (listener as TokenProviderListener<E>)(payload);
      } catch {
        // Deliberately ignored: see the class comment.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
