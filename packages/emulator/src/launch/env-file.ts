import { EmulatorOptionError } from '../errors.js';

/**
 * Formats variables as a `.env` file that dotenv, `node --env-file` and `util.parseEnv` read back unchanged:
 * each value double-quoted, newlines written as `\n` (which those parsers turn back into newlines inside
 * double quotes). A value holding `"` or `\` cannot round-trip that way and is refused.
 *
 * @example
 * ```ts
 * await writeFile('.env.emulator', formatEnvFile(emulator.seed.env), { mode: 0o600 });
 * ```
 */
export function formatEnvFile(env: Readonly<Record<string, string>>, comment?: string): string {
  const lines = comment === undefined ? [] : comment.split('\n').map((line) => `# ${line}`);
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new EmulatorOptionError(`Invalid variable name ${JSON.stringify(name)}.`);
    if (/["\\]/.test(value)) throw new EmulatorOptionError(`The value of ${name} contains a quote or backslash and cannot be written to an env file.`);
    lines.push(`${name}="${value.replace(/\r?\n/g, '\\n')}"`);
  }
  return `${lines.join('\n')}\n`;
}
