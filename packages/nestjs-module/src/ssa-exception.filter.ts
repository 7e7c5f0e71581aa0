import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SsaClosedError, SsaTokenUnavailableError, type TokenFailureResponse, tokenFailureResponse } from '@aps-ssa/core';

/**
 * The JSON body {@link SsaExceptionFilter} answers with: Nest's usual error shape plus the stable
 * `code`, and core's generic sentence as `message`. The detailed reason is logged rather than sent,
 * since it describes the server's own configuration (client and service account ids, which variable
 * to fix) and quotes APS.
 */
export interface SsaErrorResponseBody {
  readonly statusCode: 502 | 503;
  readonly error: 'Bad Gateway' | 'Service Unavailable';
  readonly code: 'ERR_SSA_TOKEN_UNAVAILABLE' | 'ERR_SSA_CLOSED';
  readonly message: string;
}

/**
 * Answers an HTTP request that failed for want of an APS token, and logs why (as a warning):
 *
 * - `SsaTokenUnavailableError` that retrying may cure (APS down, unreachable, rate limiting) and
 *   `SsaClosedError` (shutting down): **503**, with `Retry-After` (when the provider allows its next
 *   exchange, as core's `tokenFailureResponse()` says);
 * - `SsaTokenUnavailableError` that it cannot (APS refused the credentials, key or assertion): **502**.
 *
 * The body is an {@link SsaErrorResponseBody}. Works on any HTTP platform (Express, Fastify).
 *
 * @example
 * ```ts
 * import { APP_FILTER } from '@nestjs/core';
 *
 * @Module({
 *   imports: [SsaModule.forRoot({})],
 *   providers: [{ provide: APP_FILTER, useClass: SsaExceptionFilter }],
 * })
 * export class AppModule {}
 * ```
 */
@Catch(SsaTokenUnavailableError, SsaClosedError)
export class SsaExceptionFilter implements ExceptionFilter<SsaTokenUnavailableError | SsaClosedError> {
  readonly #logger = new Logger('SsaExceptionFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: SsaTokenUnavailableError | SsaClosedError, host: ArgumentsHost): void {
    this.#logger.warn(`${error.code}: ${error.message}`);
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const answer = tokenFailureResponse(error)!;
    if (answer.retryAfter !== undefined) httpAdapter.setHeader(response, 'Retry-After', String(answer.retryAfter));
    httpAdapter.reply(response, responseBody(answer), answer.status);
  }
}

function responseBody(answer: TokenFailureResponse): SsaErrorResponseBody {
  const { code, message } = answer;
  return answer.status === 503 ? { statusCode: 503, error: 'Service Unavailable', code, message } : { statusCode: 502, error: 'Bad Gateway', code, message };
}
