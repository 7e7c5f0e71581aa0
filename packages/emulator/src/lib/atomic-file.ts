import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` with mode 0600 through a new temporary file in the same directory and a rename, so a
 * reader never sees half a file. The temporary file is created exclusively (`wx`: never through an existing
 * name or symlink), and the rename replaces whatever `path` names (a symlink included) instead of writing
 * through it, so a link planted at `path` cannot redirect the secrets to another file.
 *
 * @example
 * ```ts
 * await writeFileAtomically('.env.emulator', formatEnvFile(emulator.seed.env));
 * ```
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      // The umask may have narrowed the mode further; 0600 is what the file must have, not less readable by its owner.
      await handle.chmod(0o600);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
