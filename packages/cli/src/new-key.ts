import { resolve } from 'node:path';
import type { AdminClient, CreatedKey } from '@aps-ssa/core/admin';
import { CliError, UsageError } from './cli-error.js';
import { stringFlag } from './command.js';
import type { CommandContext, FlagSpec } from './command.js';
import { keySettingsEnv, keySettingsLines } from './env-lines.js';
import type { KeySettings } from './env-lines.js';
import { describeError, writeJson, writeLines } from './output.js';
import { PrivateKeyFile } from './private-key-file.js';

/** The flags that say where a new private key goes (keys create, keys rotate). */
export const NEW_KEY_FLAGS: Readonly<Record<string, FlagSpec>> = {
  out: { type: 'string', value: 'PATH', description: 'write the private key to PATH, mode 0600 (refused if PATH exists)' },
  force: { type: 'boolean', description: 'with --out, replace an existing file' },
  'print-private-key': { type: 'boolean', description: 'put the private key itself in the printed settings (APS_SA_PRIVATE_KEY)' },
};

/** Where the new private key goes: a file reserved now, before the key exists, and/or the printed settings. */
export async function newKeyDestination(context: CommandContext): Promise<{ file?: PrivateKeyFile; inline: boolean }> {
  const out = stringFlag(context, 'out');
  const inline = context.flags['print-private-key'] === true;
  if (!out && !inline) {
    throw new UsageError(
      'Missing --out PATH (the file that receives the private key, mode 0600), or --print-private-key.',
      context.command,
    );
  }
  return { ...(out ? { file: await PrivateKeyFile.reserve(resolve(context.io.cwd, out), context.flags.force === true) } : {}), inline };
}

/** The settings of a new key: dotenv lines on stdout (to append to an env file), or `env` in the JSON document. */
export function writeKeySettings(context: CommandContext, settings: KeySettings, extra: Record<string, unknown>): void {
  if (context.json) {
    writeJson(context.io, {
      ...extra,
      serviceAccountId: settings.serviceAccountId,
      keyId: settings.keyId,
      ...(settings.privateKeyFile === undefined ? {} : { privateKeyFile: settings.privateKeyFile }),
      env: keySettingsEnv(settings),
    });
  } else {
    writeLines(context.io, keySettingsLines(settings));
  }
}

/** Where the private key went, for the message on stderr. */
export function privateKeyWhereabouts(settings: KeySettings): string {
  const places = [
    ...(settings.privateKeyFile === undefined ? [] : [`${settings.privateKeyFile} (mode 0600)`]),
    ...(settings.privateKey === undefined ? [] : ['APS_SA_PRIVATE_KEY below']),
  ];
  return `Its private key is in ${places.join(' and in ')}; APS never shows it again, so keep it safe.`;
}

/**
 * Keeps a key just created: writes its private key to `file`, or hands it back inline when the user asked to see
 * it. A key whose private key cannot be kept is useless and takes one of the account's 3 key slots, so it is
 * deleted again.
 */
export async function keepNewKey(
  admin: AdminClient,
  serviceAccountId: string,
  created: CreatedKey,
  file: PrivateKeyFile | undefined,
  inline: boolean,
): Promise<KeySettings> {
  try {
    await file?.write(created.privateKey);
  } catch (error) {
    const deleted = await deleteNewKey(admin, serviceAccountId, created.kid);
    throw new CliError('ERR_CLI_OUT_FILE', `${(error as Error).message} ${deleted}`);
  }
  return {
    serviceAccountId,
    keyId: created.kid,
    ...(file === undefined ? {} : { privateKeyFile: file.path }),
    ...(inline ? { privateKey: created.privateKey } : {}),
  };
}

/** Deletes a key this command just created, and says how that went. */
export async function deleteNewKey(admin: AdminClient, serviceAccountId: string, kid: string): Promise<string> {
  try {
    await admin.deleteKey(serviceAccountId, kid);
    return `The new key ${kid} was deleted again.`;
  } catch (error) {
    return (
      `Deleting the new key ${kid} failed too (${describeError(error)}); delete it with ` +
      `aps-ssa keys delete ${kid} --account ${serviceAccountId} --yes`
    );
  }
}
