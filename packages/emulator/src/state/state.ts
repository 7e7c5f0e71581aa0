import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { EmulatorClock } from '../lib/clock.js';
import { EmulatorStateError } from '../errors.js';
import { addCalendarYear } from '../lib/go-time.js';
import { BucketStore } from './buckets.js';
import { newClientId, newClientSecret, newKeyId, newServiceAccountId } from '../lib/ids.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** `DEACTIVATED` is what APS sets after 12 idle months (reference §4); assertions of such an account fail too. */
export type ServiceAccountStatus = 'ENABLED' | 'DISABLED' | 'DEACTIVATED';
export type KeyStatus = 'ENABLED' | 'DISABLED';

/**
 * The APS app types that hold a client secret. Only a server-to-server app can own service accounts (S1); a
 * traditional web app can still get 2-legged tokens, and is refused by Create Service Account.
 */
export type AppType = 'server-to-server' | 'traditional-web';

/** A registered application (client). */
export interface AppRecord {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly name: string;
  readonly type: AppType;
  readonly createdAt: number;
}

export interface ServiceAccountRecord {
  readonly serviceAccountId: string;
  readonly clientId: string;
  readonly name: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  status: ServiceAccountStatus;
  readonly createdAt: number;
  /** When a token was last issued for this account (ms), as APS's `accessedAt`. */
  accessedAt: number | undefined;
  readonly expiresAt: number;
}

export interface KeyRecord {
  readonly kid: string;
  readonly serviceAccountId: string;
  readonly publicKey: KeyObject;
  status: KeyStatus;
  readonly createdAt: number;
  accessedAt: number | undefined;
}

/** A new key as APS's Create Key returns it: the private key is handed out once and not kept. */
export interface CreatedKey {
  readonly kid: string;
  /** PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), as APS returns it (reference §4). */
  readonly privateKey: string;
}

export interface CreateServiceAccountInput {
  readonly clientId: string;
  readonly name: string;
  readonly firstName?: string;
  readonly lastName?: string;
}

/**
 * Everything the state holds, as records: what a state file stores (public keys only) and `restore` takes back.
 *
 * @example
 * ```ts
 * const snapshot = emulator.state.snapshot(); // snapshot.keys[0].publicKey is a KeyObject
 * ```
 */
export interface StateSnapshot {
  readonly apps: readonly AppRecord[];
  readonly serviceAccounts: readonly ServiceAccountRecord[];
  readonly keys: readonly KeyRecord[];
}

const RSA_MODULUS_LENGTH = 2048;

/**
 * The emulator's registry of apps, service accounts and keys with their states. It keeps invariants of identity
 * only (who owns what, what exists); APS's business rules (name syntax, 3 keys per account, 10 accounts per app,
 * "already enabled") belong to the endpoints that enforce them, so tests can set up any state directly.
 *
 * @example
 * ```ts
 * emulator.state.setKeyStatus(emulator.seed.keyId, 'DISABLED');
 * const other = emulator.state.createServiceAccount({ clientId: emulator.seed.clientId, name: 'other-account' });
 * const { kid, privateKey } = await emulator.state.createKey(other.serviceAccountId);
 * ```
 */
export class EmulatorState {
  /** The OSS buckets (`resources/oss.ts`), in memory only. */
  readonly buckets = new BucketStore();
  readonly #apps = new Map<string, AppRecord>();
  readonly #accounts = new Map<string, ServiceAccountRecord>();
  readonly #keys = new Map<string, KeyRecord>();
  readonly #listeners = new Set<() => void>();
  readonly #clock: EmulatorClock;

  constructor(clock: EmulatorClock) {
    this.#clock = clock;
  }

