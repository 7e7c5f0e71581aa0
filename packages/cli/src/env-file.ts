import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { CliError } from './cli-error.js';
import type { Env } from './io.js';

/**
 * The environment a command sees: `base` overlaid with each `--env-file` in order. A file given on the command
 * line is an explicit choice, so its values win over the inherited environment (unlike `node --env-file` and
 * dotenv, which let the environment win), and a later file wins over an earlier one. Parsed with Node's own
 * dotenv parser (`util.parseEnv`); `base` is never modified.
 */
export async function loadEnv(base: Env, files: readonly string[], cwd: string): Promise<Env> {
  let env: Record<string, string | undefined> = { ...base };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolve(cwd, file), 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new CliError(
        'ERR_CLI_ENV_FILE',
        `Cannot read the env file ${file} (${reason}). Check the path; \`aps-ssa emulator --write-env ${file}\` writes one for the emulator.`,
      );
    }
    env = { ...env, ...parseEnv(text) };
  }
  return env;
}
