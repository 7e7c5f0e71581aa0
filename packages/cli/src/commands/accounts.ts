import type { ServiceAccount } from '@aps-ssa/core/admin';
import { UsageError } from '../cli-error.js';
import { adminCall, adminClient } from '../admin-context.js';
import { stringFlag } from '../command.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { envLine } from '../env-lines.js';
import { formatIso, formatWhen, lastUsed } from '../human-time.js';
import { table, writeJson, writeLines } from '../output.js';
import { confirmDeletion, YES_FLAG } from './confirm-deletion.js';
import { statusCommands } from './status-commands.js';

const ID_ARGUMENT = [{ name: 'ID', description: 'the service account id, e.g. 6BNJQT7RR7GTJ5QY' }];
const DEFAULT_LAST_NAME = 'ServiceAccount'; // S1's own example: lastName allows no spaces

const list: CommandSpec = {
  name: 'accounts list',
  summary: "list the app's service accounts",
  description: 'Lists the service accounts of the app whose credentials are APS_CLIENT_ID and APS_CLIENT_SECRET.',
  examples: ['aps-ssa accounts list --env-file .env', 'aps-ssa accounts list --json'],
  async run(context) {
    const accounts = await adminClient(context).listServiceAccounts();
    if (context.json) {
      writeJson(context.io, { serviceAccounts: accounts });
    } else if (accounts.length === 0) {
      writeLines(context.io, ['No service accounts yet. Create one: aps-ssa accounts create --name NAME']);
    } else {
      const now = context.io.now();
      const rows = accounts.map((a) => [a.serviceAccountId, a.status, a.email, formatIso(a.createdAt.getTime()), lastUsed(a.accessedAt, now)]);
      writeLines(context.io, [table([['ID', 'STATUS', 'EMAIL', 'CREATED', 'LAST USED'], ...rows])]);
    }
    return 0;
  },
};

const create: CommandSpec = {
  name: 'accounts create',
  summary: 'create a service account',
  description:
    "Creates a service account of the app (APS allows 10 per app). NAME becomes the local part of the account's\n" +
    'email: 5 to 64 lowercase letters, digits and dashes, starting and ending with a letter or digit, passes every\n' +
    'APS reference (some allow 100 characters, uppercase and underscores). --first-name and --last-name are\n' +
    `display names (5 to 100 characters; they default to NAME and "${DEFAULT_LAST_NAME}"). Prints APS_SA_ID and\n` +
    'APS_SA_EMAIL lines on stdout (append them to an env file with >>) and what to do next on stderr.',
  flags: {
    name: { type: 'string', value: 'NAME', description: 'the account name (required)' },
    'first-name': { type: 'string', value: 'TEXT', description: 'display first name (default: NAME)' },
    'last-name': { type: 'string', value: 'TEXT', description: `display last name (default: "${DEFAULT_LAST_NAME}")` },
  },
  examples: ['aps-ssa accounts create --name report-robot --env-file .env', 'aps-ssa accounts create --name report-robot --env-file .env >> .env'],
  async run(context) {
    const name = stringFlag(context, 'name');
    if (!name) throw new UsageError('Missing --name NAME.', context.command);
    const admin = adminClient(context);
    const input = { name, firstName: stringFlag(context, 'first-name') ?? name, lastName: stringFlag(context, 'last-name') ?? DEFAULT_LAST_NAME };
    const created = await adminCall(context, () => admin.createServiceAccount(input));
    if (context.json) {
      writeJson(context.io, created);
    } else {
      context.io.stderr.write(
        `Created service account ${created.serviceAccountId} (${created.email}). ` +
          `Next, give it a key: aps-ssa keys create --account ${created.serviceAccountId} --out key.pem\n`,
      );
      writeLines(context.io, [envLine('APS_SA_ID', created.serviceAccountId), envLine('APS_SA_EMAIL', created.email)]);
    }
    return 0;
  },
};

const get: CommandSpec = {
  name: 'accounts get',
  summary: "show a service account's details",
  description: 'Shows a service account: its email, status, owner app and dates.',
  arguments: ID_ARGUMENT,
  examples: ['aps-ssa accounts get 6BNJQT7RR7GTJ5QY --env-file .env', 'aps-ssa accounts get "$APS_SA_ID" --json'],
  async run(context) {
    const admin = adminClient(context);
    const account = await adminCall(context, () => admin.getServiceAccount(context.args[0] ?? ''));
    writeAccount(context, account);
    return 0;
  },
};

const [enable, disable] = statusCommands({
  group: 'accounts',
  what: 'a service account',
  descriptions: {
    enable: 'Enables a DISABLED (or DEACTIVATED) service account: its assertions are accepted again.',
    disable: 'Disables a service account: APS refuses its assertions and its keys cannot be managed until it is enabled again.',
  },
  arguments: ID_ARGUMENT,
  example: '6BNJQT7RR7GTJ5QY',
  async apply(context, action) {
    const admin = adminClient(context);
    const id = context.args[0] ?? '';
    writeAccount(context, await adminCall(context, () => (action === 'enable' ? admin.enableServiceAccount(id) : admin.disableServiceAccount(id))));
  },
});

const remove: CommandSpec = {
  name: 'accounts delete',
  summary: 'delete a service account and its keys',
  description: 'Deletes a service account and all its keys, for good. Asks for --yes, since it cannot be undone.',
  arguments: ID_ARGUMENT,
  flags: { yes: YES_FLAG },
  examples: ['aps-ssa accounts delete 6BNJQT7RR7GTJ5QY --yes --env-file .env'],
  async run(context) {
    const id = context.args[0] ?? '';
    confirmDeletion(context, `service account ${id} and its keys`);
    const admin = adminClient(context);
    await adminCall(context, () => admin.deleteServiceAccount(id));
    if (context.json) writeJson(context.io, { deleted: { serviceAccountId: id } });
    else writeLines(context.io, [`Deleted service account ${id} and its keys.`]);
    return 0;
  },
};

function writeAccount(context: CommandContext, account: ServiceAccount): void {
  if (context.json) {
    writeJson(context.io, account);
    return;
  }
  const now = context.io.now();
  writeLines(context.io, [
    table([
      ['serviceAccountId', account.serviceAccountId],
      ['email', account.email],
      ['status', account.status],
      ['createdBy', account.createdBy],
      ['createdAt', formatWhen(account.createdAt, now)],
      ['accessedAt', formatWhen(account.accessedAt, now)],
      ['expiresAt', formatWhen(account.expiresAt, now)],
    ]),
  ]);
}

export const ACCOUNT_COMMANDS: readonly CommandSpec[] = [list, create, get, enable, disable, remove];
