import { createTokenProvider } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import { formatNumber, formatRatio } from '../format.js';
import { figure, ratio } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { startWorker } from '../worker-process.js';

const SETTINGS = { full: { rounds: 3 }, quick: { rounds: 1 } };
const COUNTS = [1, 1_000, 10_000] as const;
const LARGEST = COUNTS[2];

export const memory: Scenario = {
  id: 'memory',
  title: 'Memory: heap per cached identity',
  question: 'What does each identity (client, service account, key, scope set) with a cached token cost in memory?',
  async run({ quick, log }) {
    const { rounds } = quick ? SETTINGS.quick : SETTINGS.full;
    const tokenLength = await realTokenLength();
    log(`  ${rounds} round(s) of ${COUNTS.join(', ')} identities, each measured in a fresh process; tokens of ${tokenLength} characters`);
    const ours = new Map<number, number[]>(COUNTS.map((count) => [count, []]));
    const floor: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const count of COUNTS) ours.get(count)!.push(await probe('providers', count, tokenLength));
      floor.push(await probe('floor', LARGEST, tokenLength));
    }

    const totals = COUNTS.map((count) => figure(`heap added by ${formatNumber(count)} cached identit${count === 1 ? 'y' : 'ies'}`, 'bytes', ours.get(count)!));
    const perIdentity = figure(`per identity (from ${formatNumber(LARGEST)})`, 'bytes', ours.get(LARGEST)!.map((bytes) => bytes / LARGEST));
    const floorPerIdentity = figure(`floor: token string + expiry in a Map, per identity (from ${formatNumber(LARGEST)})`, 'bytes', floor.map((bytes) => bytes / LARGEST));
    const toFloor = ratio('bytes per identity / floor', perIdentity, floorPerIdentity);
    const overhead = median(perIdentity.samples) - median(floorPerIdentity.samples);
    return {
      figures: [...totals, perIdentity, floorPerIdentity],
      ratios: [toFloor],
      parameters: {
        rounds,
        'token length (characters)': tokenLength,
        filled: 'each provider adopts a token put in its own MemoryTokenStore (no exchange); one RSA KeyObject shared by all',
        method: 'heapUsed after full collections (--expose-gc), one fresh process per measurement',
      },
      reading: [
        `Each cached identity (a provider with its own store and a token) costs about ${formatNumber(median(perIdentity.samples))} bytes of heap, ` +
          `${formatRatio(toFloor.value)} the ${formatNumber(median(floorPerIdentity.samples))} bytes of the token string and its expiry alone; ` +
          `${formatNumber(LARGEST)} identities take ${formatNumber(median(ours.get(LARGEST)!) / 2 ** 20)} MiB. An app has a handful (a provider registry refuses more than 100). ` +
          `The first identity of a process costs ${formatNumber(median(ours.get(1)!) / 1024)} KiB: V8's one-off data for the code paths it runs.`,
        ...(toFloor.value > 1.05
          ? [
              `Where the other ${formatNumber(overhead)} bytes go: the provider itself (its normalised options and identity, its counters and ` +
                'clock-skew estimates kept as plain fields), its own `MemoryTokenStore` (one slot, no `Map`, when `maxEntries` is 1), the hashed ' +
                "identity key, and the cached token's objects: the `StoredToken`, the cache entry with the resolved promise every hit returns, and " +
                "the frozen `AccessToken`, which shares the identity's frozen scopes. Nothing else is held per identity: the redacted view of a " +
                'token (`toJSON`, `inspect`) is computed on demand by methods of a shared prototype (core, `src/redacted.ts`), an abort controller ' +
                "exists only while a refresh runs, and the event listeners and the store's flight map only once used.",
            ]
          : []),
      ],
    };
  },
};

/** The heap that `count` identities (or their bare token data) add, measured in a fresh process. */
async function probe(kind: 'providers' | 'floor', count: number, tokenLength: number): Promise<number> {
  const worker = await startWorker<number>('memory-probe', { args: [kind, String(count), String(tokenLength)], execArgv: ['--expose-gc'] });
  await worker.stop();
  return worker.ready;
}

/** The length of the access tokens the emulator issues (APS's are JWTs of a similar size). */
async function realTokenLength(): Promise<number> {
  const emulator = await startEmulator({ port: 0 });
  const provider = createTokenProvider({ env: emulator.seed.env });
  try {
    return (await provider.getToken()).accessToken.length;
  } finally {
    await provider.close();
    await emulator.close();
  }
}
