import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { SsaConfigError, SsaError, SsaOptionError } from '../errors.js';
import { describeType, rejectUnknownOptions, requireOptionsObject } from '../options.js';
import type { SigningKey } from './signing-key.js';

/**
 * How often {@link watchKeyFile} looks at the file, in ms. Polling the file's metadata works on every file system
 * (network mounts, Kubernetes secrets swapped by symlink) where change events do not; a rotation's grace period is
 * an hour, so a few seconds of delay cost nothing.
 *
 * @default 5_000
 */
export const KEY_FILE_POLL_INTERVAL = 5_000;

/** What a key file's new key goes to: a token provider, or a registry (every provider of the account). */
export interface KeyRotationTarget {
  rotateKey(key: SigningKey): void;
}

/** Options of {@link watchKeyFile}. */
export interface WatchKeyFileOptions {
  /** How often to look at the file, in ms. @default KEY_FILE_POLL_INTERVAL (5 s) */
  interval?: number;
  /**
   * Told when the file changed but holds no usable key (half written, a typo): the current key stays in use, and the
   * file is read again at its next change.
   *
   * @default nothing (the error is dropped)
   */
  onError?: (error: SsaError) => void;
}

/** A running {@link watchKeyFile}. */
export interface KeyFileWatch {
  /** The key id of the file as last applied. */
  readonly keyId: string;
  /** Stops watching. */
  close(): void;
}

/**
 * Keeps `target` (a provider or a registry) signing with the key a dotenv file names, so that a key rotation reaches
 * a running process without a restart: the file holds `APS_SA_KEY_ID` and `APS_SA_PRIVATE_KEY_FILE` (a path, relative
 * to the file's folder) or `APS_SA_PRIVATE_KEY`, and optionally `APS_SA_ID`; exactly the lines `aps-ssa keys create`
 * and `aps-ssa keys rotate` print. The file is read now (a bad one throws), then each time it changes; a new key id is
 * handed to `target.rotateKey()`. Replace the file atomically (write another, then rename it over) or let a half
 * written one be reported to `onError` and picked up at its next change.
 *
 * @throws {SsaConfigError} when the file cannot be read or lacks a key; `SsaKeyError` for a bad key.
 *
 * @example
 * ```ts
 * import { createTokenProvider, watchKeyFile } from '@aps-ssa/core';
 *
 * const provider = createTokenProvider();
 * // aps-ssa keys rotate --out keys/key-2.pem > keys/key.env.new && mv keys/key.env.new keys/key.env
 * const watch = watchKeyFile('keys/key.env', provider, { onError: (e) => console.warn(e.message) });
 * ```
 */
export function watchKeyFile(path: string, target: KeyRotationTarget, options: WatchKeyFileOptions = {}): KeyFileWatch {
  const where = 'watchKeyFile()';
  if (typeof path !== 'string' || path === '') throw new SsaOptionError('path', `\`path\` must be the key file's path, got ${describeType(path)}.`);
  if (typeof target !== 'object' || target === null || typeof target.rotateKey !== 'function') {
    throw new SsaOptionError('target', `\`target\` must be a token provider or a registry (with rotateKey()), got ${describeType(target)}.`);
  }
  requireOptionsObject(options as unknown, where);
  rejectUnknownOptions(options, ['interval', 'onError'], where);
  const { interval = KEY_FILE_POLL_INTERVAL, onError } = options;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1) {
    throw new SsaOptionError('interval', `\`interval\` must be a whole number of milliseconds, got ${String(interval)}.`);
  }
  const file = resolve(path);
  const first = readKeyFile(file);
  target.rotateKey(first);
  let keyId = first.keyId;
  let seen = fileText(file);
  // A poll of the file's text: fs.watchFile missed atomic replacements on Node.js 22 and 24 (the cause was not pinned
  // down). The file is a few lines, and each change is applied once.
  const poll = (): void => {
    const text = fileText(file);
    if (text === seen) return;
    seen = text;
    try {
      const key = readKeyFile(file);
      if (key.keyId === keyId) return;
      target.rotateKey(key);
      keyId = key.keyId;
    } catch (error) {
      onError?.(error instanceof SsaError ? error : new SsaError('ERR_SSA_CONFIG', `The key file ${file} could not be applied.`, { cause: error }));
    }
  };
  const timer = setInterval(poll, interval);
  timer.unref();
  return {
    get keyId() {
      return keyId;
    },
    close: () => clearInterval(timer),
  };
}

/** The file's text, or undefined while it cannot be read (mid-replacement): compared, never parsed here. */
function fileText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The key a key file names. */
function readKeyFile(file: string): SigningKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SsaConfigError([{ variable: file, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).` }]);
  }
  const vars = parseEnv(text);
  const keyId = vars.APS_SA_KEY_ID ?? '';
  const inline = vars.APS_SA_PRIVATE_KEY ?? '';
  const keyFile = vars.APS_SA_PRIVATE_KEY_FILE ?? '';
  const problems = [
    ...(keyId === '' ? [{ variable: 'APS_SA_KEY_ID', message: `is missing from the key file ${file}.` }] : []),
    ...((inline === '') === (keyFile === '')
      ? [{ variable: 'APS_SA_PRIVATE_KEY_FILE', message: `or APS_SA_PRIVATE_KEY (one of the two) must be set in the key file ${file}.` }]
      : []),
  ];
  if (problems.length > 0) throw new SsaConfigError(problems);
  return {
    keyId,
    privateKey: inline !== '' ? inline : resolve(dirname(file), keyFile),
    ...(vars.APS_SA_ID ? { serviceAccountId: vars.APS_SA_ID } : {}),
  };
}
