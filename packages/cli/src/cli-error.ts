/** Codes of failures that belong to the command line itself (core's `SsaError`s keep their own codes). */
export type CliErrorCode =
  | 'ERR_CLI_ENV_FILE'
  | 'ERR_CLI_OUT_FILE'
  | 'ERR_CLI_NOT_A_JWT'
  | 'ERR_CLI_STDIN'
  | 'ERR_CLI_KEY_NOT_FOUND'
  | 'ERR_CLI_ROTATE'
  | 'ERR_CLI_SIGNER'
  | 'ERR_CLI_GRACE';

/** A command failed (exit code 1). The message says what happened and what to do; it never holds a secret. */
export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'CliError';
  }
}

/** The command line itself is wrong: an unknown command or flag, a missing argument (exit code 2). */
export class UsageError extends Error {
  /** The command whose `--help` to point at, e.g. `aps-ssa keys create`. */
  readonly command: string;

  constructor(message: string, command: string) {
    super(message);
    this.command = command;
    this.name = 'UsageError';
  }
}
