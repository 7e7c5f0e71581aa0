import type { KeyObject } from 'node:crypto';
import { isDocumentedScope } from './assertion/aps-scopes.js';
import { idProblem, requireScopes } from './assertion/assertion.js';
import { looksLikeKeyId } from './assertion/assertion-diagnosis.js';
import { SsaConfigError, SsaKeyError, SsaOptionError } from './errors.js';
import type { SsaConfigProblem } from './errors.js';
import { isLoopbackHost } from './loopback-host.js';
import { IDENTITY_OPTIONS, closestName, describeType, rejectUnknownOptions, requireOptionsObject } from './options.js';
import type { PrivateKeyInput } from './private-key.js';
import { loadPrivateKey, loadPrivateKeyFileSync } from './private-key.js';
import { redactedObject, redactedPrototype } from './redacted.js';

/**
 * The APS base URL used when none is configured.
 *
 * @default 'https://developer.api.autodesk.com'
 */
export const DEFAULT_BASE_URL = 'https://developer.api.autodesk.com';

const SSA_CONFIG = redactedPrototype('SsaConfig', ['clientSecret', 'privateKey']);

/**
 * A service account's complete configuration, as read by {@link configFromEnv}. Frozen.
 * `clientSecret` and `privateKey` are readable by name but non-enumerable and shown as
 * `[redacted]` by `JSON.stringify` and `util.inspect`: pass the object itself rather than a spread
 * copy (`{ ...config }` leaves the secrets behind).
 */
export interface SsaConfig {
  /** `APS_CLIENT_ID`: the APS app's client id. */
  readonly clientId: string;
  /** `APS_CLIENT_SECRET`: the APS app's client secret. Never log it. */
  readonly clientSecret: string;
  /** `APS_SA_ID`: the service account id. */
  readonly serviceAccountId: string;
  /** `APS_SA_KEY_ID`: the key id that Create Key returned. */
  readonly keyId: string;
  /** `APS_SA_PRIVATE_KEY` or `APS_SA_PRIVATE_KEY_FILE`, loaded. */
  readonly privateKey: KeyObject;
  /** `APS_SCOPES`, split on spaces and commas, without duplicates. */
  readonly scopes: readonly string[];
  /** `APS_BASE_URL` without a trailing slash, or {@link DEFAULT_BASE_URL}. */
  readonly baseUrl: string;
  /** Things that work but look wrong (a key id that is not a UUID, a misspelt `APS_*` name). */
  readonly warnings: readonly SsaConfigProblem[];
}

/**
 * Identity values that take the place of their `APS_*` variables in {@link configFromEnv}.
 *
 * @example
 * ```ts
 * const overrides: SsaConfigOverrides = { privateKey: await loadPrivateKeyFile('./key.pem'), scopes: ['data:read'] };
 * const config = configFromEnv(process.env, overrides);
 * ```
 */
export interface SsaConfigOverrides {
  /** Instead of `APS_CLIENT_ID`. */
  clientId?: string;
  /** Instead of `APS_CLIENT_SECRET`. */
  clientSecret?: string;
  /** Instead of `APS_SA_ID`. */
  serviceAccountId?: string;
  /** Instead of `APS_SA_KEY_ID`. */
  keyId?: string;
  /** Instead of `APS_SA_PRIVATE_KEY` / `APS_SA_PRIVATE_KEY_FILE`: any form `loadPrivateKey` accepts. */
  privateKey?: PrivateKeyInput;
  /** Instead of `APS_SCOPES`. */
  scopes?: readonly string[];
  /** Instead of `APS_BASE_URL`. */
  baseUrl?: string;
}

/** The overrides, checked: what {@link checkConfigOverrides} returns. */
export interface CheckedOverrides {
  clientId?: string;
  clientSecret?: string;
  serviceAccountId?: string;
  keyId?: string;
  privateKey?: KeyObject;
  scopes?: readonly string[];
  baseUrl?: string;
}

/** A configuration whose key may be held by a signer (then `privateKey` is absent). Internal. */
export type KeylessSsaConfig = Omit<SsaConfig, 'privateKey'> & { readonly privateKey?: KeyObject };

