import { lstat, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomically } from '../lib/atomic-file.js';
import { startEmulator, type Emulator } from '../emulator.js';
import { formatEnvFile } from './env-file.js';
import type { EmulatorOptions } from '../options.js';
import { startInterceptProxy, type InterceptProxy } from '../intercept/intercept-proxy.js';

/**
 * Where `runEmulatorCli` writes and what stops it.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const exitCode = runEmulatorCli(['--port', '0'], { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
 * ```
 */
export interface EmulatorCliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Stops the emulator when aborted. Without it, SIGINT and SIGTERM of this process do. */
  readonly signal?: AbortSignal;
  /** The command name shown in messages. @default 'aps-emulator' */
  readonly programName?: string;
  /** Called once the emulator listens (e.g. to use it in-process). */
  readonly onListening?: (emulator: Emulator) => void;
}

const usage = (program: string) => `Usage: ${program} [--port N] [--write-env PATH] [--state PATH] [--host H] [--rate-limit N] [--token-lifetime S]
       [--console] [--console-allow-remote] [--lenient] [--intercept]

Runs a local APS authentication emulator in the foreground until SIGINT/SIGTERM.

  --port N             TCP port (0 picks a free one; default 0)
  --write-env PATH     write the seeded APS_* variables (app, service account, key) to PATH, mode 0600;
                       an existing file is replaced only if the emulator wrote it (it may hold real ones).
                       (--env-file is not a flag of this command: Node.js and aps-ssa read env files with it)
  --state PATH         keep the apps, service accounts, keys and the seed in PATH (JSON, mode 0600) across
                       restarts; it holds throwaway secrets of this emulator only
  --host H             interface to listen on (default 127.0.0.1)
  --rate-limit N       jwt-bearer and SSA admin requests per minute per client (default 10; 0 = off)
  --token-lifetime S   expires_in of issued tokens, in seconds (default 3599)
  --console            serve the developer console at /_emulator/console (request log with the verdict of
                       every assertion rule, tokens, state, fault and clock controls), to loopback only
  --console-allow-remote
                       serve the console and the /_emulator/ control surface to other machines and host
                       names too (by default both answer loopback clients under loopback names only)
  --lenient            where APS's references disagree, accept what any of them allows (service-account
                       names of 5-100 letters of either case, digits, dashes and _; introspect at 500/min)
                       instead of the strictest reading
  --intercept          also start the intercept proxy: an app run with
                       APS_EMULATOR_PROXY=<printed URL> node --import @aps-ssa/emulator/register app.js
                       reaches this emulator when it calls https://developer.api.autodesk.com, unchanged
  -h, --help           show this help
`;

class UsageError extends Error {}

/** parseArgs' messages are long and unpunctuated; say the same in one short sentence. */
function usageMessage(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      // One meaning per flag: --env-file *reads* a file for Node.js and aps-ssa; this command *writes* one.
      if (quoted === '--env-file') return "Unknown flag '--env-file': to write the seeded variables to a file, use --write-env PATH.";
      // Never echoed: an unknown argument may be a secret pasted one place off.
      return 'Unknown flag (not shown: it may be a secret).';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `Flag '${quoted.split(' ')[0]}' needs a value.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'Unexpected argument (not shown: it may be a secret).';
    default:
      return error.message.split('\n')[0]!;
  }
}

function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} expects a non-negative integer, got '${value}'.`);
  return Number(value);
}

function parse(argv: readonly string[]): { help: true } | { help: false; envFile?: string; intercept: boolean; options: EmulatorOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'write-env': { type: 'string' },
        state: { type: 'string' },
        host: { type: 'string' },
        'rate-limit': { type: 'string' },
        'token-lifetime': { type: 'string' },
        console: { type: 'boolean' },
        'console-allow-remote': { type: 'boolean' },
        lenient: { type: 'boolean' },
        intercept: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(usageMessage(error as Error & { code?: string }));
  }
  if (values.help) return { help: true };
  const port = integerFlag('--port', values.port);
  const rateLimit = integerFlag('--rate-limit', values['rate-limit']);
  const tokenLifetime = integerFlag('--token-lifetime', values['token-lifetime']);
  const envFile = values['write-env'];
  if (envFile === '') throw new UsageError('--write-env expects a path.');
  if (values.state === '') throw new UsageError('--state expects a path.');
  return {
    help: false,
    intercept: values.intercept === true,
    ...(envFile === undefined ? {} : { envFile }),
    options: {
      ...(port === undefined ? {} : { port }),
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values.state === undefined ? {} : { statePath: values.state }),
      ...(rateLimit === undefined ? {} : { rateLimit }),
      ...(tokenLifetime === undefined ? {} : { tokenLifetime }),
      ...(values.console ? { console: true } : {}),
      ...(values['console-allow-remote'] ? { consoleAllowRemote: true } : {}),
      ...(values.lenient ? { strict: false } : {}),
    },
  };
}

