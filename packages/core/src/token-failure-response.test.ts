import { describe, expect, it } from 'vitest';
import { SsaClosedError, SsaOptionError, SsaTokenEndpointError, SsaTokenUnavailableError } from './errors.js';
import { DEFAULT_RETRY_AFTER, tokenFailureResponse } from './token-failure-response.js';

const endpoint = (retryAfter?: number) =>
  new SsaTokenEndpointError('ERR_SSA_RATE_LIMITED', 'rate limited', { status: 429, retryable: true, ...(retryAfter === undefined ? {} : { retryAfter }) });

describe('tokenFailureResponse', () => {
  it('answers 503 with the provider’s own wait when retrying may help', () => {
    const error = new SsaTokenUnavailableError('down', true, { cause: endpoint(30), retryAfter: 12 });
    expect(tokenFailureResponse(error)).toEqual({ status: 503, retryAfter: 12, code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
  });

  it('falls back to the endpoint’s Retry-After, then to the default, and never says 0', () => {
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true, { cause: endpoint(7.2) }))?.retryAfter).toBe(8);
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true))?.retryAfter).toBe(DEFAULT_RETRY_AFTER);
    expect(tokenFailureResponse(new SsaTokenUnavailableError('down', true, { retryAfter: 0 }))?.retryAfter).toBe(1);
  });

  it('answers 502 without Retry-After when APS refused the credentials', () => {
    expect(tokenFailureResponse(new SsaTokenUnavailableError('refused', false))).toEqual({ status: 502, retryAfter: undefined, code: 'ERR_SSA_TOKEN_UNAVAILABLE' });
  });

  it('answers 503 while shutting down, and leaves every other error alone', () => {
    expect(tokenFailureResponse(new SsaClosedError())).toEqual({ status: 503, retryAfter: DEFAULT_RETRY_AFTER, code: 'ERR_SSA_CLOSED' });
    expect(tokenFailureResponse(new SsaOptionError('scopes', 'bad'))).toBeUndefined();
    expect(tokenFailureResponse(new Error('other'))).toBeUndefined();
    expect(tokenFailureResponse(undefined)).toBeUndefined();
  });
});
