import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../lib/atomic-file.js';
import type { SeedIdentity } from './seed.js';
import type { AppRecord, EmulatorState, KeyRecord, ServiceAccountRecord, StateSnapshot } from './state.js';

const FORMAT = 'aps-ssa-emulator-state';
const VERSION = 1;

/**
 * The state file given as `statePath` (`--state`) cannot be read, is corrupt, or cannot be written.
 *
 * @example
 * ```ts
 * try { await startEmulator({ statePath: '.aps-emulator.json' }); }
 * catch (e) { if (e instanceof EmulatorStateFileError) console.error(e.message); }
 * ```
 */
export class EmulatorStateFileError extends Error {
  readonly code = 'ERR_EMULATOR_STATE_FILE';
  override name = 'EmulatorStateFileError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a state file holds once read back. */
export interface LoadedState {
  readonly seed: SeedIdentity;
  readonly snapshot: StateSnapshot;
}

/** The file's JSON: times as ISO 8601 text, public keys as SPKI PEM; the seed's private key (a throwaway) too. */
function serialise(seed: SeedIdentity, snapshot: StateSnapshot): string {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const file = {
    format: FORMAT,
    version: VERSION,
    note: 'State of a local APS emulator: throwaway credentials valid only against it. Keep this file private (mode 0600).',
    seed: { clientId: seed.clientId, serviceAccountId: seed.serviceAccountId, serviceAccountEmail: seed.serviceAccountEmail, keyId: seed.keyId, privateKey: seed.privateKey },
    apps: snapshot.apps.map((app) => ({ ...app, createdAt: iso(app.createdAt) })),
    serviceAccounts: snapshot.serviceAccounts.map((a) => ({ ...a, createdAt: iso(a.createdAt), accessedAt: iso(a.accessedAt), expiresAt: iso(a.expiresAt) })),
    keys: snapshot.keys.map((k) => ({
      ...k,
      publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      createdAt: iso(k.createdAt),
      accessedAt: iso(k.accessedAt),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

class Corrupt extends Error {}

/** Reads typed fields of one JSON object, naming the field at fault (`keys[1].status`). */
class Fields {
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly where: string,
  ) {}

  static of(value: unknown, where: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Corrupt(`${where} is not an object`);
    return new Fields(value as Record<string, unknown>, where);
  }

  string(name: string): string {
    const value = this.value[name];
    if (typeof value !== 'string' || value === '') throw new Corrupt(`${this.where}.${name} is not a non-empty string`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.string(name);
    if (!(allowed as readonly string[]).includes(value)) throw new Corrupt(`${this.where}.${name} is not one of ${allowed.join(', ')}`);
    return value as T;
  }

  time(name: string): number {
    const ms = Date.parse(this.string(name));
    if (Number.isNaN(ms)) throw new Corrupt(`${this.where}.${name} is not an ISO 8601 time`);
    return ms;
  }

  optionalTime(name: string): number | undefined {
    return this.value[name] === undefined ? undefined : this.time(name);
  }

  publicKey(name: string): KeyObject {
    try {
      return createPublicKey(this.string(name));
    } catch (error) {
      if (error instanceof Corrupt) throw error;
      throw new Corrupt(`${this.where}.${name} is not a PEM public key`);
    }
  }

  list(name: string): Fields[] {
    const value = this.value[name];
    if (!Array.isArray(value)) throw new Corrupt(`${this.where}.${name} is not an array`);
    return value.map((item, i) => Fields.of(item, `${name}[${i}]`));
  }
}

function parse(text: string): LoadedState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Corrupt(`it is not valid JSON (${(error as Error).message})`);
  }
  const root = Fields.of(json, 'the file');
  if ((json as Record<string, unknown>)['format'] !== FORMAT) throw new Corrupt(`its "format" is not "${FORMAT}"`);
  if ((json as Record<string, unknown>)['version'] !== VERSION) throw new Corrupt(`its "version" is not ${VERSION}`);
  const seedFields = Fields.of((json as Record<string, unknown>)['seed'], 'seed');
  const apps: AppRecord[] = root.list('apps').map((f) => ({
    clientId: f.string('clientId'),
    clientSecret: f.string('clientSecret'),
    name: f.string('name'),
    type: f.oneOf('type', ['server-to-server', 'traditional-web'] as const),
    createdAt: f.time('createdAt'),
  }));
  const serviceAccounts: ServiceAccountRecord[] = root.list('serviceAccounts').map((f) => ({
    serviceAccountId: f.string('serviceAccountId'),
    clientId: f.string('clientId'),
    name: f.string('name'),
    email: f.string('email'),
    firstName: f.string('firstName'),
    lastName: f.string('lastName'),
    status: f.oneOf('status', ['ENABLED', 'DISABLED', 'DEACTIVATED'] as const),
    createdAt: f.time('createdAt'),
    accessedAt: f.optionalTime('accessedAt'),
    expiresAt: f.time('expiresAt'),
  }));
  const keys: KeyRecord[] = root.list('keys').map((f) => ({
    kid: f.string('kid'),
    serviceAccountId: f.string('serviceAccountId'),
    publicKey: f.publicKey('publicKey'),
    status: f.oneOf('status', ['ENABLED', 'DISABLED'] as const),
    createdAt: f.time('createdAt'),
    accessedAt: f.optionalTime('accessedAt'),
  }));
  const clientIds = new Set(apps.map((a) => a.clientId));
  const accountIds = new Set(serviceAccounts.map((a) => a.serviceAccountId));
  const orphan = serviceAccounts.find((a) => !clientIds.has(a.clientId));
  if (orphan) throw new Corrupt(`service account ${orphan.serviceAccountId} belongs to an app that is not in the file`);
  const orphanKey = keys.find((k) => !accountIds.has(k.serviceAccountId));
  if (orphanKey) throw new Corrupt(`key ${orphanKey.kid} belongs to a service account that is not in the file`);
  const seedApp = apps.find((a) => a.clientId === seedFields.string('clientId'));
  if (!seedApp) throw new Corrupt("the seed's app is not in the file");
  return {
    seed: {
      clientId: seedApp.clientId,
      clientSecret: seedApp.clientSecret,
      serviceAccountId: seedFields.string('serviceAccountId'),
      serviceAccountEmail: seedFields.string('serviceAccountEmail'),
      keyId: seedFields.string('keyId'),
      privateKey: seedFields.string('privateKey'),
    },
    snapshot: { apps, serviceAccounts, keys },
  };
}

/** Reads the state file; `undefined` when there is none yet. Throws {@link EmulatorStateFileError}, never a bare parse error. */
export async function readStateFile(path: string): Promise<LoadedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EmulatorStateFileError(path, `Cannot read the emulator state file ${path}: ${(error as Error).message}.`, { cause: error });
  }
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof Corrupt)) throw error;
    throw new EmulatorStateFileError(
      path,
      `The emulator state file ${path} is corrupt: ${error.message}. Fix it, or delete it to start afresh with a new seed.`,
    );
  }
}

