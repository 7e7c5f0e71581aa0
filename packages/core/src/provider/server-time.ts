import { nextClockOffset } from '../clock-skew.js';
import type { FullClock } from '../clock.js';

/** One reading of both local clocks, taken at the same moment. */
export interface ClockReading {
  readonly wall: number;
  readonly monotonic: number;
}

/**
 * The token endpoint's time, as a token provider counts it: token age, refresh points and expiry are
 * all on this scale (and so are a store's shared `StoredToken` times).
 *
 * It is estimated twice, from the monotonic clock and from the wall clock, each offset learnt from
 * the endpoint's `Date` headers, and the later estimate wins. A wall clock stepped back (an hour, by
 * a user or a bad NTP server) then changes nothing: the monotonic estimate still runs, so a token is
 * neither served past its expiry nor thought too young to be dropped after a 401. A wall clock that
 * jumps ahead (or a VM resumed after a suspend the monotonic clock did not count) makes tokens look
 * older, which costs at most an early exchange, whose `Date` header then resets both estimates.
 */
export class ServerTime {
  readonly #clock: FullClock;
  // Offsets (server − local, ms), undefined until a Date header is seen; numbers in this object rather than an
  // object per estimate, because every provider holds one.
  #wall: number | undefined;
  #monotonic: number | undefined;
  /** Until a Date header is seen, the server is taken to agree with this machine's wall clock at construction. */
  readonly #monotonicGuess: number;

  constructor(clock: FullClock) {
    this.#clock = clock;
    this.#monotonicGuess = clock.now() - clock.monotonic();
  }

  /** The estimated offset of the server's clock from this machine's wall clock, in ms (server − local). */
  get offset(): number {
    return this.#wall ?? 0;
  }

  /** Both local clocks, now. */
  read(): ClockReading {
    return { wall: this.#clock.now(), monotonic: this.#clock.monotonic() };
  }

  /** The server's time at `reading` (ms since the epoch), by the current estimates. */
  at(reading: ClockReading): number {
    return Math.max(reading.monotonic + (this.#monotonic ?? this.#monotonicGuess), reading.wall + (this.#wall ?? 0));
  }

  /** The server's time now (ms since the epoch). */
  now(): number {
    // The same as `at(read())`, without the reading object: this runs on every cache hit.
    return Math.max(this.#clock.monotonic() + (this.#monotonic ?? this.#monotonicGuess), this.#clock.now() + (this.#wall ?? 0));
  }

  /** Learns from one response's `Date` header (ms since the epoch), given the readings taken around its request. */
  observe(date: number | undefined, sent: ClockReading, received: ClockReading): void {
    this.#wall = nextClockOffset(this.#wall, date, sent.wall, received.wall);
    this.#monotonic = nextClockOffset(this.#monotonic, date, sent.monotonic, received.monotonic);
  }
}
