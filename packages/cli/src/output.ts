import { SsaConfigError } from '@aps-ssa/core';
import type { SsaConfigProblem } from '@aps-ssa/core';
import { formatIso } from './human-time.js';
import type { CliIo } from './io.js';

/** Writes the one JSON document of a `--json` run; dates as ISO 8601 UTC without `.000`. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, isoDates, 2)}\n`);
}

function isoDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // The replacer sees a Date already turned into a string by its toJSON; the holder still has the Date.
  const original = this[key];
  return original instanceof Date ? formatIso(original.getTime()) : value;
}

/** Aligned columns, indented by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`).join('\n');
}

/** Writes lines to stdout. */
export function writeLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
}

/** Things that work but look wrong (e.g. from `SsaConfig.warnings`), on stderr so stdout stays clean. */
export function writeWarnings(io: CliIo, command: string, warnings: readonly SsaConfigProblem[]): void {
  for (const warning of warnings) io.stderr.write(`${command}: warning: ${warning.variable} ${warning.message}\n`);
}

// Fields of core's and the CLI's errors that carry facts and, by core's contract, never a secret.
const SAFE_ERROR_FIELDS = ['status', 'error', 'errorDescription', 'title', 'detail', 'requestId', 'retryAfter', 'issues', 'problems'];

/**
 * Reports a failed command: one line on stderr, `<command>: <first line of the message> (<code>)` (a
 * configuration error names each variable on its own line), and with `--json` an `{ "error": … }` document on
 * stdout too.
 */
export function reportFailure(io: CliIo, command: string, error: unknown, json: boolean): void {
  if (error instanceof SsaConfigError && error.problems.length > 0) {
    const [only, ...more] = error.problems;
    if (more.length === 0 && only !== undefined) {
      io.stderr.write(`${command}: ${only.variable} ${only.message} (${error.code})\n`);
    } else {
      const lines = error.problems.map((p) => `  ${p.variable} ${p.message}`);
      io.stderr.write(`${command}: the configuration has ${error.problems.length} problems (${error.code}):\n${lines.join('\n')}\n`);
    }
  } else {
    io.stderr.write(`${command}: ${errorCode(error) === undefined ? 'unexpected error: ' : ''}${describeError(error)}\n`);
  }
  if (json) writeJson(io, { error: errorJson(error) });
}

/** An error in one line: the first line of its message and its code. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  return code === undefined ? firstLine : `${firstLine} (${code})`;
}

/** An error for a JSON document: its code, message and the known fields that carry facts, never secrets. */
export function errorJson(error: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    code: errorCode(error) ?? 'ERR_CLI_UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
  };
  if (typeof error !== 'object' || error === null) return fields;
  for (const name of SAFE_ERROR_FIELDS) {
    const value = (error as Record<string, unknown>)[name];
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
