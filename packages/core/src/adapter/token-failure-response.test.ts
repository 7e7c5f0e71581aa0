import { describe, expect, it } from 'vitest';
import { SsaClosedError, SsaOptionError, SsaTokenEndpointError, SsaTokenUnavailableError } from '../errors.js';
import { DEFAULT_RETRY_AFTER, tokenFailureResponse } from './token-failure-response.js';
import { MAX_RETRY_AFTER } from '../http/retry-after.js';

const endpoint = (retryAfter?: number) =>
  new SsaTokenEndpointError('ERR_SSA_RATE_LIMITED', 'rate limited', { status: 429, retryable: true, ...(retryAfter === undefined ? {} : { retryAfter }) });

describe('tokenFailureResponse', () => {
  it('answers 503 with the provider’s own wait when retrying may help', () => {
    const error = new SsaTokenUnavailableError('down', true, { cause: endpoint(30), retryAfter: 12 });
    expect(tokenFailureResponse(error)).toEqual({
      status: 503,
      retryAfter: 12,
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      message: 'No Autodesk Platform Services access token can be had right now. Try again later.',
    });
  });

  it('falls back to the endpoint’s Retry-After, then to the default, and never says 0', () => {
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true, { cause: endpoint(7.2) }))?.retryAfter).toBe(8);
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true))?.retryAfter).toBe(DEFAULT_RETRY_AFTER);
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true, { retryAfter: 0 }))?.retryAfter).toBe(1);
  });

  it('answers 502 without Retry-After when APS refused the credentials', () => {
    expect(tokenFailureResponse(new SsaTokenUnavailableError('refused', false))).toEqual({
      status: 502,
      retryAfter: undefined,
      code: 'ERR_SSA_TOKEN_UNAVAILABLE',
      message: "Autodesk Platform Services refused this server's service account credentials.",
    });
  });

  it('answers 503 while shutting down, and leaves every other error alone', () => {
    expect(tokenFailureResponse(new SsaClosedError())).toEqual({
      status: 503,
      retryAfter: DEFAULT_RETRY_AFTER,
      code: 'ERR_SSA_CLOSED',
      message: 'The server is shutting down. Try again later.',
    });
    expect(tokenFailureResponse(new SsaOptionError('scopes', 'bad'))).toBeUndefined();
    expect(tokenFailureResponse(new Error('other'))).toBeUndefined();
    expect(tokenFailureResponse(undefined)).toBeUndefined();
  });

  it('gives callers a generic sentence: no id, URL or APS text from the error', () => {
    const aps = new SsaTokenEndpointError('ERR_SSA_INVALID_CLIENT', 'APS refused the client: The client_id specified does not have access to the api product', {
      status: 401,
      error: 'invalid_client',
      errorDescription: 'The client_id specified does not have access to the api product',
      retryable: false,
    });
    const detailed = `No valid APS access token for service account SA1234567890 (client cl13nt1d) at https://aps.example.test: ${aps.message}`;
    for (const error of [new SsaTokenUnavailableError(detailed, false, { cause: aps }), new SsaTokenUnavailableError(detailed, true, { cause: aps })]) {
      const { message } = tokenFailureResponse(error)!;
      for (const detail of ['SA1234567890', 'cl13nt1d', 'https://', 'client_id', 'api product']) expect(message).not.toContain(detail);
    }
  });

  it('keeps Retry-After within MAX_RETRY_AFTER, and a corrupt one at the default', () => {
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true, { retryAfter: 1e9 }))?.retryAfter).toBe(MAX_RETRY_AFTER);
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true, { retryAfter: Number.NaN }))?.retryAfter).toBe(DEFAULT_RETRY_AFTER);
  });
});
