import type { TokenAuthority } from './access-tokens.js';
import type { EmulatorClock } from './clock.js';
import type { Counters } from './counters.js';
import type { FaultQueue } from './faults.js';
import type { RateLimiter } from './http/rate-limiter.js';
import type { RequestLog } from './request-log.js';
import type { Settings } from './settings.js';
import type { EmulatorState } from './state.js';

/** Everything the endpoint modules share, passed to each `register…Routes`. */
export interface EmulatorRuntime {
  readonly clock: EmulatorClock;
  readonly state: EmulatorState;
  readonly tokens: TokenAuthority;
  readonly counters: Counters;
  readonly log: RequestLog;
  readonly faults: FaultQueue;
  readonly rateLimiter: RateLimiter;
  readonly settings: Settings;
  /** The seeded identity, for `/_emulator/state`. */
  readonly seedIdentity: { readonly clientId: string; readonly serviceAccountId: string; readonly keyId: string; readonly scopes: readonly string[] };
}