/**
 * Keeps the state file in step with the state: every change schedules one write (changes made meanwhile are
 * coalesced into the next), writes never overlap, and `flush()` waits for the last one.
 */
export class StateFileWriter {
  readonly #path: string;
  readonly #contents: () => string;
  #running: Promise<void> = Promise.resolve();
  #scheduled = false;
  #failing = false;

  private constructor(path: string, contents: () => string) {
    this.#path = path;
    this.#contents = contents;
  }

  /** Writes the file now (failing loudly, at start) and then after every change of `state`. */
  static async start(path: string, state: EmulatorState, seed: SeedIdentity): Promise<StateFileWriter> {
    const writer = new StateFileWriter(path, () => serialise(seed, state.snapshot()));
    try {
      await writeFileAtomically(path, writer.#contents());
    } catch (error) {
      throw new EmulatorStateFileError(path, `Cannot write the emulator state file ${path}: ${(error as Error).message}.`, { cause: error });
    }
    state.onChange(() => writer.#schedule());
    return writer;
  }

  /** Resolves once every change made so far is on disk (or its write failed and was reported). */
  async flush(): Promise<void> {
    while (this.#scheduled) await this.#running;
    await this.#running;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#running = this.#running.then(() => {
      this.#scheduled = false;
      return this.#write();
    });
  }

  async #write(): Promise<void> {
    try {
      await writeFileAtomically(this.#path, this.#contents());
      this.#failing = false;
    } catch (error) {
      // Nobody awaits a background write: warn once per run of failures rather than crash the emulator.
      if (!this.#failing) {
        process.emitWarning(`Cannot write the emulator state file ${this.#path}: ${(error as Error).message}. Changes are kept in memory.`, {
          code: 'ERR_EMULATOR_STATE_FILE',
        });
      }
      this.#failing = true;
    }
  }
}
