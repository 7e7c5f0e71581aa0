import { createPublicKey, verify } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SsaSignerError, loadPrivateKey } from '@aps-ssa/core';
import { importKeyToToken } from './import-key.js';
import type { ImportKeyOptions } from './import-key.js';
import { openPkcs11Signer } from './pkcs11-signer.js';

/** Options of {@link moveKeyFileToToken}: those of `importKeyToToken`, with the key's file instead of the key. */
export interface MoveKeyFileOptions extends Omit<ImportKeyOptions, 'privateKey'> {
  /** The PEM file Create Key's private key was saved to (e.g. by `aps-ssa keys create --out`). */
  keyFile: string;
}

const CHECK_INPUT = Buffer.from('aps-ssa: the key on the token signs as the key file did');

/**
 * Moves a private key file into a PKCS#11 token: imports the key, checks that the token signs with it (a signature
 * the file's public key verifies), then overwrites the file with zeros, flushes it, removes it and flushes its
 * directory, so that the only copy left is the token's. Nothing is removed unless the token signs correctly.
 *
 * @throws {SsaSignerError} `ERR_SSA_SIGNER_SETUP` when the import or the check fails (the file is then kept).
 *
 * @example
 * ```ts
 * await moveKeyFileToToken({ module: '/usr/lib/softhsm/libsofthsm2.so', token: 'aps', kid, keyFile: './aps-key.pem' });
 * ```
 */
export async function moveKeyFileToToken(options: MoveKeyFileOptions): Promise<void> {
  const { keyFile, ...rest } = options;
  const path = resolve(keyFile);
  const contents = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', `The key file ${path} cannot be read (${error.code ?? 'unknown error'}).`);
  });
  const key = loadPrivateKey(contents);
  await importKeyToToken({ ...rest, privateKey: key });
  const signer = await openPkcs11Signer(rest);
  try {
    const signature = await signer.sign(CHECK_INPUT);
    if (!verify('sha256', CHECK_INPUT, createPublicKey(key), signature)) {
      throw new SsaSignerError('ERR_SSA_SIGNER_SETUP', `The token's key "${signer.kid}" does not sign as the key file's does; ${path} was kept.`);
    }
  } finally {
    await signer.close();
  }
  await removeDurably(path, contents.length);
}

/** Overwrites a file with zeros and flushes it, removes it, then flushes its directory (so the removal survives a crash). */
async function removeDurably(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.write(Buffer.alloc(length), 0, length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await unlink(path);
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
