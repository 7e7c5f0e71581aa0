import { TOKEN_ENDPOINT_PATH } from '@aps-ssa/core/adapter';
import { estimateClockOffset } from '@aps-ssa/core/adapter';

const TIMEOUT = 10_000;
// The JWKS path answers a plain GET without credentials, on APS and on the emulator.
const PROBE_PATH = TOKEN_ENDPOINT_PATH.replace(/token$/, 'keys');

/** How far the server's clock is from this one, from the `Date` header of one request. */
export interface ClockOffset {
  /** Milliseconds to add to local time to get the server's: positive when this clock is behind. */
  readonly offsetMs: number;
  /** The URL asked. */
  readonly url: string;
}

/**
 * Measures the offset of the server's clock at `baseUrl` (GET of its JWKS). A `Date` header has whole-second
 * resolution and names an instant between sending and receiving, so the estimate is good to about a second
 * plus half the round trip: plenty to judge a five-minute assertion window. `undefined` without a `Date` header.
 * `send` is the fetch of the command (through the proxy its environment sets).
 */
export async function measureClockOffset(baseUrl: string, now: () => number, send: typeof fetch): Promise<ClockOffset | undefined> {
  const url = `${baseUrl}${PROBE_PATH}`;
  const sentAt = now();
  const response = await send(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT) });
  const receivedAt = now();
  await response.body?.cancel();
  const offsetMs = estimateClockOffset(response.headers.get('date'), sentAt, receivedAt);
  return offsetMs === undefined ? undefined : { offsetMs, url };
}
