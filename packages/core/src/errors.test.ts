import { describe, expect, it } from 'vitest';
import {
  SSA_ERROR_CODES,
  SSA_TOKEN_ENDPOINT_ERROR_CODES,
  SsaApiError,
  SsaClosedError,
  SsaConfigError,
  SsaOptionError,
  SsaTokenUnavailableError,
} from './errors.js';

describe('SSA_ERROR_CODES', () => {
  it('lists each code once, frozen, every one in the ERR_SSA_ namespace', () => {
    expect(Object.isFrozen(SSA_ERROR_CODES)).toBe(true);
    expect(new Set(SSA_ERROR_CODES).size).toBe(SSA_ERROR_CODES.length);
    for (const code of SSA_ERROR_CODES) expect(code).toMatch(/^ERR_SSA_[A-Z_]+$/);
  });

  it("holds the code of every error class and the token endpoint's codes", () => {
    const thrown = [
      new SsaOptionError('x', 'm'),
      new SsaConfigError([]),
      new SsaTokenUnavailableError('m', true),
      new SsaClosedError(),
      new SsaApiError('m', { status: 500 }),
    ].map((error) => error.code);
    expect(SSA_ERROR_CODES).toEqual(expect.arrayContaining([...thrown, ...SSA_TOKEN_ENDPOINT_ERROR_CODES]));
    expect(Object.isFrozen(SSA_TOKEN_ENDPOINT_ERROR_CODES)).toBe(true);
  });
});
