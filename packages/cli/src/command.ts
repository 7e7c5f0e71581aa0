import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';
import { loadEnv } from './env-file.js';
import type { CliIo, Env } from './io.js';
import { reportFailure, table } from './output.js';
import { closest, describeArgument } from './suggest.js';

/** A flag of a command, as `node:util` `parseArgs` takes it, plus its help. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in the help, e.g. `PATH`. */
  readonly value?: string;
  readonly description: string;
}

/** A positional argument of a command. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

/** What a command gets when it runs. */
export interface CommandContext {
  readonly io: CliIo;
  /** The environment after `--env-file` (inherited environment overlaid with the files). */
  readonly env: Env;
  /** `--json`: one JSON document on stdout. */
  readonly json: boolean;
  /** The full command name for messages, e.g. `aps-ssa keys create`. */
  readonly command: string;
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly args: readonly string[];
}

/** One `aps-ssa` command (or subcommand): its flags, its help and what it does. Resolves to the exit code. */
export interface CommandSpec {
  /** As typed after `aps-ssa`, e.g. `keys create`. */
  readonly name: string;
  /** One line, for the command lists. */
  readonly summary: string;
  readonly description: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly flags?: Readonly<Record<string, FlagSpec>>;
  readonly examples: readonly string[];
  run(context: CommandContext): Promise<number>;
}

export const PROGRAM = 'aps-ssa';

export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  'env-file': {
    type: 'string',
    multiple: true,
    value: 'PATH',
    description: 'read APS_* variables from a dotenv file (repeatable; file values win over the environment)',
  },
  json: { type: 'boolean', description: 'machine-readable output: one JSON document on stdout' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** Parses the command's arguments, loads `--env-file`s and runs it; `--help` prints the help instead. */
export async function runCommand(spec: CommandSpec, argv: readonly string[], io: CliIo): Promise<number> {
  const command = `${PROGRAM} ${spec.name}`;
  // Arguments are numbered on the whole command line: `aps-ssa` is #0, then the command's words.
  const offset = spec.name.split(' ').length;
  const flags = { ...spec.flags, ...COMMON_FLAGS };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      tokens: true,
      options: Object.fromEntries(
        Object.entries(flags).map(([name, flag]) => [
          name,
          { type: flag.type, ...(flag.short === undefined ? {} : { short: flag.short }), ...(flag.multiple ? { multiple: true } : {}) },
        ]),
      ),
    });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error as Error & { code?: string }, Object.keys(flags), argv, offset), command);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) {
    io.stdout.write(commandHelp(spec));
    return 0;
  }
  const expected = spec.arguments ?? [];
  const { positionals } = parsed;
  const missing = expected.slice(positionals.length).find((argument) => argument.optional !== true);
  if (missing !== undefined) throw new UsageError(`Missing argument ${missing.name}.`, command);
  if (positionals.length > expected.length) {
    const unexpected = parsed.tokens.filter((token) => token.kind === 'positional')[expected.length]!;
    throw new UsageError(`Unexpected ${describeArgument(offset + unexpected.index + 1)}.`, command);
  }
  const json = values.json === true;
  try {
    const env = await loadEnv(io.env, (values['env-file'] as string[] | undefined) ?? [], io.cwd);
    return await spec.run({ io, env, json, command, flags: values, args: positionals });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    reportFailure(io, command, error, json);
    return 1;
  }
}

/** The `--help` text of a command. */
function commandHelp(spec: CommandSpec): string {
  const args = (spec.arguments ?? []).map((a) => (a.optional ? ` [${a.name}]` : ` ${a.name}`)).join('');
  const flags = Object.entries({ ...spec.flags, ...COMMON_FLAGS }).map(([name, flag]) => {
    const short = flag.short === undefined ? '    ' : `-${flag.short}, `;
    return [`${short}--${name}${flag.value === undefined ? '' : ` ${flag.value}`}`, flag.description] as const;
  });
  const sections = [
    `Usage: ${PROGRAM} ${spec.name}${args} [flags]`,
    spec.description,
    ...(spec.arguments?.length ? [`Arguments:\n${table(spec.arguments.map((a) => [a.name, a.description]))}`] : []),
    `Flags:\n${table(flags)}`,
    `Examples:\n${spec.examples.map((example) => `  ${example}`).join('\n')}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

/**
 * parseArgs' messages are long; say the same in one short sentence, with a suggestion for a typo. They quote
 * the argument, which is never shown: an unknown flag is no word of this command's (see `describeArgument`).
 */
function parseErrorMessage(error: Error & { code?: string }, known: readonly string[], argv: readonly string[], offset: number): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const suggestion = closest(quoted.replace(/^-+/, ''), known);
      return `Unknown flag: ${describeArgument(offset + position(argv, quoted))}.${suggestion === undefined ? '' : ` Did you mean '--${suggestion}'?`}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = quoted.split(' ')[0];
      return /does not take/.test(error.message) ? `Flag '${flag}' does not take a value.` : `Flag '${flag}' needs a value.`;
    }
    default:
      // Not expected with these settings; its text may quote any argument.
      return 'Invalid arguments.';
  }
}

/** The 1-based position of the argument parseArgs quoted: `--name` of `--name=value`, or `-x` of `-xyz`. */
function position(argv: readonly string[], quoted: string): number {
  const short = /^-[^-]/.test(quoted);
  const matches = (argument: string): boolean =>
    argument === quoted || argument.startsWith(`${quoted}=`) || (short && /^-[^-]/.test(argument) && argument.includes(quoted.slice(1)));
  return argv.findIndex(matches) + 1;
}

/** A string flag's value, or `undefined`. */
export function stringFlag(context: CommandContext, name: string): string | undefined {
  const value = context.flags[name];
  return typeof value === 'string' ? value : undefined;
}
