/** Where a new key's private half went: a file, or the settings themselves (`--print-private-key`). */
export interface KeySettings {
  readonly serviceAccountId: string;
  readonly keyId: string;
  /** Absolute path of the private key file. */
  readonly privateKeyFile?: string;
  /** The PEM, only when the user asked to see it. */
  readonly privateKey?: string;
}

/**
 * The variables that point a configuration at a key. The unused one of `APS_SA_PRIVATE_KEY_FILE` and
 * `APS_SA_PRIVATE_KEY` is set empty: appended to an env file that already sets the other one
 * (`aps-ssa keys create ... >> .env`), the later, empty line unsets it (dotenv's last value wins, and an empty
 * variable counts as unset), so the two never conflict.
 */
export function keySettingsEnv(settings: KeySettings): Record<string, string> {
  const inline = settings.privateKey !== undefined;
  return {
    APS_SA_ID: settings.serviceAccountId,
    APS_SA_KEY_ID: settings.keyId,
    APS_SA_PRIVATE_KEY_FILE: inline ? '' : (settings.privateKeyFile ?? ''),
    APS_SA_PRIVATE_KEY: inline ? (settings.privateKey ?? '') : '',
  };
}

/** The same settings as dotenv lines. */
export function keySettingsLines(settings: KeySettings): string[] {
  return Object.entries(keySettingsEnv(settings)).map(([name, value]) => envLine(name, value));
}

/** `NAME=value`, quoted only when needed, in a form that dotenv, `util.parseEnv` and POSIX shells read alike. */
export function envLine(name: string, value: string): string {
  if (/^[\w@%+:,./-]*$/.test(value)) return `${name}=${value}`;
  // Inside double quotes dotenv turns \n back into a newline; a PEM holds no quote or backslash.
  if (value.includes('\n')) return `${name}="${value.replace(/\r?\n/g, '\\n')}"`;
  return value.includes("'") ? `${name}="${value}"` : `${name}='${value}'`;
}
