// One heap measurement in a fresh process (run with --expose-gc): what `count` cached identities
// ('providers') or their bare token data ('floor') add to the heap. A fresh process per measurement,
// because a suspended async frame of a long-lived one can keep the previous measurement's objects
// alive into the next and skew it by megabytes.
// argv: kind, count, token length. Replies with the bytes added.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_BASE_URL, MemoryTokenStore, createTokenProvider } from '@aps-ssa/core';
import { identityKey } from '@aps-ssa/core/adapter';
import type { StoredToken, TokenProvider } from '@aps-ssa/core';
import { serveCommands } from './commands.js';

const HOUR = 3_600_000;
const [kind, countText, tokenLengthText] = process.argv.slice(2);
const count = Number(countText);
const tokenLength = Number(tokenLengthText);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('The memory probe needs --expose-gc.');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const common = { clientId: 'BenchClientId0123456789abcdefABCD', clientSecret: 'bench-secret', keyId: randomUUID(), privateKey, scopes: ['data:read'], baseUrl: DEFAULT_BASE_URL, env: {} };

interface Built {
  readonly held: unknown;
  readonly check: () => void;
}

/** Providers with a token each, as a provider holds it after a refresh; identities numbered from `first`. */
async function providers(first: number, n: number): Promise<Built> {
  const held: TokenProvider[] = [];
  for (let i = first; i < first + n; i++) {
    // The store a provider makes for itself by default, filled with the identity's token: the provider
    // adopts it instead of exchanging, as it would a token another instance stored.
    const store = new MemoryTokenStore({ maxEntries: 1 });
    const provider = createTokenProvider({ ...common, serviceAccountId: serviceAccountId(i), store });
    await store.refresh(identityKey(provider.identity), async () => storedToken(), {});
    await provider.getToken();
    held.push(provider);
  }
  return {
    held,
    check: () => {
      const exchanged = held.filter((p) => p.stats.exchanges !== 0 || p.stats.refreshes !== 1).length;
      if (exchanged > 0) throw new Error(`${exchanged} providers exchanged instead of adopting their stored token.`);
    },
  };
}

/** The limit: the token data alone, in a Map keyed by the same identity keys. */
async function floor(first: number, n: number): Promise<Built> {
  const held = new Map<string, { accessToken: string; expiresAt: number }>();
  for (let i = first; i < first + n; i++) {
    held.set(identityKey({ ...common, serviceAccountId: serviceAccountId(i) }), { accessToken: randomToken(), expiresAt: Date.now() + HOUR });
  }
  return { held, check: () => undefined };
}

/**
 * Heap in use after full collections, with pauses in between for what frees memory late: V8 sweeps
 * freed pages concurrently, and closed handles and finalizers run in later tasks.
 */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(20);
  }
  gc!();
  return process.memoryUsage().heapUsed;
}

function serviceAccountId(index: number): string {
  return `BENCH${index.toString(36).toUpperCase().padStart(11, '0')}`;
}

/** A fresh, flat string of the token's length: one allocation, as a token read from a response is. */
function randomToken(): string {
  return randomBytes(Math.floor((tokenLength * 3) / 4)).toString('base64url');
}

function storedToken(): StoredToken {
  const now = Date.now();
  return { accessToken: randomToken(), tokenType: 'Bearer', scopes: ['data:read'], obtainedAt: now, expiresAt: now + HOUR };
}

async function measure(): Promise<number> {
  const build = kind === 'floor' ? floor : providers;
  // Compiles every code path first, so the measurement holds objects, not code.
  (await build(1_000_000, 2)).check();
  const before = await settledHeap();
  const built = await build(0, count);
  const after = await settledHeap();
  built.check();
  return after - before;
}

serveCommands({}, await measure());
