import { failureLog, logTokenFailure, rejectUnknownOptions, requireOptionsObject } from '@aps-ssa/core/adapter';
import type { ErrorRequestHandler } from 'express';

/**
 * The JSON body {@link ssaErrorHandler} answers with: a stable code and a generic sentence. The
 * error's own message (service account and client ids, APS's reason) goes to the log, not to callers.
 *
 * @example
 * ```ts
 * const body: SsaErrorBody = { error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: 'No Autodesk Platform Services access token can be had right now. Try again later.' };
 * ```
 */
export interface SsaErrorBody {
  /** The error's stable code, e.g. `ERR_SSA_TOKEN_UNAVAILABLE`. */
  readonly error: string;
  /** A generic sentence, the same for every cause with this status. */
  readonly message: string;
}

/** Options of {@link ssaErrorHandler}. */
export interface SsaErrorHandlerOptions {
  /**
   * Where the detail goes: `line` is `code: message` (what happened, why, what to fix; never a
   * secret), `error` the error itself.
   *
   * @default `(line) => console.error(line)`
   */
  log?: (line: string, error: Error) => void;
}

const WHERE = 'ssaErrorHandler()';

/**
 * An Express error handler for "no APS token can be had": `SsaTokenUnavailableError` becomes
 * **503** with `Retry-After` when retrying may help (APS down, rate limited, unreachable) and **502**
 * otherwise (APS refused the credentials, key or assertion); `SsaClosedError` (shutting down) is a
 * 503. The body is JSON `{ error: code, message }` with a generic message, as callers may be
 * anonymous; the error's own message is logged. Every other error goes on to `next(err)`.
 *
 * @throws {SsaOptionError} for an unknown option or a `log` that is not a function.
 *
 * @example
 * ```ts
 * app.use(ssaTokenMiddleware());
 * app.get('/me', async (req, res) => res.json(await req.aps.client.get('userprofile/v1/users/@me').json()));
 * app.use(ssaErrorHandler({ log: (line) => logger.warn(line) })); // after the routes
 * ```
 */
export function ssaErrorHandler(options: SsaErrorHandlerOptions = {}): ErrorRequestHandler {
  requireOptionsObject(options as unknown, WHERE);
  rejectUnknownOptions(options, ['log'], WHERE);
  const log = failureLog(options.log);
  return function ssaErrorResponse(err, _req, res, next) {
    const answer = res.headersSent ? undefined : logTokenFailure(err, log);
    if (answer === undefined) {
      next(err);
      return;
    }
    if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
    const body: SsaErrorBody = { error: answer.code, message: answer.message };
    res.status(answer.status).json(body);
  };
}
