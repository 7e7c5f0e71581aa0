import { performance } from 'node:perf_hooks';
import { SsaError, createAssertion, createTokenProvider, exchangeAssertion } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import type { Emulator } from '@aps-ssa/emulator';
import { formatNumber, formatRatio } from '../format.js';
import { figure, ratio } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';

const SETTINGS = { full: { rounds: 5 }, quick: { rounds: 1 } };
const CALLERS = 10_000;
const NAIVE_CALLS = 100;
/** The emulator's default, APS's documented limit for the exchange. */
const RATE_LIMIT = 10;

export const coldStampede: Scenario = {
  id: 'cold-stampede',
  title: 'Cold stampede: 10,000 concurrent getToken() on a cold provider',
  question: 'Does a burst of requests on a cold start protect the rate limit, and how soon is everyone served?',
  async run({ quick, log }) {
    const { rounds } = quick ? SETTINGS.quick : SETTINGS.full;
    const stampede = { exchanges: [] as number[], promises: [] as number[], lastServed: [] as number[], issued: [] as number[], single: [] as number[] };
    const naive = { exchanges: [] as number[], refused: [] as number[], first429: [] as number[], provider: [] as number[] };
    log(`  ${rounds} rounds, each against fresh emulators (rate limit ${RATE_LIMIT}/min)`);
    for (let round = 0; round < rounds; round++) {
      await withEmulator(async (emulator) => {
        // Warm the code paths once, so that neither side pays for compiling them.
        await coldToken(emulator);
        await coldStampedeOnce(emulator);
        // Alternate which side goes first.
        const measureSingle = async (): Promise<void> => {
          stampede.single.push(await coldToken(emulator));
        };
        const measureStampede = async (): Promise<void> => {
          const outcome = await coldStampedeOnce(emulator);
          stampede.exchanges.push(outcome.exchanges);
          stampede.promises.push(outcome.promises);
          stampede.lastServed.push(outcome.lastServedMs);
          stampede.issued.push(outcome.issuedMs);
        };
        if (round % 2 === 0) await measureStampede().then(measureSingle);
        else await measureSingle().then(measureStampede);
      });
      await withEmulator(async (emulator) => {
        const outcome = await naiveCalls(emulator);
        naive.exchanges.push(outcome.exchanges);
        naive.refused.push(outcome.refused);
        naive.first429.push(outcome.first429);
      });
      await withEmulator(async (emulator) => {
        naive.provider.push(await providerCalls(emulator));
      });
    }
    const lastServed = figure(`time to the last of ${formatNumber(CALLERS)} concurrent callers`, 'ms', stampede.lastServed);
    const issued = figure(`of which: the callers' own loop issuing the ${formatNumber(CALLERS)} calls`, 'ms', stampede.issued);
    const single = figure('floor: time to token for 1 cold caller', 'ms', stampede.single);
    const toSingle = ratio(`${formatNumber(CALLERS)} callers / 1 caller (time to token)`, lastServed, single);
    return {
      figures: [
        figure(`exchanges the emulator saw for ${formatNumber(CALLERS)} concurrent callers`, 'exchanges', stampede.exchanges),
        figure(`distinct promises getToken() handed the ${formatNumber(CALLERS)} callers`, 'promises', stampede.promises),
        lastServed,
        issued,
        single,
        figure(`naive sign-and-exchange per call: exchanges for ${NAIVE_CALLS} calls`, 'exchanges', naive.exchanges),
        figure(`naive: calls refused with 429 (of ${NAIVE_CALLS})`, 'calls', naive.refused),
        figure('naive: the first 429 is call number', 'call #', naive.first429),
        figure(`aps-ssa provider: exchanges for the same ${NAIVE_CALLS} calls`, 'exchanges', naive.provider),
      ],
      ratios: [toSingle],
      parameters: { rounds, callers: CALLERS, 'naive calls': NAIVE_CALLS, 'rate limit (exchanges/min)': RATE_LIMIT },
      reading: [
        `${formatNumber(CALLERS)} callers arriving together on a cold provider cause ${formatNumber(median(stampede.exchanges))} ` +
          `exchange${median(stampede.exchanges) === 1 ? '' : 's'} and are all served ${formatNumber(median(stampede.lastServed))} ms after the first call, ` +
          `${formatRatio(toSingle.value)} the ${formatNumber(median(stampede.single))} ms one caller waits for its token. ` +
          `${formatNumber(median(stampede.issued))} ms of that is the callers' own loop making the ${formatNumber(CALLERS)} calls, before the exchange can ` +
          `even start; the other ${formatNumber(Math.max(0, median(stampede.lastServed) - median(stampede.issued) - median(stampede.single)))} ms beyond one ` +
          `caller's wait go to settling the callers' own \`then\` callbacks: every caller gets the same promise, ` +
          `${formatNumber(median(stampede.promises))} for the ${formatNumber(CALLERS)} of them (one promise of the token per refresh, in core's ` +
          '`src/provider/token-provider.ts`), so the provider adds no promise or `async` frame per waiting call. ' +
          `The pattern of the APS docs' snippets, signing and exchanging on every call, sends ${formatNumber(median(naive.exchanges))} exchanges for ${NAIVE_CALLS} calls: ` +
          `call number ${formatNumber(median(naive.first429))} already gets a 429, and ${formatNumber(median(naive.refused))} of the ${NAIVE_CALLS} are refused. ` +
          `A provider makes ${formatNumber(median(naive.provider))} exchange for the same ${NAIVE_CALLS} calls.`,
      ],
    };
  },
};

