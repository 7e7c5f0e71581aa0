import type { TokenAuthority } from './tokens/access-tokens.js';
import type { EmulatorClock } from './lib/clock.js';
import type { Counters } from './control/counters.js';
import type { FaultQueue } from './control/faults.js';
import type { RateLimiter } from './http/rate-limiter.js';
import type { RequestLog } from './control/request-log.js';
import type { Settings } from './control/settings.js';
import type { EmulatorState } from './state/state.js';

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
