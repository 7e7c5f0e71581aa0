import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.js';

/**
 * A service account's state. `DEACTIVATED` is set by APS after 12 idle months; `enableServiceAccount` revives it.
 * APS may add states: an unknown one is passed through as it came.
 */
export type ServiceAccountStatus = 'ENABLED' | 'DISABLED' | 'DEACTIVATED';

/** A key's state. */
export type KeyStatus = 'ENABLED' | 'DISABLED';

/**
 * A service account, as Get Service Account describes it. Frozen.
 *
 * @example
 * ```ts
 * const account = await admin.getServiceAccount('6BNJQT7RR7GTJ5QY');
 * if (account.status !== 'ENABLED') await admin.enableServiceAccount(account.serviceAccountId);
 * ```
 */
export interface ServiceAccount {
  /** E.g. `6BNJQT7RR7GTJ5QY`. */
  readonly serviceAccountId: string;
  /** `<name>@<clientId>.adskserviceaccount.autodesk.com`. */
  readonly email: string;
  /** The client id of the app that owns it. */
  readonly createdBy: string;
  readonly status: ServiceAccountStatus;
  readonly createdAt: Date;
  /** When a token was last issued for it; absent when APS sends none (or Go's zero time). */
  readonly accessedAt?: Date;
  /** When APS will expire it, if it says. */
  readonly expiresAt?: Date;
}

/** What Create Service Account answers. Frozen. */
export interface CreatedServiceAccount {
  readonly serviceAccountId: string;
  readonly email: string;
}

/**
 * A key as Get All Keys lists it: never the key material. Frozen.
 *
 * @example
 * ```ts
 * const stale = (await admin.listKeys(id)).filter((k) => k.status === 'DISABLED');
 * ```
 */
export interface ServiceAccountKey {
  /** The key id (a UUID): the `kid` of assertions signed with it. */
  readonly kid: string;
  readonly status: KeyStatus;
  readonly createdAt: Date;
  /** When it last signed an assertion that was exchanged; absent when APS sends none. */
  readonly accessedAt?: Date;
}

/**
 * A key just created: APS returns its private key this once and keeps only the public half. `privateKey` is
 * readable by name but non-enumerable and shown as `[redacted]` by `JSON.stringify` and `util.inspect`: store it
 * somewhere safe (a secret manager, `APS_SA_PRIVATE_KEY`) straight away. Frozen.
 *
 * @example
 * ```ts
 * const { kid, privateKey } = await admin.createKey(serviceAccountId);
 * await secrets.put('APS_SA_KEY_ID', kid);
 * await secrets.put('APS_SA_PRIVATE_KEY', privateKey);
 * ```
 */
export interface CreatedKey {
  readonly kid: string;
  /** PEM, PKCS#1 (`BEGIN RSA PRIVATE KEY`) as APS returns it today. Never log it. */
  readonly privateKey: string;
}

/**
 * Input of `createServiceAccount`. `name` (the email's local part) is checked by the strictest reading of APS's
 * references: 5 to 64 lowercase letters, digits and dashes, a letter or digit first and last; `firstName` 5 to 100
 * letters, digits, dashes and underscores, `lastName` 5 to 100 letters, digits and dashes (display only; no spaces).
 */
export interface CreateServiceAccountInput {
  name: string;
  firstName: string;
  lastName: string;
}

/**
 * Options of `createAdminClient`: an app's client credentials (the client then fetches and caches its own 2-legged
 * token), or `getAccessToken` to bring your own 2-legged token.
 */
export interface AdminClientOptions {
  /** The server-to-server app's client id. Required unless `getAccessToken` is given. */
  clientId?: string;
  /** The app's client secret. Required unless `getAccessToken` is given. */
  clientSecret?: string;
  /**
   * Supplies a 2-legged token instead of the client's own `client_credentials` exchange: called before each
   * request, and once more after a 401 (the request is resent if it returns another token). Cache in it.
   */
  getAccessToken?: () => string | Promise<string>;
  /**
   * The scopes of the client's own 2-legged token.
   *
   * @default ADMIN_SCOPES (the four `application:service_account*` scopes)
   */
  scopes?: readonly string[];
  /**
   * The APS base URL (an emulator's on a test machine).
   *
   * @default DEFAULT_BASE_URL ('https://developer.api.autodesk.com')
   */
  baseUrl?: string;
  /**
   * The fetch implementation (an instrumented one).
   *
   * @default globalThis.fetch, through the `HTTPS_PROXY`/`HTTP_PROXY` proxy when one is set
   */
  fetch?: typeof fetch;
  /** The undici dispatcher calls go through (a `ProxyAgent`...), in place of the environment's proxy settings. Not with `fetch`. */
  dispatcher?: Dispatcher;
  /**
   * Milliseconds for each HTTP request, body included; then `ERR_SSA_TIMEOUT`.
   *
   * @default ADMIN_TIMEOUT (10_000)
   */
  timeout?: number;
  /**
   * Where the client reads the time to judge its cached token's expiry (tests move it).
   *
   * @default systemClock
   */
  clock?: Clock;
}
