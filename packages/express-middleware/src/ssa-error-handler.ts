import { tokenFailureResponse } from '@aps-ssa/core';
import type { ErrorRequestHandler } from 'express';

/**
 * The JSON body {@link ssaErrorHandler} answers with. `message` is core's, which never holds a secret.
 *
 * @example
 * ```ts
 * const body: SsaErrorBody = { error: 'ERR_SSA_TOKEN_UNAVAILABLE', message: 'No valid APS access token ...' };
 * ```
 */
export interface SsaErrorBody {
  /** The error's stable code, e.g. `ERR_SSA_TOKEN_UNAVAILABLE`. */
  readonly error: string;
  /** What happened, why, and what to do. */
  readonly message: string;
}

/**
 * An Express error handler for "no APS token can be had": `SsaTokenUnavailableError` becomes
 * **503** with `Retry-After` when retrying may help (APS down, rate limited, unreachable) and **502**
 * otherwise (APS refused the credentials, key or assertion); `SsaClosedError` (shutting down) is a
 * 503. The body is JSON `{ error: code, message }`. Every other error goes on to `next(err)`.
 *
 * @example
 * ```ts
 * app.use(ssaTokenMiddleware());
 * app.get('/me', async (req, res) => res.json(await req.aps.client.get('userprofile/v1/users/@me').json()));
 * app.use(ssaErrorHandler()); // after the routes
 * ```
 */
export function ssaErrorHandler(): ErrorRequestHandler {
  return function ssaErrorResponse(err, _req, res, next) {
    const answer = tokenFailureResponse(err);
    if (answer === undefined || res.headersSent) {
      next(err);
      return;
    }
    if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
    const body: SsaErrorBody = { error: answer.code, message: (err as Error).message };
    res.status(answer.status).json(body);
  };
}