/**
 * Checks the overrides given (as options: `SsaOptionError` naming the option) and loads the key; internal, shared
 * with the token provider's options so that each value is checked once, wherever it was given.
 */
export function checkConfigOverrides(overrides: SsaConfigOverrides): CheckedOverrides {
  const checked: CheckedOverrides = {};
  for (const name of ['clientId', 'clientSecret', 'serviceAccountId', 'keyId'] as const) {
    const value = overrides[name];
    if (value === undefined) continue;
    const problem = idProblem(value);
    if (problem !== undefined) throw new SsaOptionError(name, `\`${name}\` ${problem}.`);
    checked[name] = value;
  }
  if (overrides.privateKey !== undefined) checked.privateKey = loadPrivateKey(overrides.privateKey);
  if (overrides.scopes !== undefined) checked.scopes = requireScopes(overrides.scopes, 'scopes');
  if (overrides.baseUrl !== undefined) checked.baseUrl = normalizeBaseUrl(overrides.baseUrl);
  return checked;
}

/** The environment variables {@link configFromEnv} reads. */
export const CONFIG_VARIABLES = [
  'APS_CLIENT_ID',
  'APS_CLIENT_SECRET',
  'APS_SA_ID',
  'APS_SA_KEY_ID',
  'APS_SA_PRIVATE_KEY',
  'APS_SA_PRIVATE_KEY_FILE',
  'APS_SCOPES',
  'APS_BASE_URL',
] as const;

// Set by Autodesk's samples or other APS tools; known, so never reported as a misspelling.
const OTHER_APS_VARIABLES = ['APS_SA_EMAIL', 'APS_CALLBACK_URL', 'APS_BUCKET', 'APS_REGION'];

/**
 * Reads a service account's configuration from environment variables named as in Autodesk's own
 * samples, so an existing `.env` works unchanged:
 *
 * | Variable | Value |
 * |---|---|
 * | `APS_CLIENT_ID`, `APS_CLIENT_SECRET` | the APS app's credentials |
 * | `APS_SA_ID` | the service account id |
 * | `APS_SA_KEY_ID` | the key id that Create Key returned |
 * | `APS_SA_PRIVATE_KEY` | the private key: PEM (real or `\n`-escaped newlines), base64 PEM, JWK or a file path |
 * | `APS_SA_PRIVATE_KEY_FILE` | or: the path of a file holding it (not both) |
 * | `APS_SCOPES` | scopes separated by spaces or commas, e.g. `data:read data:write` |
 * | `APS_BASE_URL` | optional, default {@link DEFAULT_BASE_URL}; `http:` only for loopback hosts |
 *
 * Every problem is reported at once, naming the variable; no secret value is ever echoed.
 *
 * `overrides` take the place of their variables (a variable they replace is not read at all): they are
 * checked as options (`SsaOptionError`), once, and the environment supplies only what they leave out.
 *
 * @throws {SsaConfigError} listing every missing or malformed variable in `problems`.
 * @throws {SsaOptionError} for an invalid or unknown override.
 *
 * @example
 * ```ts
 * import { configFromEnv } from '@aps-ssa/core';
 *
 * const config = configFromEnv(); // reads process.env
 * for (const warning of config.warnings) console.warn(`${warning.variable}: ${warning.message}`);
 * console.log(config); // SsaConfig { clientId: '…', clientSecret: '[redacted]', … }
 *
 * const narrower = configFromEnv(process.env, { scopes: ['data:read'] }); // APS_SCOPES is not read
 * ```
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: SsaConfigOverrides = {}): SsaConfig {
  return readConfig(env, checkPublicOverrides(env, overrides), true) as SsaConfig;
}

/** {@link configFromEnv} for a key held by a `signer`: the private key variables are not read. Internal. */
export function configFromEnvWithoutKey(env: NodeJS.ProcessEnv, overrides: SsaConfigOverrides): Omit<SsaConfig, 'privateKey'> {
  return readConfig(env, checkPublicOverrides(env, overrides), false);
}

