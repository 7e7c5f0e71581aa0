import { EmulatorOptionError } from './errors.js';
import { isKnownScope } from './tokens/scopes.js';
import { DEFAULT_RATE_LIMIT, DEFAULT_TOKEN_LIFETIME_SECONDS, MAX_RATE_LIMIT, MAX_TOKEN_LIFETIME_SECONDS } from './control/settings.js';
import { rejectUnknownKeys, requireInteger } from './lib/unknown-keys.js';

/**
 * Options of `startEmulator`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0, rateLimit: 0, tokenLifetime: 60 });
 * ```
 */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Requests per minute per client for the jwt-bearer exchange and the SSA admin endpoints; `0` turns every
   * rate limit off (the 500/min client_credentials and introspect budgets too).
   * @default 10
   */
  readonly rateLimit?: number;
  /** `expires_in` (seconds) of issued tokens. @default 3599 */
  readonly tokenLifetime?: number;
  /** Scopes of the seed (`seed.scopes`, `APS_SCOPES`). @default ['data:read', 'user-profile:read'] */
  readonly scopes?: readonly string[];
  /** How many requests `requests()` keeps (oldest dropped first). @default 1000 */
  readonly requestLogSize?: number;
  /**
   * A JSON file that keeps the apps, service accounts, keys (public keys only), their states and times, and the
   * seed, across restarts: loaded at start when it exists, rewritten (atomically, mode 0600) after each change.
   * It holds the seed's throwaway private key and client secrets. No file by default: the state lives in memory.
   */
  readonly statePath?: string;
  /**
   * Serve the developer console at `/_emulator/console` (`emulator.consoleUrl`): the request log with the
   * verdict of every assertion rule, the tokens issued, the state, and fault and clock controls. For
   * development only; it answers 404 when off.
   * @default false
   */
  readonly console?: boolean;
  /**
   * Serve the console (when on) and the `/_emulator/` control surface to non-loopback clients and under
   * non-loopback `Host` names too, e.g. for an emulator in a container driven from another one. Without it, both
   * answer 403 to them (and to DNS-rebinding pages); the APS endpoints are never restricted.
   * @default false
   */
  readonly consoleAllowRemote?: boolean;
  /**
   * Where APS's references disagree, enforce the strictest reading, so that what passes here passes on APS:
   * service-account `name`s of 5–64 lowercase letters, digits and dashes, starting and ending with a letter or
   * digit, and introspect at 100 requests per minute. `false` takes the most permissive reading instead (`name`s of
   * 5–100 letters of either case, digits, dashes and `_`, introspect at 500 per minute). Each refusal a strict rule
   * causes names the reference it comes from.
   * @default true
   */
  readonly strict?: boolean;
}

export const DEFAULT_PORT = 0;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_SEED_SCOPES: readonly string[] = ['data:read', 'user-profile:read'];
export const DEFAULT_REQUEST_LOG_SIZE = 1000;

export interface NormalisedOptions {
  readonly port: number;
  readonly host: string;
  readonly rateLimit: number;
  readonly tokenLifetime: number;
  readonly scopes: readonly string[];
  readonly requestLogSize: number;
  readonly statePath: string | undefined;
  readonly console: boolean;
  readonly consoleAllowRemote: boolean;
  readonly strict: boolean;
}

const OPTION_KEYS = ['port', 'host', 'rateLimit', 'tokenLifetime', 'scopes', 'requestLogSize', 'statePath', 'console', 'consoleAllowRemote', 'strict'];

function optionalBoolean(value: unknown, name: string, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new EmulatorOptionError(`\`${name}\` must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}

export function normaliseOptions(options: EmulatorOptions = {}): NormalisedOptions {
  if (typeof options !== 'object' || options === null) throw new EmulatorOptionError('startEmulator options must be an object.');
  rejectUnknownKeys(options, OPTION_KEYS, 'emulator option');
  const scopes = options.scopes ?? DEFAULT_SEED_SCOPES;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string' && isKnownScope(s))) {
    throw new EmulatorOptionError(`\`scopes\` must be a non-empty array of APS scopes, e.g. ['data:read'], got ${JSON.stringify(scopes)}.`);
  }
  if (options.statePath !== undefined && (typeof options.statePath !== 'string' || options.statePath === '')) {
    throw new EmulatorOptionError(`\`statePath\` must be a file path, got ${JSON.stringify(options.statePath)}.`);
  }
  const consoleOn = optionalBoolean(options.console, 'console');
  const consoleAllowRemote = optionalBoolean(options.consoleAllowRemote, 'consoleAllowRemote');
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host === '') throw new EmulatorOptionError(`\`host\` must be a host name or address, got ${JSON.stringify(host)}.`);
  return {
    port: options.port === undefined ? DEFAULT_PORT : requireInteger(options.port, 'port', 0, 65_535),
    host,
    rateLimit: options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : requireInteger(options.rateLimit, 'rateLimit', 0, MAX_RATE_LIMIT),
    tokenLifetime:
      options.tokenLifetime === undefined
        ? DEFAULT_TOKEN_LIFETIME_SECONDS
        : requireInteger(options.tokenLifetime, 'tokenLifetime', 1, MAX_TOKEN_LIFETIME_SECONDS),
    scopes: [...scopes],
    requestLogSize:
      options.requestLogSize === undefined ? DEFAULT_REQUEST_LOG_SIZE : requireInteger(options.requestLogSize, 'requestLogSize', 1, 1_000_000),
    statePath: options.statePath,
    console: consoleOn,
    consoleAllowRemote,
    strict: optionalBoolean(options.strict, 'strict', true),
  };
}
