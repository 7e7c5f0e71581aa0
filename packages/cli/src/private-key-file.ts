import { randomBytes } from 'node:crypto';
import { access, link, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/**
 * A private key file (mode 0600) reserved before the key exists: Create Key hands out the private key once, so
 * the place to keep it must be known writable before a key is created, and an existing file is never replaced
 * unless `force` is set. The key is written to a temporary file beside the target, flushed to disk, and moved into
 * place whole; the directory is flushed too, so that a crash or power loss right after the command cannot leave an
 * empty file, or no file, where the only copy of the key was reported written.
 */
export class PrivateKeyFile {
  readonly path: string;
  readonly #force: boolean;
  readonly #temporary: string;
  #handle: FileHandle | undefined;

  private constructor(path: string, force: boolean, handle: FileHandle, temporary: string) {
    this.path = path;
    this.#force = force;
    this.#handle = handle;
    this.#temporary = temporary;
  }

  /** @throws {CliError} `ERR_CLI_OUT_FILE` when the file exists (without `force`) or its directory is not writable. */
  static async reserve(path: string, force: boolean): Promise<PrivateKeyFile> {
    if (!force && (await exists(path))) {
      throw new CliError(
        'ERR_CLI_OUT_FILE',
        `${path} already exists and may hold another key; choose another --out path, or add --force to replace it.`,
      );
    }
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      return new PrivateKeyFile(path, force, await open(temporary, 'wx', 0o600), temporary);
    } catch (error) {
      throw new CliError('ERR_CLI_OUT_FILE', `Cannot write the private key file ${path} (${describe(error)}).`);
    }
  }

  /** Writes the key, flushes it (fsync), moves the file into place and flushes the directory. */
  async write(pem: string): Promise<void> {
    const handle = this.#take();
    try {
      try {
        await handle.writeFile(pem);
        // Before the name points at it: a rename or link can reach the disk before the data does.
        await handle.sync();
      } finally {
        await handle.close();
      }
      // link() refuses to replace a file that appeared meanwhile; rename() replaces it (--force).
      if (this.#force) await rename(this.#temporary, this.path);
      else await link(this.#temporary, this.path).then(() => unlink(this.#temporary));
      // One flush for both entries: the key's name, and the temporary name gone.
      await syncDirectory(dirname(this.path));
    } catch (error) {
      throw new CliError('ERR_CLI_OUT_FILE', `Cannot write the private key file ${this.path} (${describe(error)}).`);
    } finally {
      await unlink(this.#temporary).catch(() => undefined);
    }
  }

  /** Gives the reservation up (the key was not created, or was deleted again). */
  async discard(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    await unlink(this.#temporary).catch(() => undefined);
  }

  #take(): FileHandle {
    const handle = this.#handle;
    if (handle === undefined) throw new Error('The private key file was already written or discarded.');
    this.#handle = undefined;
    return handle;
  }
}

/** Makes the new directory entry durable (fsync of the directory itself). */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function describe(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return code ?? message;
}
