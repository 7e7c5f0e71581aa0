/** Something text can be written to: `process.stdout`, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/** The environment a command reads its `APS_*` variables from. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Everything the `aps-ssa` commands touch outside their arguments, so that a test (or another tool) can run
 * them in-process with its own streams, environment, working directory and clock.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const code = await main(['decode', jwt], { ...processIo(), stdout: { write: (t) => out.push(t) } });
 * ```
 */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Read by `aps-ssa decode -`. */
  readonly stdin: AsyncIterable<string | Uint8Array>;
  /** The environment before any `--env-file`; never modified. */
  readonly env: Env;
  /** Relative paths (`--env-file`, `--out`) are resolved against it. */
  readonly cwd: string;
  /** The current time in ms since the epoch. */
  readonly now: () => number;
  /** Stops a long-running command (`aps-ssa emulator`). Without it, SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
}

/**
 * The real process: its stdout, stderr, stdin, environment, working directory and clock.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
  };
}
