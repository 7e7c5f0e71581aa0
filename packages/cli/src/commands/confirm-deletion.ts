import { UsageError } from '../cli-error.js';
import type { CommandContext, FlagSpec } from '../command.js';

/** The `--yes` flag of the commands that delete for good. */
export const YES_FLAG: FlagSpec = { type: 'boolean', description: 'confirm the deletion' };

/** Refuses to go on without `--yes`: deleting `what` (e.g. "key c546…") cannot be undone. */
export function confirmDeletion(context: CommandContext, what: string): void {
  if (context.flags.yes !== true) throw new UsageError(`Deleting ${what} cannot be undone; add --yes to confirm.`, context.command);
}
