import { createAssertion, exchangeAssertion } from '@aps-ssa/core';
import type { AdminClient, CreatedKey } from '@aps-ssa/core/admin';
import { environmentFetch } from '@aps-ssa/core/adapter';
import { CliError, UsageError } from '../cli-error.js';
import { ACCOUNT_FLAG, ADMIN_VARIABLES, accountId, adminCall, adminFromEnv, requireVariables } from '../admin-context.js';
import { stringFlag } from '../command.js';
import { GRACE_FLAG, graceFlag } from '../grace.js';
import { formatDuration, formatIso } from '../human-time.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { KeySettings } from '../env-lines.js';
import { describeError, errorJson, reportFailure } from '../output.js';
import { deleteNewKey, keepNewKey, NEW_KEY_FLAGS, newKeyDestination, privateKeyWhereabouts, writeKeySettings } from '../new-key.js';

export const rotateCommand: CommandSpec = {
  name: 'keys rotate',
  summary: 'replace a key: create a new one, prove it works, retire the old one after a grace period',
  description:
    'Replaces the key of a service account (routine rotation, or a lost or compromised key): creates a new key,\n' +
    'proves it by exchanging an assertion signed with it for a token (APS_CLIENT_ID, APS_CLIENT_SECRET,\n' +
    'APS_SCOPES), saves its private key (--out, mode 0600) and prints the new settings like keys create. The old\n' +
    'key (APS_SA_KEY_ID, or --old-key) stays enabled for --grace (default 70m), so that running instances keep\n' +
    'their tokens coming until they pick up the new key; retire it afterwards with aps-ssa keys retire (or run\n' +
    'that on a schedule). --grace 0 disables it at once (a compromised key). Disabled rather than deleted, so it\n' +
    'can be enabled again if something still uses it; delete it later with aps-ssa keys delete.\n' +
    'On any failure the old key stays as it was. If the proof fails, the new key is deleted again (an account\n' +
    'may hold only 3 keys) and nothing is written.',
  flags: {
    account: ACCOUNT_FLAG,
    'old-key': { type: 'string', value: 'KID', description: 'the key to replace (default: APS_SA_KEY_ID)' },
    grace: GRACE_FLAG,
    ...NEW_KEY_FLAGS,
  },
  examples: [
    'aps-ssa keys rotate --env-file .env --out key-2.pem > key.env.new && mv key.env.new key.env',
    'aps-ssa keys rotate --env-file .env --out key-2.pem --grace 0   # compromised: disable the old key now',
    'aps-ssa keys rotate --account 6BNJQT7RR7GTJ5QY --old-key c546e44b-4b98-48cc-a4fa-7a3af5289af5 --out new.pem --json',
  ],
  async run(context) {
    const id = accountId(context);
    const oldKid = stringFlag(context, 'old-key') || context.env.APS_SA_KEY_ID;
    const grace = graceFlag(context);
    if (!oldKid) throw new UsageError('Missing --old-key KID (or set APS_SA_KEY_ID): the key to replace.', context.command);
    const env = requireVariables(context, [...ADMIN_VARIABLES, 'APS_SCOPES']);
    const admin = adminFromEnv(env);

    const oldKey = (await adminCall(context, () => admin.listKeys(id))).find((key) => key.kid === oldKid);
    if (oldKey === undefined) {
      throw new CliError(
        'ERR_CLI_KEY_NOT_FOUND',
        `Key ${oldKid} is not a key of service account ${id}; nothing was changed. List its keys with aps-ssa keys list --account ${id}.`,
      );
    }
    const { file, inline } = await newKeyDestination(context);
    let created: CreatedKey;
    try {
      created = await admin.createKey(id);
    } catch (error) {
      await file?.discard();
      throw error;
    }
    try {
      await prove(context, env, id, created);
    } catch (error) {
      await file?.discard();
      const deleted = await deleteNewKey(admin, id, created.kid);
      throw new CliError(
        'ERR_CLI_ROTATE',
        `The new key ${created.kid} could not get a token: ${describeError(error)} ${deleted} The old key ${oldKid} is untouched (${oldKey.status}).`,
      );
    }
    const settings = await keepNewKey(admin, id, created, file, inline);

    if (grace > 0 || oldKey.status === 'DISABLED') {
      const retireAfter = formatIso(context.io.now() + grace);
      if (!context.json) context.io.stderr.write(`${keptMessage(settings, oldKid, oldKey.status, grace, retireAfter)}\n`);
      writeKeySettings(context, settings, { oldKeyId: oldKid, oldKeyStatus: oldKey.status, ...(oldKey.status === 'DISABLED' ? {} : { retireAfter }) });
      return 0;
    }
    const disabled = await disableOldKey(admin, id, oldKid);
    if (disabled !== undefined) {
      // The new key works and is saved: its settings are handed out with the failure, in the one JSON document.
      const failure = new CliError(
        'ERR_CLI_ROTATE',
        `The new key ${settings.keyId} works and is saved (settings printed), but disabling the old key ${oldKid} failed: ` +
          `${disabled} Disable it with aps-ssa keys disable ${oldKid} --account ${id}`,
      );
      writeKeySettings(context, settings, { oldKeyId: oldKid, oldKeyStatus: oldKey.status, ...(context.json ? { error: errorJson(failure) } : {}) });
      reportFailure(context.io, context.command, failure, false);
      return 1;
    }
    if (!context.json) context.io.stderr.write(`${rotatedMessage(settings, oldKid)}\n`);
    writeKeySettings(context, settings, { oldKeyId: oldKid, oldKeyStatus: 'DISABLED' });
    return 0;
  },
};