const ENV_FILE_MARK = 'throwaway credentials, valid only against this emulator';

/**
 * Refuses to replace an env file the emulator did not write: it may hold a user's real credentials. A symlink, or
 * anything but a regular file, is not one the emulator wrote (it writes regular files only), so it is refused
 * without reading through it.
 */
async function assertReplaceable(path: string): Promise<void> {
  let text: string;
  try {
    const stats = await lstat(path);
    if (!stats.isFile()) {
      throw new Error(`${path} exists and is ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; the emulator writes env files only as regular files of its own. Remove it or choose another path.`);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text.trim() !== '' && !text.split('\n', 1)[0]!.includes(ENV_FILE_MARK)) {
    throw new Error(`${path} exists and was not written by the emulator; it may hold real credentials. Remove it or choose another path.`);
  }
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal) {
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The `aps-emulator` command, reusable by other CLIs (`aps-ssa emulator`). Resolves to the exit code: 0 after a
 * clean stop or `--help`, 2 for bad flags, 1 when the emulator cannot start.
 *
 * @example
 * ```ts
 * process.exitCode = await runEmulatorCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runEmulatorCli(argv: readonly string[], io: EmulatorCliIo): Promise<number> {
  const program = io.programName ?? 'aps-emulator';
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${program}: ${error.message} Run '${program} --help' for usage.\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(usage(program));
    return 0;
  }
  let emulator: Emulator;
  let proxy: InterceptProxy | undefined;
  try {
    if (parsed.envFile !== undefined) await assertReplaceable(parsed.envFile);
    emulator = await startEmulator(parsed.options);
  } catch (error) {
    const message = (error as Error).message;
    io.stderr.write(`${program}: cannot start the emulator: ${message}\n`);
    return (error as { code?: string }).code === 'ERR_EMULATOR_OPTION' ? 2 : 1;
  }
  try {
    if (parsed.envFile !== undefined) {
      const comment = `Written by ${program} for ${emulator.url}: ${ENV_FILE_MARK}.`;
      await writeFileAtomically(parsed.envFile, formatEnvFile(emulator.seed.env, comment));
    }
    io.stdout.write(`${program} listening on ${emulator.url}\n`);
    io.stdout.write(
      `client ${emulator.seed.clientId}, service account ${emulator.seed.serviceAccountId}, key ${emulator.seed.keyId}\n`,
    );
    if (parsed.envFile !== undefined) io.stdout.write(`APS_* variables written to ${parsed.envFile}\n`);
    if (emulator.consoleUrl !== undefined) io.stdout.write(`console: ${emulator.consoleUrl}\n`);
    if (parsed.options.statePath !== undefined) io.stdout.write(`state kept in ${parsed.options.statePath}\n`);
    if (parsed.intercept) {
      proxy = await startInterceptProxy({ target: emulator.url, log: (line) => io.stdout.write(`${line}\n`) });
      io.stdout.write(`intercept proxy on ${proxy.url} for ${proxy.hosts.join(', ')}; run an app against this emulator, unchanged, with:\n`);
      io.stdout.write(`  APS_EMULATOR_PROXY=${proxy.url} node --import @aps-ssa/emulator/register app.js\n`);
    }
    const stopped = untilStopped(io.signal);
    io.onListening?.(emulator);
    await stopped;
    return 0;
  } catch (error) {
    io.stderr.write(`${program}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await proxy?.close();
    await emulator.close();
  }
}
