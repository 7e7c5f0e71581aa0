import { type AssertionIssue, SsaAssertionInvalidError, SsaTokenEndpointError, type SsaTokenEndpointErrorCode } from '@aps-ssa/core';

// A failed exchange reaches the instances that waited for it as data, not as an Error object: only
// fields that core keeps secret-free (code, message, status, APS's error, request id, Retry-After)
// cross Redis, and the waiters rebuild an error of the same class, so that their providers back off
// exactly as the holder's does (a 429's Retry-After, an invalid client's cool-down).
interface FailureRecord {
  readonly code: SsaTokenEndpointErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly error?: string;
  readonly errorDescription?: string;
  readonly requestId?: string;
  readonly retryAfter?: number;
  readonly issues?: readonly AssertionIssue[];
}

/**
 * The token endpoint's answer, to hand to the waiters; `undefined` for any other failure (the
 * holder's provider was closed, an unexpected bug): those are the holder's own, and a waiter should
 * rather take over the refresh.
 */
export function serializeFailure(error: unknown): string | undefined {
  if (!(error instanceof SsaTokenEndpointError)) return undefined;
  const record: FailureRecord = {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    status: error.status,
    error: error.error,
    errorDescription: error.errorDescription,
    requestId: error.requestId,
    retryAfter: error.retryAfter,
    issues: error instanceof SsaAssertionInvalidError ? error.issues : undefined,
  };
  return JSON.stringify(record);
}

/** The error a waiter throws; `undefined` when the record is unreadable (the waiter then takes over). */
export function reviveFailure(text: string): SsaTokenEndpointError | undefined {
  let record: Partial<FailureRecord>;
  try {
    record = JSON.parse(text) as Partial<FailureRecord>;
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || typeof record.message !== 'string' || !isEndpointCode(record.code)) return undefined;
  const details = {
    retryable: record.retryable === true,
    status: record.status,
    error: record.error,
    errorDescription: record.errorDescription,
    requestId: record.requestId,
    retryAfter: record.retryAfter,
  };
  if (record.code === 'ERR_SSA_ASSERTION_INVALID') {
    return new SsaAssertionInvalidError(record.message, details, Array.isArray(record.issues) ? record.issues : []);
  }
  return new SsaTokenEndpointError(record.code, record.message, details);
}

const ENDPOINT_CODES: readonly SsaTokenEndpointErrorCode[] = [
  'ERR_SSA_ASSERTION_INVALID',
  'ERR_SSA_INVALID_GRANT',
  'ERR_SSA_INVALID_CLIENT',
  'ERR_SSA_INVALID_REQUEST',
  'ERR_SSA_FORBIDDEN',
  'ERR_SSA_RATE_LIMITED',
  'ERR_SSA_SERVER',
  'ERR_SSA_BAD_RESPONSE',
  'ERR_SSA_NETWORK',
  'ERR_SSA_TIMEOUT',
];

function isEndpointCode(code: unknown): code is SsaTokenEndpointErrorCode {
  return ENDPOINT_CODES.includes(code as SsaTokenEndpointErrorCode);
}
