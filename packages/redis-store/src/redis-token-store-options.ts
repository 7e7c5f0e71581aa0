import { createSecretKey, KeyObject } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { SsaOptionError } from '@aps-ssa/core';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import { isIoredisClient, isNodeRedisClient, type RedisClient } from './redis-client.js';
import { checkRedisUrl, clientFromUrl } from './redis-url.js';
import type { RedisTokenStoreEvent } from './redis-token-store-event.js';
import { deriveEncryptionKey, ENCRYPTION_KEY_BYTES } from './token-cipher.js';

/** @default 'aps-ssa:' */
export const DEFAULT_PREFIX = 'aps-ssa:';
/** How long a lock outlives a holder that stopped renewing it (crashed, frozen), in ms. @default 10000 */
export const DEFAULT_LOCK_TTL = 10_000;
/**
 * The longest an instance waits for another's exchange before exchanging on its own, in ms: the
 * provider's default retry budget (20 s) plus one exchange timeout (10 s), so that nobody bypasses
 * a holder that is still retrying (a bypass is an extra exchange against the rate limit).
 *
 * @default 30000
 */
export const DEFAULT_WAIT_TIMEOUT = 30_000;
/** How often a waiting instance re-reads Redis when no notice arrives, in ms. @default 250 */
export const DEFAULT_POLL_INTERVAL = 250;
/** The longest any Redis command may take before the store falls back to local operation, in ms. @default 500 */
export const DEFAULT_COMMAND_TIMEOUT = 500;

/**
 * Options of {@link createRedisTokenStore}.
 *
 * @example
 * ```ts
 * const store = createRedisTokenStore({
 *   redis: new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }),
 *   prefix: 'billing-service:aps:',
 * });
 * ```
 */
export interface RedisTokenStoreOptions {
  /**
   * The client: an ioredis `new Redis(...)` (standalone or Sentinel) or `new Cluster(...)`, or a node-redis v5
   * `createClient(...)`. The store uses it as it is and never closes it; it opens one extra connection
   * (`duplicate()`) for pub/sub. Recommended ioredis options: `enableOfflineQueue: false` and
   * `maxRetriesPerRequest: 1` (node-redis: `disableOfflineQueue: true`), so that commands fail fast while Redis
   * is down instead of queueing. Give this or `url`.
   */
  redis?: RedisClient;
  /**
   * A Redis URL, for the common case: `redis://[user:password@]host[:port][/db]`, or `rediss://…` for TLS. The
   * store then creates the client itself (with ioredis if installed, else node-redis), with the recommended
   * options, and closes it in `close()`. Give this or `redis`.
   *
   * @example
   * ```ts
   * createRedisTokenStore({ url: process.env.REDIS_URL });
   * ```
   */
  url?: string;
  /**
   * TLS options for a `rediss://` `url` (e.g. `{ ca }` for a private certificate authority); Node's defaults
   * otherwise. Only with `url`: a client passed as `redis` brings its own.
   */
  tls?: ConnectionOptions;
  /**
   * The secret the entry encryption key is derived from (HKDF-SHA256): normally the APS client
   * secret, which every instance of the fleet already has. Give this or `encryptionKey`.
   *
   * @default process.env.APS_CLIENT_SECRET
   */
  secret?: string;
  /**
   * The AES-256-GCM key itself: 32 bytes, as a `Buffer`/`Uint8Array`, a secret `KeyObject` or a
   * base64 string. Use it to keep tokens readable only with a key other than the client secret.
   */
  encryptionKey?: Uint8Array | KeyObject | string;
  /**
   * Prepended to every Redis key and channel. It must not contain `{` or `}` (the store puts each
   * entry's keys under one cluster hash tag).
   *
   * @default DEFAULT_PREFIX ('aps-ssa:')
   */
  prefix?: string;
  /**
   * Lifetime of the refresh lock, in ms. The holder renews it while it exchanges; if the holder
   * dies, another instance takes over once it expires.
   *
   * @default DEFAULT_LOCK_TTL (10000)
   */
  lockTtl?: number;
  /**
   * How long an instance waits for the lock holder's token before exchanging on its own, in ms.
   * Keep it above `lockTtl`, so that a crashed holder is taken over rather than bypassed, and
   * above the provider's retry budget plus its exchange timeout, so that a holder still retrying
   * is not bypassed either.
   *
   * @default DEFAULT_WAIT_TIMEOUT (30000)
   */
  waitTimeout?: number;
  /**
   * How often a waiting instance re-reads Redis, in ms. A pub/sub notice wakes it sooner; polling
   * covers lost notices.
   *
   * @default DEFAULT_POLL_INTERVAL (250)
   */
  pollInterval?: number;
  /**
   * How long one Redis command may take, in ms. Past it (or when the client is disconnected) the
   * store falls back to this instance's memory and its own exchanges, and tries Redis again a
   * second later.
   *
   * @default DEFAULT_COMMAND_TIMEOUT (500)
   */
  commandTimeout?: number;
  /** Receives the store's events (Redis lost and back, rejected entries, lock take-overs). See {@link RedisTokenStoreEvent}. */
  onEvent?: (event: RedisTokenStoreEvent) => void;
}

/** Options after validation, with defaults filled in. */
export interface RedisTokenStoreSettings {
  readonly redis: RedisClient;
  /** Whether the store created the client (from `url`) and so closes it. */
  readonly ownsClient: boolean;
  readonly encryptionKey: KeyObject;
  readonly prefix: string;
  readonly lockTtl: number;
  readonly waitTimeout: number;
  readonly pollInterval: number;
  readonly commandTimeout: number;
  readonly onEvent: ((event: RedisTokenStoreEvent) => void) | undefined;
}

