import { ACCOUNT_FLAG, accountId, adminCall, adminClient } from '../admin-context.js';
import type { CommandSpec } from '../command.js';
import { formatIso, lastUsed } from '../human-time.js';
import { keepNewKey, NEW_KEY_FLAGS, newKeyDestination, privateKeyWhereabouts, writeKeySettings } from '../new-key.js';
import { table, writeJson, writeLines } from '../output.js';
import { confirmDeletion, YES_FLAG } from './confirm-deletion.js';
import { statusCommands } from './status-commands.js';

const KID_ARGUMENT = [{ name: 'KID', description: 'the key id, e.g. c546e44b-4b98-48cc-a4fa-7a3af5289af5' }];

const list: CommandSpec = {
  name: 'keys list',
  summary: "list a service account's keys",
  description: "Lists a service account's keys (never their key material: APS keeps only the public half). The key\nnamed by APS_SA_KEY_ID is marked.",
  flags: { account: ACCOUNT_FLAG },
  examples: ['aps-ssa keys list --env-file .env', 'aps-ssa keys list --account 6BNJQT7RR7GTJ5QY --json'],
  async run(context) {
    const id = accountId(context);
    const admin = adminClient(context);
    const keys = await adminCall(context, () => admin.listKeys(id));
    if (context.json) {
      writeJson(context.io, { serviceAccountId: id, keys });
    } else if (keys.length === 0) {
      writeLines(context.io, [`Service account ${id} has no keys. Create one: aps-ssa keys create --account ${id} --out key.pem`]);
    } else {
      const now = context.io.now();
      const rows = keys.map((k) => [
        k.kid,
        k.status,
        formatIso(k.createdAt.getTime()),
        lastUsed(k.accessedAt, now),
        k.kid === context.env.APS_SA_KEY_ID ? '← APS_SA_KEY_ID' : '',
      ]);
      writeLines(context.io, [table([['KID', 'STATUS', 'CREATED', 'LAST USED', ''], ...rows]).replace(/ +$/gm, '')]);
    }
    return 0;
  },
};

const create: CommandSpec = {
  name: 'keys create',
  summary: 'create a key and save its private key (mode 0600)',
  description:
    'Creates a key for a service account (APS allows 3 per account) and writes its private key, which APS returns\n' +
    'only this once, to --out PATH with mode 0600 (the file is checked before the key is created). Never prints\n' +
    'the private key unless --print-private-key is given. Prints the settings that use the key on stdout, as\n' +
    'APS_SA_ID, APS_SA_KEY_ID and APS_SA_PRIVATE_KEY_FILE lines; the empty APS_SA_PRIVATE_KEY line unsets an\n' +
    'inline key that an env file may hold above, so `>> .env` switches that file to the new key.',
  flags: { account: ACCOUNT_FLAG, ...NEW_KEY_FLAGS },
  examples: [
    'aps-ssa keys create --env-file .env --out key.pem >> .env',
    'aps-ssa keys create --account 6BNJQT7RR7GTJ5QY --out ~/.aps/robot.pem',
    'aps-ssa keys create --print-private-key --json',
  ],
  async run(context) {
    const id = accountId(context);
    const admin = adminClient(context);
    const { file, inline } = await newKeyDestination(context);
    let created;
    try {
      created = await adminCall(context, () => admin.createKey(id));
    } catch (error) {
      await file?.discard();
      throw error;
    }
    const settings = await keepNewKey(admin, id, created, file, inline);
    if (!context.json) context.io.stderr.write(`Created key ${settings.keyId} for service account ${id}. ${privateKeyWhereabouts(settings)}\n`);
    writeKeySettings(context, settings, {});
    return 0;
  },
};

const [enable, disable] = statusCommands({
  group: 'keys',
  what: 'a key',
  descriptions: {
    enable: 'Enables a disabled key: assertions signed with it are accepted again.',
    disable: 'Disables a key: APS refuses assertions signed with it until it is enabled again.',
  },
  arguments: KID_ARGUMENT,
  flags: { account: ACCOUNT_FLAG },
  example: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5',
  async apply(context, action) {
    const id = accountId(context);
    const kid = context.args[0] ?? '';
    const admin = adminClient(context);
    await adminCall(context, () => (action === 'enable' ? admin.enableKey(id, kid) : admin.disableKey(id, kid)));
    const status = action === 'enable' ? 'ENABLED' : 'DISABLED';
    if (context.json) writeJson(context.io, { serviceAccountId: id, keyId: kid, status });
    else writeLines(context.io, [`Key ${kid} of service account ${id} is now ${status}.`]);
  },
});

const remove: CommandSpec = {
  name: 'keys delete',
  summary: 'delete a key',
  description: 'Deletes a key for good (it frees one of the account\'s 3 key slots). Asks for --yes, since it cannot be undone.',
  arguments: KID_ARGUMENT,
  flags: { account: ACCOUNT_FLAG, yes: YES_FLAG },
  examples: ['aps-ssa keys delete c546e44b-4b98-48cc-a4fa-7a3af5289af5 --yes --env-file .env'],
  async run(context) {
    const id = accountId(context);
    const kid = context.args[0] ?? '';
    confirmDeletion(context, `key ${kid}`);
    const admin = adminClient(context);
    await adminCall(context, () => admin.deleteKey(id, kid));
    if (context.json) {
      writeJson(context.io, { deleted: { serviceAccountId: id, keyId: kid } });
    } else {
      writeLines(context.io, [`Deleted key ${kid} of service account ${id}.`]);
      if (kid === context.env.APS_SA_KEY_ID) {
        context.io.stderr.write(`${context.command}: warning: APS_SA_KEY_ID still names the deleted key; point it at another key.\n`);
      }
    }
    return 0;
  },
};

export const KEY_COMMANDS: readonly CommandSpec[] = [list, create, enable, disable, remove];
