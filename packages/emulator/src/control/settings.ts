import { requireInteger } from '../lib/unknown-keys.js';

/** `expires_in` of APS tokens (reference §2, D-tok, D-t3). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;
export const MAX_TOKEN_LIFETIME_SECONDS = 86_400;
/** 10 requests per minute per client per SSA endpoint (reference §5, D-rl). */
export const DEFAULT_RATE_LIMIT = 10;
export const MAX_RATE_LIMIT = 1_000_000;

/** Settings the control surface can change while the emulator runs; setters validate. */
export class Settings {
  #tokenLifetime: number;
  #rateLimit: number;
  /** The strictest reading where references conflict (option `strict`); fixed for the emulator's life. */
  readonly strict: boolean;

  constructor(tokenLifetime: number, rateLimit: number, strict: boolean) {
    this.#tokenLifetime = tokenLifetime;
    this.#rateLimit = rateLimit;
    this.strict = strict;
  }

  /** Seconds: `expires_in` of issued tokens, and how far their `exp` lies ahead. */
  get tokenLifetime(): number {
    return this.#tokenLifetime;
  }

  /** Per minute, per client, for the jwt-bearer exchange and the SSA admin endpoints; 0 = no rate limiting. */
  get rateLimit(): number {
    return this.#rateLimit;
  }

  setTokenLifetime(seconds: unknown): number {
    this.#tokenLifetime = requireInteger(seconds, 'tokenLifetime', 1, MAX_TOKEN_LIFETIME_SECONDS);
    return this.#tokenLifetime;
  }

  setRateLimit(perMinute: unknown): number {
    this.#rateLimit = requireInteger(perMinute, 'rateLimit', 0, MAX_RATE_LIMIT);
    return this.#rateLimit;
  }

  toJSON() {
    return { tokenLifetime: this.#tokenLifetime, rateLimit: this.#rateLimit, strict: this.strict };
  }
}
