import { createTokenProvider } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import { JWT } from 'google-auth-library';
import { compareThroughput, formatNumber, formatRatio } from '../format.js';
import { benchmark, compareOperations } from '../measure.js';
import { ratio } from '../scenario.js';
import type { Figure, Scenario } from '../scenario.js';
import { median } from '../stats.js';

const SETTINGS = { full: { rounds: 7, sampleMs: 500 }, quick: { rounds: 3, sampleMs: 100 } };
const YEAR = 365 * 24 * 3600 * 1000;

export const cacheHit: Scenario = {
  id: 'cache-hit',
  title: 'Cache hit: getToken() on a warm provider',
  question: 'Does the library add cost to every request once it holds a token?',
  async run({ quick, log }) {
    const { rounds, sampleMs } = quick ? SETTINGS.quick : SETTINGS.full;
    const emulator = await startEmulator({ port: 0 });
    const provider = createTokenProvider({ env: emulator.seed.env });
    try {
      const token = await provider.getToken();
      // google-auth-library's service-account client on its cached path: a token preset far from
      // expiry, so it never signs or fetches (it could not: its token endpoint is not reachable here).
      const google = new JWT({
        email: 'bench@bench-project.iam.gserviceaccount.com',
        key: emulator.seed.privateKey,
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      });
      google.credentials = { access_token: token.accessToken, token_type: 'Bearer', expiry_date: Date.now() + YEAR };
      let googleRefreshes = 0;
      google.on('tokens', () => googleRefreshes++);

      const resolved = Promise.resolve(token);
      log(`  ${rounds} alternating rounds of ${sampleMs} ms per operation`);
      const { floor, clockFloor, bothClocksFloor, ours, peer, oursHeader, peerHeader } = await compareOperations(
        {
          floor: benchmark('floor: await an already-resolved promise', () => resolved),
          // Any cache of expiring tokens reads the clock on each call (google-auth-library does too).
          clockFloor: benchmark('floor + one Date.now()', () => (Date.now(), resolved)),
          // What a provider reads on each hit: token age counts on both clocks (see core's server-time.ts).
          bothClocksFloor: benchmark('floor + Date.now() + performance.now()', () => (Date.now(), performance.now(), resolved)),
          ours: benchmark('aps-ssa provider.getToken()', () => provider.getToken()),
          peer: benchmark('google-auth-library JWT.getAccessToken()', () => google.getAccessToken()),
          oursHeader: benchmark('aps-ssa provider.getAuthorizationHeader()', () => provider.getAuthorizationHeader()),
          peerHeader: benchmark('google-auth-library JWT.getRequestHeaders()', () => google.getRequestHeaders()),
        },
        rounds,
        sampleMs,
      );

      const stats = provider.stats;
      if (stats.exchanges !== 1 || stats.cacheMisses !== 1) {
        throw new Error(`The warm provider exchanged ${stats.exchanges} times (missed ${stats.cacheMisses}): it was not measured on its cached path.`);
      }
      const googleToken = await google.getAccessToken();
      if (googleRefreshes !== 0 || googleToken.token !== token.accessToken) {
        throw new Error('google-auth-library refreshed its token: it was not measured on its cached path.');
      }

      const toFloor = ratio('getToken() / floor', ours, floor);
      const toClockFloor = ratio('getToken() / (floor + Date.now())', ours, clockFloor);
      const toBothClocksFloor = ratio('getToken() / (floor + both clocks)', ours, bothClocksFloor);
      const toPeer = ratio('getToken() / google-auth-library getAccessToken()', ours, peer);
      const headerToPeer = ratio('getAuthorizationHeader() / google-auth-library getRequestHeaders()', oursHeader, peerHeader);
      const nanos = (f: Figure): number => 1e9 / median(f.samples);
      return {
        figures: [floor, clockFloor, bothClocksFloor, ours, peer, oursHeader, peerHeader],
        ratios: [toFloor, toClockFloor, toBothClocksFloor, toPeer, headerToPeer],
        parameters: { rounds, 'sample (ms)': sampleMs, 'exchanges during the run': stats.exchanges },
        reading: [
          `A warm \`getToken()\` costs about ${formatNumber(nanos(ours))} ns (${formatNumber(median(ours.samples))} calls/s), ` +
            `${formatRatio(toFloor.value)} the rate of awaiting an already-resolved promise. ` +
            `It is ${compareThroughput(toPeer.value)} google-auth-library's cached \`getAccessToken()\` (${formatRatio(toPeer.value)}), ` +
            `and \`getAuthorizationHeader()\` is ${compareThroughput(headerToPeer.value)} its \`getRequestHeaders()\` (${formatRatio(headerToPeer.value)}), ` +
            'which builds a WHATWG `Headers` object on every call.' +
            (nanos(ours) < 1000 ? ' Either way a cache hit costs under a microsecond, invisible beside any request.' : ''),
          ...(toFloor.value < 0.95 ? [whereTheGapGoes(nanos(ours) - nanos(floor), nanos(bothClocksFloor) - nanos(floor), toBothClocksFloor.value)] : []),
        ],
      };
    } finally {
      await provider.close();
      await emulator.close();
    }
  },
};

/** Why a hit costs more than the floor: `gap` and `clocks` (the two clock reads) in ns, `toClocks` the ratio to the floor that reads them. */
function whereTheGapGoes(gap: number, clocks: number, toClocks: number): string {
  return (
    `Where the ${formatNumber(gap)} ns above the floor go: the provider reads two clocks on every hit, \`Date.now()\` and \`performance.now()\`, ` +
    `which cost ${formatNumber(clocks)} ns together in the third floor's loop (reading the clock is slow on this virtual machine). Both are ` +
    'needed: token age counts on the monotonic clock, so that a wall clock stepped back cannot keep a token past its expiry, and on the wall ' +
    "clock too, so that a suspend the monotonic clock did not count cannot either (core, `src/provider/server-time.ts`). Against that floor a hit runs at " +
    `${formatRatio(toClocks)}: what is left is the checks (closed, expiry, refresh point) and a counter. The hit allocates nothing: \`getToken()\` ` +
    "is not `async` and returns the cache entry's resolved promise (core, `src/provider/token-provider.ts`)."
  );
}
