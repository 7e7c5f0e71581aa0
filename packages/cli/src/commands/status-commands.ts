import type { ArgumentSpec, CommandContext, CommandSpec, FlagSpec } from '../command.js';

/** The two actions of an {@link statusCommands} pair. */
export type StatusAction = 'enable' | 'disable';

/** What differs between the enable/disable pairs of `accounts` and `keys`. */
export interface StatusCommandsSpec {
  /** The command group, e.g. `keys`. */
  readonly group: string;
  /** What is enabled or disabled, e.g. `a key`. */
  readonly what: string;
  /** The description of each action. */
  readonly descriptions: Readonly<Record<StatusAction, string>>;
  readonly arguments: readonly ArgumentSpec[];
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  /** The argument of the example, e.g. a key id. */
  readonly example: string;
  /** Calls APS and prints the outcome. */
  apply(context: CommandContext, action: StatusAction): Promise<void>;
}

/** The `GROUP enable` and `GROUP disable` commands, alike but for their action. */
export function statusCommands(spec: StatusCommandsSpec): [CommandSpec, CommandSpec] {
  const command = (action: StatusAction): CommandSpec => ({
    name: `${spec.group} ${action}`,
    summary: `${action} ${spec.what}`,
    description: spec.descriptions[action],
    arguments: spec.arguments,
    ...(spec.flags === undefined ? {} : { flags: spec.flags }),
    examples: [`aps-ssa ${spec.group} ${action} ${spec.example} --env-file .env`],
    async run(context) {
      await spec.apply(context, action);
      return 0;
    },
  });
  return [command('enable'), command('disable')];
}
