import { SsaAssertionInvalidError, SsaError, SsaTokenEndpointError } from '@aps-ssa/core';
import { describe, expect, it } from 'vitest';
import type { EntryKeys } from './entry-keys.js';
import { MAX_SHARED_RETRY_AFTER, failureBinding, reviveFailure, serializeFailure } from './shared-failure.js';

const FULL = {
  code: 'ERR_SSA_RATE_LIMITED',
  message: 'The token endpoint is rate-limiting this client.',
  retryable: true,
  status: 429,
  error: 'rate_limited',
  errorDescription: 'Too many requests',
  requestId: '3f2b8c1e-5a7d-4e9f-8b6a-0c1d2e3f4a5b',
  retryAfter: 7,
};
const ISSUE = { cause: 'expired', message: 'The assertion expired.' };

/** A record as JSON, with `changes` applied (`undefined` removes a field). */
function record(changes: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...FULL, ...changes });
}

describe('serializeFailure and reviveFailure', () => {
  it('carry every field of a token endpoint error, as the same class', () => {
    const error = new SsaTokenEndpointError('ERR_SSA_RATE_LIMITED', FULL.message, {
      retryable: true,
      status: 429,
      error: 'rate_limited',
      errorDescription: 'Too many requests',
      requestId: FULL.requestId,
      retryAfter: 7,
    });
    const revived = reviveFailure(serializeFailure(error)!);
    expect(revived).toBeInstanceOf(SsaTokenEndpointError);
    expect(revived).not.toBeInstanceOf(SsaAssertionInvalidError);
    const { code, message, retryable, status, error: apsError, errorDescription, requestId, retryAfter } = revived!;
    expect({ code, message, retryable, status, error: apsError, errorDescription, requestId, retryAfter }).toEqual(FULL);
  });

  it('carry an invalid assertion with its issues', () => {
    const error = new SsaAssertionInvalidError('APS rejected the assertion.', { retryable: false, status: 400 }, [ISSUE as never]);
    const revived = reviveFailure(serializeFailure(error)!) as SsaAssertionInvalidError;
    expect(revived).toBeInstanceOf(SsaAssertionInvalidError);
    expect(revived).toMatchObject({ code: 'ERR_SSA_ASSERTION_INVALID', message: 'APS rejected the assertion.', status: 400, retryable: false });
    expect(revived.issues).toEqual([ISSUE]);
    expect(serializeFailure(error)).toBe(JSON.stringify({ code: 'ERR_SSA_ASSERTION_INVALID', message: 'APS rejected the assertion.', retryable: false, status: 400, issues: [ISSUE] }));
  });

  it('serialize only token endpoint errors, and nothing but the listed fields', () => {
    expect(serializeFailure(new Error('boom'))).toBeUndefined();
    expect(serializeFailure(new SsaError('ERR_SSA_CLOSED', 'closed'))).toBeUndefined();
    expect(serializeFailure('ERR_SSA_SERVER')).toBeUndefined();
    const error = Object.assign(new SsaTokenEndpointError('ERR_SSA_SERVER', 'down', { retryable: true }), { secret: 'hunter2' });
    expect(serializeFailure(error)).toBe('{"code":"ERR_SSA_SERVER","message":"down","retryable":true}');
  });

  it('revive an invalid assertion without issues with no issues, and any endpoint code', () => {
    expect((reviveFailure(record({ code: 'ERR_SSA_ASSERTION_INVALID', retryable: false })) as SsaAssertionInvalidError).issues).toEqual([]);
    for (const code of ['ERR_SSA_INVALID_GRANT', 'ERR_SSA_INVALID_CLIENT', 'ERR_SSA_INVALID_REQUEST', 'ERR_SSA_FORBIDDEN', 'ERR_SSA_SERVER', 'ERR_SSA_BAD_RESPONSE', 'ERR_SSA_NETWORK', 'ERR_SSA_TIMEOUT']) {
      expect(reviveFailure(record({ code }))?.code).toBe(code);
    }
    for (const cause of ['scope-not-array', 'kid', 'missing-claim', 'exp-too-far', 'aud', 'alg', 'expired', 'iss', 'malformed']) {
      expect(reviveFailure(record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ cause, message: 'm' }] }))).toBeInstanceOf(SsaAssertionInvalidError);
    }
  });

  it('cap the Retry-After a waiter takes at one failure cool-down (60 s)', () => {
    expect(MAX_SHARED_RETRY_AFTER).toBe(60);
    expect(reviveFailure(record({ retryAfter: 600 }))?.retryAfter).toBe(60);
    expect(reviveFailure(record({ retryAfter: 60 }))?.retryAfter).toBe(60);
    expect(reviveFailure(record({ retryAfter: 0 }))?.retryAfter).toBe(0);
    expect(reviveFailure(record({ retryAfter: undefined }))?.retryAfter).toBeUndefined();
  });

  it.each([
    ['the longest texts', { message: 'm'.repeat(4096), error: 'e'.repeat(4096), errorDescription: 'd'.repeat(4096), requestId: 'r'.repeat(4096) }],
    ['the lowest and highest statuses', { status: 100 }],
    ['status 599', { status: 599 }],
    ['no optional field', { status: undefined, error: undefined, errorDescription: undefined, requestId: undefined, retryAfter: undefined }],
    ['16 issues', { code: 'ERR_SSA_ASSERTION_INVALID', issues: Array(16).fill(ISSUE) }],
  ])('accept a record with %s', (_what, changes) => {
    expect(reviveFailure(record(changes))).toBeInstanceOf(SsaTokenEndpointError);
  });

  it.each([
    ['text that is not JSON', '{"code":'],
    ['JSON null', 'null'],
    ['a JSON array', JSON.stringify([FULL])],
    ['a JSON string', JSON.stringify('ERR_SSA_SERVER')],
    ['an unknown field', record({ cause: 'x' })],
    ['an unknown code', record({ code: 'ERR_SSA_CLOSED' })],
    ['no code', record({ code: undefined })],
    ['no message', record({ message: undefined })],
    ['a message that is not text', record({ message: 42 })],
    ['a message over 4,096 characters', record({ message: 'm'.repeat(4097) })],
    ['a retryable that is not a boolean', record({ retryable: 'true' })],
    ['no retryable', record({ retryable: undefined })],
    ['a status under 100', record({ status: 99 })],
    ['a status over 599', record({ status: 600 })],
    ['a status that is not whole', record({ status: 429.5 })],
    ['a status as text', record({ status: '429' })],
    ['an error that is not text', record({ error: 1 })],
    ['an error over 4,096 characters', record({ error: 'e'.repeat(4097) })],
    ['a description that is not text', record({ errorDescription: {} })],
    ['a description over 4,096 characters', record({ errorDescription: 'd'.repeat(4097) })],
    ['a request id that is not text', record({ requestId: [] })],
    ['a request id over 4,096 characters', record({ requestId: 'r'.repeat(4097) })],
    ['a negative Retry-After', record({ retryAfter: -1 })],
    ['an infinite Retry-After', '{"code":"ERR_SSA_SERVER","message":"m","retryable":true,"retryAfter":1e999}'],
    ['a Retry-After as text', record({ retryAfter: '7' })],
    ['issues that are not an array', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: ISSUE })],
    ['17 issues', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: Array(17).fill(ISSUE) })],
    ['a null issue', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [null] })],
    ['an issue that is text', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: ['expired'] })],
    ['an issue with an unknown cause', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ cause: 'other', message: 'm' }] })],
    ['an issue without a message', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ cause: 'expired' }] })],
    ['an issue with a long message', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ cause: 'expired', message: 'm'.repeat(4097) }] })],
    ['one good issue and one bad', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [ISSUE, { cause: 'other', message: 'm' }] })],
    ['an issue with another field', record({ code: 'ERR_SSA_ASSERTION_INVALID', issues: [{ ...ISSUE, stack: 's' }] })],
    ['issues on another code', record({ issues: [ISSUE] })],
  ])('refuse a record with %s', (_what, text) => {
    expect(reviveFailure(text)).toBeUndefined();
  });
});

describe('failureBinding', () => {
  it('binds a record to its key and to the fence of the holder that failed', () => {
    const keys = { failure: 'aps-ssa:{id}:failure' } as EntryKeys;
    expect(failureBinding(keys, 7)).toBe('aps-ssa:{id}:failure#7');
  });
});
