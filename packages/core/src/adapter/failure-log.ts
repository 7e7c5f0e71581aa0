import { SsaOptionError } from '../errors.js';
import { describeType } from '../options.js';
import { tokenFailureResponse } from './token-failure-response.js';
import type { TokenFailureResponse } from './token-failure-response.js';

/**
 * Where an adapter sends the reason no token could be had: `line` is `code: message` (what happened, why, what to
 * fix; never a secret), `error` the error itself. Callers get only a generic answer.
 *
 * @example
 * ```ts
 * const log: FailureLog = (line) => logger.warn(line);
 * ```
 */
export type FailureLog = (line: string, error: Error) => void;

/**
 * An adapter's `log` option, checked once: the default writes to `console.error`.
 *
 * @throws {SsaOptionError} when `log` is given and is not a function.
 *
 * @example
 * ```ts
 * const { log: given, ...source } = options;
 * const log = failureLog(given);
 * ```
 */
export function failureLog(log: unknown): FailureLog {
  if (log === undefined) return logToConsole;
  if (typeof log !== 'function') throw new SsaOptionError('log', `\`log\` must be a function, got ${describeType(log)}.`);
  return log as FailureLog;
}

/**
 * {@link tokenFailureResponse} of `error`, after logging its own message to `log` (a failing logger is ignored, so
 * that it cannot turn the answer into a 500); `undefined`, with nothing logged, for an error that is not about the
 * token. What every adapter does before it answers.
 *
 * @example
 * ```ts
 * const answer = logTokenFailure(error, log);
 * if (answer === undefined) throw error;
 * reply.code(answer.status).send({ error: answer.code, message: answer.message });
 * ```
 */
export function logTokenFailure(error: unknown, log: FailureLog): TokenFailureResponse | undefined {
  const answer = tokenFailureResponse(error);
  if (answer === undefined) return undefined;
  try {
    log(`${answer.code}: ${(error as Error).message}`, error as Error);
  } catch {
    // A failing logger must not turn this answer into a 500.
  }
  return answer;
}

function logToConsole(line: string): void {
  console.error(line);
}
