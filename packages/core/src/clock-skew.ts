/**
 * The offset between this machine's clock and a server's, estimated from the `Date` header of its
 * responses: `local time + offset ≈ server time`.
 *
 * A `Date` header has whole-second resolution and names an instant between the request leaving and
 * the response arriving, so one sample only bounds the offset to an interval about a second wide
 * (plus the round trip). The estimate moves only when a sample's interval excludes it: consistent
 * samples leave it alone (no jitter of the refresh point from rounding), and a clock that really
 * changed (an NTP step, a resumed VM) is followed at the next exchange.
 */
export class ClockSkew {
  #offset: number;
  #observed = false;

  /** `initialOffset` is the guess used until a `Date` header is seen. */
  constructor(initialOffset = 0) {
    this.#offset = initialOffset;
  }

  /** Milliseconds to add to local time to get the server's time; the initial guess until a sample was taken. */
  get offset(): number {
    return this.#offset;
  }

  /** Whether a `Date` header has been seen. */
  get observed(): boolean {
    return this.#observed;
  }

  /**
   * Records one response. `sentAt` and `receivedAt` are local times around the request; `date` is
   * the response's `Date` header (ignored when absent or unparsable).
   */
  observe(date: string | null | undefined, sentAt: number, receivedAt: number): void {
    if (!date) return;
    const serverTime = Date.parse(date);
    if (Number.isNaN(serverTime)) return;
    // The server's instant lies in [serverTime, serverTime + 1000) and was taken between sentAt and receivedAt.
    const lowest = serverTime - receivedAt;
    const highest = serverTime + 1000 - sentAt;
    if (this.#observed && this.#offset >= lowest && this.#offset <= highest) return;
    this.#offset = Math.round((lowest + highest) / 2);
    this.#observed = true;
  }
}

/**
 * The skew worth mentioning when an exchange is refused, in ms. Below this, APS's five-minute
 * window for `exp` and our 60 s of assertion-lifetime slack make clock skew an unlikely culprit.
 *
 * @default 30_000
 */
export const NOTABLE_CLOCK_SKEW = 30_000;

/** "about 10 min ahead of" / "about 45 s behind" the server, for messages. */
export function describeSkew(offset: number): string {
  // offset > 0: the server is ahead, so this machine is behind.
  const direction = offset > 0 ? 'behind' : 'ahead of';
  const seconds = Math.round(Math.abs(offset) / 1000);
  const amount = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  return `about ${amount} ${direction}`;
}