async function withEmulator<T>(use: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ port: 0, rateLimit: RATE_LIMIT });
  try {
    return await use(emulator);
  } finally {
    await emulator.close();
  }
}

/** Milliseconds for one caller to get a token from a cold provider. */
async function coldToken(emulator: Emulator): Promise<number> {
  const provider = createTokenProvider({ env: emulator.seed.env });
  try {
    const started = performance.now();
    await provider.getToken();
    return performance.now() - started;
  } finally {
    await provider.close();
  }
}

async function coldStampedeOnce(emulator: Emulator): Promise<{ exchanges: number; promises: number; lastServedMs: number; issuedMs: number }> {
  const provider = createTokenProvider({ env: emulator.seed.env });
  try {
    const before = emulator.counters().exchanges;
    let lastServed = 0;
    const started = performance.now();
    const calls: Promise<string>[] = [];
    const handed = new Set<Promise<unknown>>();
    for (let i = 0; i < CALLERS; i++) {
      const waiting = provider.getToken();
      handed.add(waiting);
      calls.push(
        waiting.then((token) => {
          lastServed = performance.now();
          return token.accessToken;
        }),
      );
    }
    const issued = performance.now();
    const tokens = new Set(await Promise.all(calls));
    if (tokens.size !== 1) throw new Error(`The stampede's callers received ${tokens.size} different tokens.`);
    return { exchanges: emulator.counters().exchanges - before, promises: handed.size, lastServedMs: lastServed - started, issuedMs: issued - started };
  } finally {
    await provider.close();
  }
}

/** The docs' pattern: sign and exchange on every call, one call after the other, as requests come. */
async function naiveCalls(emulator: Emulator): Promise<{ exchanges: number; refused: number; first429: number }> {
  const { seed } = emulator;
  const before = emulator.counters().exchanges;
  let refused = 0;
  let first429 = 0;
  for (let call = 1; call <= NAIVE_CALLS; call++) {
    const assertion = await createAssertion({
      clientId: seed.clientId,
      serviceAccountId: seed.serviceAccountId,
      keyId: seed.keyId,
      privateKey: seed.privateKey,
      scopes: seed.scopes,
    });
    try {
      await exchangeAssertion({ baseUrl: emulator.url, clientId: seed.clientId, clientSecret: seed.clientSecret, assertion });
    } catch (error) {
      if (!(error instanceof SsaError) || error.code !== 'ERR_SSA_RATE_LIMITED') throw error;
      refused++;
      if (first429 === 0) first429 = call;
    }
  }
  if (first429 === 0) throw new Error(`None of the ${NAIVE_CALLS} naive calls was refused: is the emulator's rate limit on?`);
  return { exchanges: emulator.counters().exchanges - before, refused, first429 };
}

/** The same calls through a provider: exchanges it made. */
async function providerCalls(emulator: Emulator): Promise<number> {
  const provider = createTokenProvider({ env: emulator.seed.env });
  try {
    for (let call = 0; call < NAIVE_CALLS; call++) await provider.getToken();
    return provider.stats.exchanges;
  } finally {
    await provider.close();
  }
}