function checkPublicOverrides(env: NodeJS.ProcessEnv, overrides: SsaConfigOverrides): CheckedOverrides {
  if (typeof env !== 'object' || env === null) {
    throw new SsaOptionError('env', `configFromEnv() expects an environment object such as process.env, got ${describeType(env)}.`);
  }
  requireOptionsObject(overrides as unknown, 'configFromEnv() overrides');
  rejectUnknownOptions(overrides, IDENTITY_OPTIONS, 'configFromEnv()');
  return checkConfigOverrides(overrides);
}

/**
 * {@link configFromEnv} with the overrides already checked (internal: the token provider's options check theirs once,
 * then read only what they leave out). Without `withKey` (a signer holds the key) the key variables are not read.
 */
export function readConfig(env: NodeJS.ProcessEnv, given: CheckedOverrides, withKey: true): SsaConfig;
export function readConfig(env: NodeJS.ProcessEnv, given: CheckedOverrides, withKey: boolean): KeylessSsaConfig;
export function readConfig(env: NodeJS.ProcessEnv, given: CheckedOverrides, withKey: boolean): KeylessSsaConfig {
  const problems: SsaConfigProblem[] = [];
  const warnings: SsaConfigProblem[] = [];
  // One problem per variable: the first says what is wrong, a second ("is not set") would only follow from it.
  const problem = (variable: string, message: string): void => {
    if (!problems.some((p) => p.variable === variable)) problems.push(Object.freeze({ variable, message }));
  };
  // JavaScript callers can pass any object (a parsed config file, a fixture): a value that is not a
  // string is reported, then read as unset.
  const read = (variable: string): string | undefined => {
    const value: unknown = env[variable];
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (value !== undefined) problem(variable, `must be a string, as in process.env; got ${describeType(value)}.`);
    return undefined;
  };
  const requireId = (variable: string, what: string): string => {
    const value = read(variable);
    const why = value === undefined ? `is not set; set it to ${what}.` : idProblem(value);
    if (why !== undefined) problem(variable, why.endsWith('.') ? why : `${why}.`);
    return value ?? '';
  };

  const clientId = given.clientId ?? requireId('APS_CLIENT_ID', "the APS app's client id");
  const clientSecret = given.clientSecret ?? requireId('APS_CLIENT_SECRET', "the APS app's client secret");
  const serviceAccountId = given.serviceAccountId ?? requireId('APS_SA_ID', 'the service account id (e.g. 6BNJQT7RR7GTJ5QY)');
  const keyId = given.keyId ?? requireId('APS_SA_KEY_ID', 'the key id that Create Key returned (a UUID)');
  if (given.keyId === undefined && keyId !== '' && idProblem(keyId) === undefined && !looksLikeKeyId(keyId)) {
    warnings.push({
      variable: 'APS_SA_KEY_ID',
      message:
        'does not look like a key id (a UUID such as c546e44b-4b98-48cc-a4fa-7a3af5289af5); check that it is the key id, ' +
        'not the service account id or the client id.',
    });
  }

  const privateKey = given.privateKey ?? (withKey ? readPrivateKey(read('APS_SA_PRIVATE_KEY'), read('APS_SA_PRIVATE_KEY_FILE'), problem) : undefined);

  const scopes = given.scopes ?? [...new Set((read('APS_SCOPES') ?? '').split(/[\s,]+/).filter((s) => s !== ''))];
  if (scopes.length === 0) {
    problem('APS_SCOPES', 'is not set; list the scopes the token needs, separated by spaces or commas (e.g. "data:read data:write").');
  } else if (given.scopes === undefined && scopes.some((s) => /[[\]"]/.test(s))) {
    const meant = scopes.join(' ').replace(/[[\]"]/g, '').trim();
    problem('APS_SCOPES', `is written as a JSON array; list the scopes separated by spaces instead, e.g. APS_SCOPES="${meant}".`);
  } else {
    for (const scope of scopes.filter((s) => !isDocumentedScope(s))) {
      warnings.push({
        variable: 'APS_SCOPES',
        message: `lists ${JSON.stringify(scope)}, which is not a scope APS documents (APS rejects the assertion of an unknown scope); check its spelling.`,
      });
    }
  }

  const checked = given.baseUrl === undefined ? checkBaseUrl(read('APS_BASE_URL') ?? DEFAULT_BASE_URL) : { baseUrl: given.baseUrl };
  if ('problem' in checked) problem('APS_BASE_URL', checked.problem);

  for (const name of Object.keys(env)) {
    if (!name.startsWith('APS_') || (CONFIG_VARIABLES as readonly string[]).includes(name) || OTHER_APS_VARIABLES.includes(name)) {
      continue;
    }
    const suggestion = closestName(name, CONFIG_VARIABLES);
    if (suggestion !== undefined) {
      warnings.push({ variable: name, message: `is not read by aps-ssa. Did you mean \`${suggestion}\`?` });
    }
  }

  if (problems.length > 0 || (withKey && privateKey === undefined) || 'problem' in checked) throw new SsaConfigError(problems);
  return redactedObject<KeylessSsaConfig>(
    SSA_CONFIG,
    {
      clientId,
      clientSecret,
      serviceAccountId,
      keyId,
      privateKey,
      scopes: Object.freeze([...scopes]),
      baseUrl: checked.baseUrl,
      warnings: Object.freeze(warnings.map((w) => Object.freeze(w))),
    },
  );
}

/**
 * Validates a base URL option and returns it without a trailing slash.
 *
 * @throws {SsaOptionError} naming `option` when it is not an absolute https URL (http: loopback only).
 */
export function normalizeBaseUrl(value: unknown, option = 'baseUrl'): string {
  if (value === undefined) return DEFAULT_BASE_URL;
  if (typeof value !== 'string') {
    throw new SsaOptionError(option, `\`${option}\` must be a URL string such as "${DEFAULT_BASE_URL}", got ${describeType(value)}.`);
  }
  const checked = checkBaseUrl(value);
  if ('problem' in checked) throw new SsaOptionError(option, `\`${option}\` ${checked.problem}`);
  return checked.baseUrl;
}

function checkBaseUrl(value: string): { baseUrl: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `must be an absolute URL such as "${DEFAULT_BASE_URL}".` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `must be an http(s) URL such as "${DEFAULT_BASE_URL}", not ${url.protocol}.` };
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      problem:
        'uses plain http: for a host that is not this machine; the client secret and assertion would cross the network ' +
        'unencrypted. Use https:, or http: only for localhost / 127.0.0.1 / [::1] (e.g. the emulator).',
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not contain credentials (user:password@); set APS_CLIENT_ID and APS_CLIENT_SECRET instead.' };
  }
  if (url.search !== '' || url.hash !== '') return { problem: 'must not have a query string or a #fragment.' };
  const baseUrl = url.href.replace(/\/+$/, '');
  // APS's own URL is held once per process, not once per provider.
  return { baseUrl: baseUrl === DEFAULT_BASE_URL ? DEFAULT_BASE_URL : baseUrl };
}

function readPrivateKey(
  inline: string | undefined,
  file: string | undefined,
  problem: (variable: string, message: string) => void,
): KeyObject | undefined {
  if (inline !== undefined && file !== undefined) {
    problem('APS_SA_PRIVATE_KEY_FILE', 'is set together with APS_SA_PRIVATE_KEY; set only one of the two.');
    return undefined;
  }
  if (inline === undefined && file === undefined) {
    problem(
      'APS_SA_PRIVATE_KEY',
      'is not set; set it to the private key that Create Key returned (PEM, base64 PEM or JWK), or set ' +
        'APS_SA_PRIVATE_KEY_FILE to the path of a file holding it.',
    );
    return undefined;
  }
  const variable = inline === undefined ? 'APS_SA_PRIVATE_KEY_FILE' : 'APS_SA_PRIVATE_KEY';
  try {
    return inline === undefined ? loadPrivateKeyFileSync(file ?? '') : loadPrivateKey(inline);
  } catch (err) {
    if (!(err instanceof SsaKeyError)) throw err;
    problem(variable, `${err.message} (${err.code})`);
    return undefined;
  }
}
