import { inspect } from 'node:util';
import type { EmulatorState } from './state.js';

/** The fixed part of a seed: what a state file keeps so that the seed (and an env file written from it) survives restarts. */
export interface SeedIdentity {
  /** 32 characters. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** 16 uppercase alphanumerics. */
  readonly serviceAccountId: string;
  readonly serviceAccountEmail: string;
  /** A UUID. */
  readonly keyId: string;
  /** PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`) of a 2048-bit RSA key generated at start. */
  readonly privateKey: string;
}

/**
 * The app, service account and key the emulator registers at start: everything a client needs to get an SSA
 * token from it. `clientSecret` and `privateKey` are throwaway credentials valid only against this emulator, yet
 * they are hidden from `JSON.stringify` and `util.inspect` (of the seed and of `env`) so that copying the
 * habit to real credentials stays safe.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * process.env = { ...process.env, ...emulator.seed.env }; // APS_CLIENT_ID … APS_BASE_URL
 * ```
 */
export interface EmulatorSeed extends SeedIdentity {
  readonly scopes: readonly string[];
  /**
   * `APS_CLIENT_ID`, `APS_CLIENT_SECRET`, `APS_SA_ID`, `APS_SA_EMAIL`, `APS_SA_KEY_ID`, `APS_SA_PRIVATE_KEY` (PEM
   * with real newlines), `APS_SCOPES` (space-separated), `APS_BASE_URL` (the emulator's URL).
   */
  readonly env: Readonly<Record<string, string>>;
}

const SECRET_ENV_NAMES = new Set(['APS_CLIENT_SECRET', 'APS_SA_PRIVATE_KEY']);
const REDACTED = '[redacted]';

/** Defines non-enumerable `toJSON` and `inspect.custom`, so `{ ...obj }` still copies only the data. */
function hideSecrets<T extends object>(target: T, redacted: () => object): T {
  Object.defineProperty(target, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(target, inspect.custom, {
    value: (_depth: number, options: object) => inspect(redacted(), options),
    enumerable: false,
  });
  return target;
}

/** Registers the seed's app, service account and key. */
export async function createSeedIdentity(state: EmulatorState): Promise<SeedIdentity> {
  const app = state.createApp({ name: 'emulator-app' });
  const account = state.createServiceAccount({
    clientId: app.clientId,
    name: 'emulator-service-account',
    firstName: 'Emulator',
    lastName: 'Robot',
  });
  const key = await state.createKey(account.serviceAccountId);
  return {
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    serviceAccountId: account.serviceAccountId,
    serviceAccountEmail: account.email,
    keyId: key.kid,
    privateKey: key.privateKey,
  };
}

/** The seed of an identity, for these scopes and this URL, with its secrets hidden from JSON and inspect. */
export function describeSeed(identity: SeedIdentity, scopes: readonly string[], baseUrl: string): EmulatorSeed {
  const env: Record<string, string> = {
    APS_CLIENT_ID: identity.clientId,
    APS_CLIENT_SECRET: identity.clientSecret,
    APS_SA_ID: identity.serviceAccountId,
    APS_SA_EMAIL: identity.serviceAccountEmail,
    APS_SA_KEY_ID: identity.keyId,
    APS_SA_PRIVATE_KEY: identity.privateKey,
    APS_SCOPES: scopes.join(' '),
    APS_BASE_URL: baseUrl,
  };
  const redactedEnv = () =>
    Object.fromEntries(Object.entries(env).map(([name, value]) => [name, SECRET_ENV_NAMES.has(name) ? REDACTED : value]));
  hideSecrets(env, redactedEnv);
  Object.freeze(env);
  const seed: EmulatorSeed = {
    clientId: identity.clientId,
    clientSecret: identity.clientSecret,
    serviceAccountId: identity.serviceAccountId,
    serviceAccountEmail: identity.serviceAccountEmail,
    keyId: identity.keyId,
    privateKey: identity.privateKey,
    scopes: Object.freeze([...scopes]),
    env,
  };
  hideSecrets(seed, () => ({ ...seed, clientSecret: REDACTED, privateKey: REDACTED, env: redactedEnv() }));
  return Object.freeze(seed);
}
