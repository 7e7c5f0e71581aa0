import pkcs11js from 'pkcs11js';
import { SsaSignerError } from '@aps-ssa/core';
import { readTokenPin } from './token-pin.js';
import type { TokenPinSource } from './token-pin.js';

/** Which token to use, through which PKCS#11 module, and its PIN. */
export interface TokenOptions extends TokenPinSource {
  /** The path of the PKCS#11 module (e.g. `/usr/lib/softhsm/libsofthsm2.so`). */
  module: string;
  /** The label of the token (as `softhsm2-util --init-token --label` set it, or the HSM's partition name). */
  token: string;
}

/** A logged-in read-write session on a token. Internal. */
export interface TokenSession {
  readonly pkcs11: pkcs11js.PKCS11;
  readonly handle: pkcs11js.Handle;
  close(): void;
}

interface LoadedModule {
  readonly pkcs11: pkcs11js.PKCS11;
  users: number;
}

// C_Initialize may run once per process and module: the signers and imports of one module share it.
const modules = new Map<string, LoadedModule>();

/**
 * Loads the module (once per process), finds the token by label, opens a session and logs in as the user.
 *
 * @throws {SsaSignerError} `ERR_SSA_SIGNER_SETUP` naming what was not found or refused; never the PIN.
 */
export function openTokenSession(options: TokenOptions): TokenSession {
  const pin = readTokenPin(options);
  const loaded = loadModule(options.module);
  const { pkcs11 } = loaded;
  let session: pkcs11js.Handle | undefined;
  try {
    const slot = findSlot(pkcs11, options.token);
    session = setup(`open a session on token "${options.token}"`, () =>
      pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION),
    );
    const opened = session;
    setup(`log in to token "${options.token}" (check the PIN)`, () => pkcs11.C_Login(opened, pkcs11js.CKU_USER, pin));
  } catch (error) {
    if (session !== undefined) pkcs11.C_CloseSession(session);
    release(options.module, loaded);
    throw error;
  }
  const handle = session;
  let open = true;
  return {
    pkcs11,
    handle,
    close() {
      if (!open) return;
      open = false;
      try {
        pkcs11.C_CloseSession(handle);
      } finally {
        release(options.module, loaded);
      }
    },
  };
}

/** Runs a setup step; a PKCS#11 failure becomes `ERR_SSA_SIGNER_SETUP` naming the step and the `CKR_*` code only. */
export function setup<T>(step: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof SsaSignerError) throw error;
    throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', `Could not ${step}: ${pkcs11Reason(error)}.`);
  }
}

/** The `CKR_*` name of a pkcs11js error (its message is `CKR_X:n`, plus where), or its class name: never any argument. */
export function pkcs11Reason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const code = /CKR_[A-Z_]+/.exec(message)?.[0];
  return code ?? (error instanceof Error ? error.name : 'unknown error');
}

function loadModule(path: string): LoadedModule {
  const known = modules.get(path);
  if (known !== undefined) {
    known.users++;
    return known;
  }
  const pkcs11 = new pkcs11js.PKCS11();
  setup(`load the PKCS#11 module ${path}`, () => pkcs11.load(path));
  try {
    setup(`initialise the PKCS#11 module ${path}`, () => pkcs11.C_Initialize());
  } catch (error) {
    pkcs11.close();
    throw error;
  }
  const loaded = { pkcs11, users: 1 };
  modules.set(path, loaded);
  return loaded;
}

function release(path: string, loaded: LoadedModule): void {
  loaded.users--;
  if (loaded.users > 0) return;
  modules.delete(path);
  try {
    loaded.pkcs11.C_Finalize();
  } finally {
    loaded.pkcs11.close();
  }
}

function findSlot(pkcs11: pkcs11js.PKCS11, label: string): pkcs11js.Handle {
  const slots = setup('list the PKCS#11 slots', () => pkcs11.C_GetSlotList(true));
  const labels: string[] = [];
  for (const slot of slots) {
    const found = pkcs11.C_GetTokenInfo(slot).label.trim();
    if (found === label) return slot;
    labels.push(`"${found}"`);
  }
  throw new SsaSignerError(
    'ERR_SSA_SIGNER_SETUP',
    `No PKCS#11 token is labelled "${label}" (tokens present: ${labels.length === 0 ? 'none' : labels.join(', ')}). ` +
      'Check the token label, and that the module sees the token (for SoftHSM2: SOFTHSM2_CONF).',
  );
}
