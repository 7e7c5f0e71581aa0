import { readFileSync } from 'node:fs';
import { UsageError } from './cli-error.js';
import { COMMON_FLAGS, PROGRAM, runCommand } from './command.js';
import type { CommandSpec } from './command.js';
import { ACCOUNT_COMMANDS } from './commands/accounts.js';
import { assertionCommand } from './commands/assertion.js';
import { decodeCommand } from './commands/decode.js';
import { doctorCommand } from './commands/doctor.js';
import { EMULATOR_SUMMARY, runEmulatorCommand } from './commands/emulator.js';
import { KEY_COMMANDS } from './commands/keys.js';
import { retireCommand } from './commands/retire.js';
import { rotateCommand } from './commands/rotate.js';
import { tokenCommand } from './commands/token.js';
import type { CliIo } from './io.js';
import { table } from './output.js';
import { describeArgument, didYouMean } from './suggest.js';

interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly commands: readonly CommandSpec[];
}

const GROUPS: readonly CommandGroup[] = [
  {
    name: 'accounts',
    summary: 'list, create, get, enable, disable and delete service accounts',
    description:
      "Manage the app's service accounts through the APS admin API, with the app's own credentials\n" +
      '(APS_CLIENT_ID, APS_CLIENT_SECRET; a server-to-server app). APS allows 10 service accounts per app.',
    commands: ACCOUNT_COMMANDS,
  },
  {
    name: 'keys',
    summary: 'list, create, enable, disable, delete, rotate and retire service account keys',
    description:
      "Manage a service account's keys through the APS admin API, with the app's own credentials\n" +
      '(APS_CLIENT_ID, APS_CLIENT_SECRET). APS allows 3 keys per account and shows a private key only once.',
    commands: [...KEY_COMMANDS, rotateCommand, retireCommand],
  },
];

const COMMANDS: readonly CommandSpec[] = [assertionCommand, tokenCommand, decodeCommand, doctorCommand];

const TOP_LEVEL_NAMES = ['emulator', ...GROUPS.map((g) => g.name), ...COMMANDS.map((c) => c.name), 'help'];

/** The only words an error message may quote back: the names of the commands and of their flags. */
const VOCABULARY: ReadonlySet<string> = new Set([
  ...TOP_LEVEL_NAMES,
  ...[...COMMANDS, ...GROUPS.flatMap((g) => g.commands)].flatMap((c) => [...c.name.split(' '), ...Object.keys(c.flags ?? {}).map((flag) => `--${flag}`)]),
  ...Object.keys(COMMON_FLAGS).map((flag) => `--${flag}`),
]);

/**
 * Runs the `aps-ssa` command line and resolves to its exit code: 0 on success, 1 on failure (a one-line
 * reason on stderr, and an `{ "error": … }` document on stdout with `--json`), 2 on a usage error.
 *
 * @example
 * ```ts
 * import { main, processIo } from '@aps-ssa/cli';
 *
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.command}: ${error.message} See '${error.command} --help'.\n`);
    return 2;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('Missing command.', PROGRAM);
  if (name === '--help' || name === '-h') return help(io, []);
  if (name === 'help') return help(io, rest);
  if (name === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === 'emulator') return runEmulatorCommand(rest, io);
  const group = GROUPS.find((g) => g.name === name);
  if (group !== undefined) {
    const [sub, ...args] = rest;
    if (sub === '--help' || sub === '-h') return help(io, [name]);
    return runCommand(subcommand(group, sub, 2), args, io);
  }
  return runCommand(topCommand(name, 1), rest, io);
}

/** `position`: where `name` is on the command line (1-based), to name it without showing it. */
function topCommand(name: string, position: number): CommandSpec {
  const command = COMMANDS.find((c) => c.name === name);
  if (command !== undefined) return command;
  if (!VOCABULARY.has(name)) throw new UsageError(`Unknown command: ${describeArgument(position)}.${didYouMean(name, TOP_LEVEL_NAMES)}`, PROGRAM);
  const what = name.startsWith('-') ? `Unknown flag '${name}' (flags go after the command).` : `Unknown command '${name}'.`;
  throw new UsageError(`${what}${didYouMean(name, TOP_LEVEL_NAMES)}`, PROGRAM);
}

function subcommand(group: CommandGroup, name: string | undefined, position: number): CommandSpec {
  const names = group.commands.map((c) => c.name.split(' ')[1] ?? '');
  const where = `${PROGRAM} ${group.name}`;
  if (name === undefined || name.startsWith('-')) throw new UsageError(`Missing command: ${names.join(', ')}.`, where);
  const command = group.commands.find((c) => c.name === `${group.name} ${name}`);
  if (command === undefined) {
    const unknown = VOCABULARY.has(name) ? `Unknown command '${name}'.` : `Unknown command: ${describeArgument(position)}.`;
    throw new UsageError(`${unknown}${didYouMean(name, names)}`, where);
  }
  return command;
}

async function help(io: CliIo, path: readonly string[]): Promise<number> {
  const [name, sub] = path;
  if (name === undefined) {
    io.stdout.write(topHelp());
    return 0;
  }
  const group = GROUPS.find((g) => g.name === name);
  if (group !== undefined && sub === undefined) {
    io.stdout.write(groupHelp(group));
    return 0;
  }
  if (name === 'emulator') return runEmulatorCommand(['--help'], io);
  const command = group === undefined ? topCommand(name, 2) : subcommand(group, sub, 3);
  return runCommand(command, ['--help'], io);
}

function topHelp(): string {
  const rows: [string, string][] = [
    ['emulator', EMULATOR_SUMMARY],
    ...GROUPS.map((g): [string, string] => [`${g.name} <command>`, g.summary]),
    ...COMMANDS.map((c): [string, string] => [c.name, c.summary]),
  ];
  return `Usage: ${PROGRAM} <command> [flags]

Autodesk Platform Services (APS) Secure Service Accounts from the command line: manage service accounts
and keys, sign assertions, get tokens, diagnose a configuration, and run a local emulator.

Commands:
${table(rows)}

Every command takes --help; all but emulator take --env-file PATH (read APS_* variables from a dotenv file)
and --json (one JSON document on stdout). Exit codes: 0 success, 1 failure (reason on stderr), 2 usage error.
Run '${PROGRAM} <command> --help' for a command's flags and examples. Version ${version()}.
`;
}

function groupHelp(group: CommandGroup): string {
  const rows = group.commands.map((c): [string, string] => [c.name.split(' ')[1] ?? '', c.summary]);
  return `Usage: ${PROGRAM} ${group.name} <command> [flags]

${group.description}

Commands:
${table(rows)}

Run '${PROGRAM} ${group.name} <command> --help' for a command's flags and examples.
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