  /** Calls `listener` after every change (the state file is written this way); returns a function that removes it. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Copies of every record, for the state file. */
  snapshot(): StateSnapshot {
    return {
      apps: this.listApps().map((app) => ({ ...app })),
      serviceAccounts: this.listServiceAccounts().map((account) => ({ ...account })),
      keys: [...this.#keys.values()].map((key) => ({ ...key })),
    };
  }

  /** Replaces everything with the snapshot's records (loading a state file). References must be consistent. */
  restore(snapshot: StateSnapshot): void {
    this.#apps.clear();
    this.#accounts.clear();
    this.#keys.clear();
    for (const app of snapshot.apps) this.#apps.set(app.clientId, { ...app });
    for (const account of snapshot.serviceAccounts) {
      this.#requireApp(account.clientId);
      this.#accounts.set(account.serviceAccountId, { ...account });
    }
    for (const key of snapshot.keys) {
      this.#requireAccount(key.serviceAccountId);
      this.#keys.set(key.kid, { ...key });
    }
    this.#changed();
  }

  createApp(input: { name?: string; clientId?: string; clientSecret?: string; type?: AppType } = {}): AppRecord {
    const app: AppRecord = {
      clientId: input.clientId ?? newClientId(),
      clientSecret: input.clientSecret ?? newClientSecret(),
      name: input.name ?? 'emulator-app',
      type: input.type ?? 'server-to-server',
      createdAt: this.#clock.now(),
    };
    this.#apps.set(app.clientId, app);
    this.#changed();
    return app;
  }

  getApp(clientId: string): AppRecord | undefined {
    return this.#apps.get(clientId);
  }

  listApps(): AppRecord[] {
    return [...this.#apps.values()];
  }

  createServiceAccount(input: CreateServiceAccountInput): ServiceAccountRecord {
    this.#requireApp(input.clientId);
    const now = this.#clock.now();
    const account: ServiceAccountRecord = {
      serviceAccountId: newServiceAccountId(),
      clientId: input.clientId,
      name: input.name,
      // S1's form; newer examples show `…adskserviceaccount.com` (reference §1 [U]).
      email: `${input.name}@${input.clientId}.adskserviceaccount.autodesk.com`,
      firstName: input.firstName ?? 'Service',
      lastName: input.lastName ?? 'Account',
      status: 'ENABLED',
      createdAt: now,
      accessedAt: undefined,
      expiresAt: addCalendarYear(now),
    };
    this.#accounts.set(account.serviceAccountId, account);
    this.#changed();
    return account;
  }

  getServiceAccount(serviceAccountId: string): ServiceAccountRecord | undefined {
    return this.#accounts.get(serviceAccountId);
  }

  listServiceAccounts(clientId?: string): ServiceAccountRecord[] {
    return [...this.#accounts.values()].filter((a) => clientId === undefined || a.clientId === clientId);
  }

  setServiceAccountStatus(serviceAccountId: string, status: ServiceAccountStatus): ServiceAccountRecord {
    const account = this.#requireAccount(serviceAccountId);
    account.status = status;
    this.#changed();
    return account;
  }

  /** Deletes the account and its keys, as APS does (reference §1). */
  deleteServiceAccount(serviceAccountId: string): void {
    this.#requireAccount(serviceAccountId);
    for (const key of this.listKeys(serviceAccountId)) this.#keys.delete(key.kid);
    this.#accounts.delete(serviceAccountId);
    this.#changed();
  }

  async createKey(serviceAccountId: string): Promise<CreatedKey> {
    this.#requireAccount(serviceAccountId);
    const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: RSA_MODULUS_LENGTH });
    // The account may have been deleted while the key pair was generated.
    this.#requireAccount(serviceAccountId);
    const record: KeyRecord = {
      kid: newKeyId(),
      serviceAccountId,
      publicKey,
      status: 'ENABLED',
      createdAt: this.#clock.now(),
      accessedAt: undefined,
    };
    this.#keys.set(record.kid, record);
    this.#changed();
    return { kid: record.kid, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
  }

  getKey(kid: string): KeyRecord | undefined {
    return this.#keys.get(kid);
  }

  listKeys(serviceAccountId: string): KeyRecord[] {
    return [...this.#keys.values()].filter((k) => k.serviceAccountId === serviceAccountId);
  }

  setKeyStatus(kid: string, status: KeyStatus): KeyRecord {
    const key = this.#requireKey(kid);
    key.status = status;
    this.#changed();
    return key;
  }

  deleteKey(kid: string): void {
    this.#requireKey(kid);
    this.#keys.delete(kid);
    this.#changed();
  }

  /** Records a token issued with this key for this account (APS's `accessedAt`). */
  markUsed(serviceAccountId: string, kid: string): void {
    const now = this.#clock.now();
    const account = this.#accounts.get(serviceAccountId);
    if (account) account.accessedAt = now;
    const key = this.#keys.get(kid);
    if (key) key.accessedAt = now;
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  #requireApp(clientId: string): AppRecord {
    const app = this.#apps.get(clientId);
    if (!app) throw new EmulatorStateError('not_found', `No application with client id ${clientId} is registered in the emulator.`);
    return app;
  }

  #requireAccount(serviceAccountId: string): ServiceAccountRecord {
    const account = this.#accounts.get(serviceAccountId);
    if (!account) throw new EmulatorStateError('not_found', 'The service account is not found.');
    return account;
  }

  #requireKey(kid: string): KeyRecord {
    const key = this.#keys.get(kid);
    if (!key) throw new EmulatorStateError('not_found', 'The key is not found.');
    return key;
  }
}