/** Exchanges an assertion signed with the new key: the only proof that APS pairs the key id with this private key. */
async function prove(context: CommandContext, env: NodeJS.ProcessEnv, serviceAccountId: string, created: CreatedKey): Promise<void> {
  const clientId = env.APS_CLIENT_ID ?? '';
  const assertion = await createAssertion({
    clientId,
    serviceAccountId,
    keyId: created.kid,
    privateKey: created.privateKey,
    scopes: (env.APS_SCOPES ?? '').split(/[\s,]+/).filter((scope) => scope !== ''),
    now: context.io.now,
  });
  await exchangeAssertion({
    ...(env.APS_BASE_URL ? { baseUrl: env.APS_BASE_URL } : {}),
    clientId,
    clientSecret: env.APS_CLIENT_SECRET ?? '',
    assertion,
    now: context.io.now,
    fetch: environmentFetch(env),
  });
}

/** Disables the old key; `undefined` when done, else why it failed. */
async function disableOldKey(admin: AdminClient, serviceAccountId: string, kid: string): Promise<string | undefined> {
  try {
    await admin.disableKey(serviceAccountId, kid);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

function keptMessage(settings: KeySettings, oldKid: string, oldStatus: string, grace: number, retireAfter: string): string {
  const account = settings.serviceAccountId;
  const old =
    oldStatus === 'DISABLED'
      ? `the old key ${oldKid} was already DISABLED.`
      : `the old key ${oldKid} stays ENABLED for the grace period (${formatDuration(grace / 1000)}, until ${retireAfter}), so that running ` +
        `instances keep getting tokens until they pick up the new key. Then retire it: aps-ssa keys retire ${oldKid} --account ${account} ` +
        `(or run aps-ssa keys retire --account ${account} on a schedule).`;
  return `Rotated: the new key ${settings.keyId} got a token; ${old} ${privateKeyWhereabouts(settings)}`;
}

function rotatedMessage(settings: KeySettings, oldKid: string): string {
  return (
    `Rotated: the new key ${settings.keyId} got a token, and the old key ${oldKid} is DISABLED (delete it once nothing ` +
    `uses it: aps-ssa keys delete ${oldKid} --account ${settings.serviceAccountId} --yes). ${privateKeyWhereabouts(settings)}`
  );
}