const WHERE = 'createRedisTokenStore()';
const KNOWN_OPTIONS = [
  'redis',
  'url',
  'tls',
  'secret',
  'encryptionKey',
  'prefix',
  'lockTtl',
  'waitTimeout',
  'pollInterval',
  'commandTimeout',
  'onEvent',
] as const;

export function normalizeOptions(options: RedisTokenStoreOptions): RedisTokenStoreSettings {
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, KNOWN_OPTIONS, WHERE);
  const { redis, url, tls, prefix = DEFAULT_PREFIX, onEvent } = options;
  if (redis !== undefined && url !== undefined) {
    throw new SsaOptionError('url', 'Give either `redis` (a client) or `url`, not both.');
  }
  if (url === undefined && !isRedisClient(redis)) {
    throw new SsaOptionError(
      'redis',
      `\`redis\` must be an ioredis client (\`new Redis(...)\` or \`new Cluster(...)\`) or a node-redis client (\`createClient(...)\`), or give \`url\`; got ${describeType(redis)}.`,
    );
  }
  if (tls !== undefined && (url === undefined || typeof tls !== 'object' || tls === null)) {
    throw new SsaOptionError('tls', url === undefined ? '`tls` goes with `url`; a client passed as `redis` brings its own TLS options.' : `\`tls\` must be an object of TLS options, got ${describeType(tls)}.`);
  }
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
    throw new SsaOptionError(
      'prefix',
      `\`prefix\` must be a string without \`{\` or \`}\` (the store uses a hash tag per entry), got ${typeof prefix === 'string' ? JSON.stringify(prefix) : describeType(prefix)}.`,
    );
  }
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new SsaOptionError('onEvent', `\`onEvent\` must be a function, got ${describeType(onEvent)}.`);
  }
  const encryptionKey = resolveEncryptionKey(options);
  const durations = {
    lockTtl: duration(options, 'lockTtl', DEFAULT_LOCK_TTL, 100),
    waitTimeout: duration(options, 'waitTimeout', DEFAULT_WAIT_TIMEOUT, 0),
    pollInterval: duration(options, 'pollInterval', DEFAULT_POLL_INTERVAL, 10),
    commandTimeout: duration(options, 'commandTimeout', DEFAULT_COMMAND_TIMEOUT, 10),
  };
  // Last, once every other option is valid: a client made from the URL is not left behind by a later error.
  return {
    redis: url === undefined ? redis! : clientFromUrl(checkRedisUrl(url), tls),
    ownsClient: url !== undefined,
    encryptionKey,
    prefix,
    ...durations,
    onEvent,
  };
}

function resolveEncryptionKey(options: RedisTokenStoreOptions): KeyObject {
  const { secret, encryptionKey } = options;
  if (secret !== undefined && encryptionKey !== undefined) {
    throw new SsaOptionError('encryptionKey', 'Give either `secret` or `encryptionKey`, not both: both would decide the encryption key.');
  }
  if (encryptionKey !== undefined) return toAesKey(encryptionKey);
  const source = secret ?? process.env.APS_CLIENT_SECRET;
  if (typeof source !== 'string' || source === '') {
    throw new SsaOptionError(
      'secret',
      secret === undefined
        ? 'The Redis token store encrypts tokens with a key derived from the APS client secret, but neither `secret` nor `encryptionKey` was given and APS_CLIENT_SECRET is not set. Pass `secret: clientSecret` (the same on every instance), or a 32-byte `encryptionKey`.'
        : `\`secret\` must be a non-empty string (normally the APS client secret), got ${describeType(secret)}.`,
    );
  }
  return deriveEncryptionKey(source);
}

function toAesKey(input: unknown): KeyObject {
  const mistake = `\`encryptionKey\` must be ${ENCRYPTION_KEY_BYTES} bytes: a Buffer/Uint8Array, a secret KeyObject or a base64 string`;
  if (input instanceof KeyObject) {
    if (input.type !== 'secret' || input.symmetricKeySize !== ENCRYPTION_KEY_BYTES) {
      throw new SsaOptionError('encryptionKey', `${mistake}; got a ${input.type} KeyObject${input.type === 'secret' ? ` of ${input.symmetricKeySize} bytes` : ''}.`);
    }
    return input;
  }
  let bytes: Buffer;
  if (typeof input === 'string') bytes = Buffer.from(input, 'base64');
  else if (input instanceof Uint8Array) bytes = Buffer.from(input);
  else throw new SsaOptionError('encryptionKey', `${mistake}; got ${describeType(input)}.`);
  if (bytes.length !== ENCRYPTION_KEY_BYTES) {
    // The length says nothing about the key; the key itself is never repeated in the message.
    throw new SsaOptionError('encryptionKey', `${mistake}; got ${bytes.length} bytes.`);
  }
  return createSecretKey(bytes);
}

function duration(options: RedisTokenStoreOptions, name: 'lockTtl' | 'waitTimeout' | 'pollInterval' | 'commandTimeout', fallback: number, min: number): number {
  const value = options[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_DURATION) {
    throw new SsaOptionError(
      name,
      `\`${name}\` must be a whole number of milliseconds from ${min} to ${MAX_DURATION}, got ${typeof value === 'number' ? value : describeType(value)}.`,
    );
  }
  return value;
}

// Longer waits than an hour (a token's lifetime) are a unit mistake (seconds given as ms is the other way round).
const MAX_DURATION = 3_600_000;

function isRedisClient(value: unknown): value is RedisClient {
  return typeof value === 'object' && value !== null && (isIoredisClient(value) || isNodeRedisClient(value));
}
