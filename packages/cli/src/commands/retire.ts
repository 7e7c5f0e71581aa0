import { ACCOUNT_FLAG, accountId, adminCall, adminClient } from '../admin-context.js';
import { CliError } from '../cli-error.js';
import type { CommandSpec } from '../command.js';
import { GRACE_FLAG, graceFlag } from '../grace.js';
import { formatDuration, formatIso } from '../human-time.js';
import { keyRetirement } from '../key-retirement.js';
import { writeJson, writeLines } from '../output.js';

export const retireCommand: CommandSpec = {
  name: 'keys retire',
  summary: 'disable keys replaced more than a grace period ago (after keys rotate)',
  description:
    'Disables the keys a newer key replaced, once the grace period has passed since the newer key was created\n' +
    '(--grace, default 70m, as for keys rotate): by then every running instance that picks up keys signs with the\n' +
    'new one. With KID, retires that key, and fails if its grace period is still running; without, retires every\n' +
    'enabled key older than the newest enabled key whose grace has passed, and reports the others: safe to run on\n' +
    'a schedule (cron, a CI job) after each rotation. The newest enabled key is never retired.',
  arguments: [{ name: 'KID', description: 'the key to retire (default: every replaced key past its grace)', optional: true }],
  flags: { account: ACCOUNT_FLAG, grace: GRACE_FLAG },
  examples: [
    'aps-ssa keys retire c546e44b-4b98-48cc-a4fa-7a3af5289af5 --env-file .env',
    'aps-ssa keys retire --account 6BNJQT7RR7GTJ5QY --json   # a scheduled step',
  ],
  async run(context) {
    const id = accountId(context);
    const kid = context.args[0];
    const grace = graceFlag(context);
    const admin = adminClient(context);
    const keys = await adminCall(context, () => admin.listKeys(id));
    const { current: newest, replaced: older, retireAfter } = keyRetirement(keys, grace);
    const named = kid === undefined ? undefined : keys.find((key) => key.kid === kid);
    if (kid !== undefined && named === undefined) {
      throw new CliError('ERR_CLI_KEY_NOT_FOUND', `Key ${kid} is not a key of service account ${id}. List its keys with aps-ssa keys list --account ${id}.`);
    }
    if (named !== undefined && named === newest) {
      throw new CliError('ERR_CLI_GRACE', `Key ${kid} is the newest enabled key of service account ${id}: no key replaces it, so it is not retired.`);
    }
    if (named?.status === 'ENABLED' && !older.includes(named)) {
      throw new CliError(
        'ERR_CLI_GRACE',
        `Key ${kid} was created in the same second as ${newest!.kid}, the newest enabled key of service account ${id}: APS's times cannot tell ` +
          `which replaced the other, so it is not retired. If you are sure it is no longer used, aps-ssa keys disable ${kid}.`,
      );
    }
    const replaced = named !== undefined ? older.filter((key) => key === named) : older;
    const now = context.io.now();
    if (named !== undefined && replaced.length > 0 && now < retireAfter) {
      throw new CliError(
        'ERR_CLI_GRACE',
        `Key ${kid} is still in its grace period until ${formatIso(retireAfter)} (${formatDuration((retireAfter - now) / 1000)} left): ` +
          'running instances may still sign with it. Retire it then, or pass --grace 0 to retire it now.',
      );
    }
    const due = now >= retireAfter ? replaced : [];
    for (const key of due) await adminCall(context, () => admin.disableKey(id, key.kid));
    const waiting = replaced.filter((key) => !due.includes(key)).map((key) => ({ keyId: key.kid, retireAfter: formatIso(retireAfter) }));
    if (context.json) {
      writeJson(context.io, { serviceAccountId: id, retired: due.map((key) => key.kid), waiting, ...(newest === undefined ? {} : { current: newest.kid }) });
    } else {
      writeLines(context.io, [
        ...due.map((key) => `Key ${key.kid} of service account ${id} is now DISABLED (replaced by ${newest!.kid}).`),
        ...waiting.map((key) => `Key ${key.keyId} stays ENABLED until ${key.retireAfter} (its grace period).`),
        ...(due.length === 0 && waiting.length === 0 ? [`No key of service account ${id} is waiting to be retired.`] : []),
      ]);
    }
    return 0;
  },
};
