/**
 * The clock skew between this machine and APS, in one place: the estimate from `Date` headers, the
 * thresholds, and the wording, used by the token provider, the exchange's errors and the CLI's `doctor`.
 */

/**
 * What one response's `Date` header says of the offset (ms to add to local time to get the server's):
 * the middle of the interval it allows, or `undefined` without a readable header. `sentAt` and
 * `receivedAt` are local times around the request.
 *
 * A `Date` header has whole-second resolution and names an instant between the request leaving and
 * the response arriving: the server's instant lies in [date, date + 1 s) and was taken between
 * `sentAt` and `receivedAt`, so the offset lies in [date − receivedAt, date + 1 s − sentAt].
 *
 * @example
 * ```ts
 * const sentAt = Date.now();
 * const response = await fetch(url);
 * const offset = estimateClockOffset(response.headers.get('date'), sentAt, Date.now());
 * ```
 */
export function estimateClockOffset(date: string | null | undefined, sentAt: number, receivedAt: number): number | undefined {
  const bounds = offsetBounds(Date.parse(date ?? ''), sentAt, receivedAt);
  return bounds === undefined ? undefined : Math.round((bounds[0] + bounds[1]) / 2);
}

function offsetBounds(serverTime: number | undefined, sentAt: number, receivedAt: number): [number, number] | undefined {
  if (serverTime === undefined || Number.isNaN(serverTime)) return undefined;
  // A Date header has whole seconds: the server's time was somewhere in the second it names.
  return [serverTime - receivedAt, serverTime + 1000 - sentAt];
}

/**
 * The offset estimate after one more response: `estimate` (undefined before the first `Date` header) kept while the
 * header agrees with it, so that whole-second rounding does not make it jitter (nor the refresh points computed from
 * it), and moved to the middle of what the header allows when it does not (an NTP step, a resumed VM).
 * `date` is the header in ms since the epoch (as the HTTP layer parsed it); `sentAt`/`receivedAt` are local times
 * around the request; an absent or unreadable header changes nothing.
 */
export function nextClockOffset(estimate: number | undefined, date: number | undefined, sentAt: number, receivedAt: number): number | undefined {
  const bounds = offsetBounds(date, sentAt, receivedAt);
  if (bounds === undefined) return estimate;
  const [lowest, highest] = bounds;
  if (estimate !== undefined && estimate >= lowest && estimate <= highest) return estimate;
  return Math.round((lowest + highest) / 2);
}

/**
 * The skew worth mentioning when an exchange is refused, in ms. Below this, APS's five-minute
 * window for `exp` and our 60 s of assertion-lifetime slack make clock skew an unlikely culprit.
 *
 * @default 30_000
 */
export const NOTABLE_CLOCK_SKEW = 30_000;

/**
 * How far this clock may run ahead of APS's, in ms: an assertion lives 240 s and APS refuses an `exp`
 * more than 300 s after its own clock, so past 60 s ahead every assertion signed on the local clock is refused.
 *
 * @default 60_000
 */
export const CLOCK_AHEAD_LIMIT = 60_000;

/**
 * How far this clock may run behind APS's, in ms: past 240 s behind, an assertion has already expired by APS's clock.
 *
 * @default 240_000
 */
export const CLOCK_BEHIND_LIMIT = 240_000;

/**
 * How an offset (server − local, ms) stands: `'ok'`, `'notable'` (at least {@link NOTABLE_CLOCK_SKEW}),
 * or `'refused'` (past {@link CLOCK_AHEAD_LIMIT} ahead or {@link CLOCK_BEHIND_LIMIT} behind: APS refuses
 * assertions signed on this clock).
 *
 * @example
 * ```ts
 * judgeClockSkew(-90_000); // 'refused': this clock is 90 s ahead
 * judgeClockSkew(45_000); // 'notable'
 * ```
 */
export function judgeClockSkew(offset: number): 'ok' | 'notable' | 'refused' {
  if (-offset > CLOCK_AHEAD_LIMIT || offset > CLOCK_BEHIND_LIMIT) return 'refused';
  return Math.abs(offset) >= NOTABLE_CLOCK_SKEW ? 'notable' : 'ok';
}

/**
 * "about 10 min ahead of" / "about 45 s behind" / "within a second of" the server, for messages.
 *
 * @example
 * ```ts
 * `This machine's clock is ${describeSkew(offset)} APS's.`;
 * ```
 */
export function describeSkew(offset: number): string {
  const seconds = Math.round(Math.abs(offset) / 1000);
  if (seconds === 0) return 'within a second of';
  // offset > 0: the server is ahead, so this machine is behind.
  const direction = offset > 0 ? 'behind' : 'ahead of';
  const amount = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  return `about ${amount} ${direction}`;
}
