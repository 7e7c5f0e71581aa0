import {
  type AssertionIssue,
  type AssertionIssueCause,
  SSA_TOKEN_ENDPOINT_ERROR_CODES,
  SsaAssertionInvalidError,
  SsaTokenEndpointError,
  type SsaTokenEndpointErrorCode,
} from '@aps-ssa/core';
import { FAILURE_COOL_DOWN, MAX_RETRY_AFTER } from '@aps-ssa/core/adapter';
import type { EntryKeys } from './entry-keys.js';

// A failed exchange reaches the instances that waited for it as data, not as an Error object: only
// fields that core keeps secret-free (code, message, status, APS's error, request id, Retry-After)
// cross Redis, and the waiters rebuild an error of the same class, so that their providers back off
// exactly as the holder's does (a 429's Retry-After, an invalid client's cool-down).
//
// The record is sealed like a token (see `failureBinding`) and every field is checked on the way
// back: whoever can write to Redis without the secret must not be able to make a waiter refuse
// tokens, let alone for longer than one failure cool-down.
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
 * The longest Retry-After a waiter takes from a shared failure, in seconds: one failure cool-down
 * (the pause a provider keeps after a failure retrying cannot fix), never more than core's `MAX_RETRY_AFTER`. A
 * longer wait named by APS is met by the next holder's own exchange.
 */
export const MAX_SHARED_RETRY_AFTER = Math.min(FAILURE_COOL_DOWN / 1000, MAX_RETRY_AFTER);

// Generous bounds for core's own texts; anything longer did not come from a holder.
const MAX_TEXT = 4096;
const MAX_ISSUES = 16;

/**
 * The additional authenticated data of a failure record: its Redis key and the fence of the holder
 * whose exchange failed. A record copied under another identity, or kept from an earlier holder and
 * relabelled with a newer fence, does not open.
 */
export function failureBinding(keys: EntryKeys, fence: number): string {
  return `${keys.failure}#${fence}`;
}

/**
 * The token endpoint's answer, to hand to the waiters, as JSON to seal; `undefined` for any other
 * failure (the holder's provider was closed, an unexpected bug): those are the holder's own, and a
 * waiter should rather take over the refresh.
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

/**
 * The error a waiter throws, from an opened record; `undefined` when any field is missing, of the
 * wrong type or out of range (the waiter then takes over). Retry-After is capped at
 * {@link MAX_SHARED_RETRY_AFTER}.
 */
export function reviveFailure(text: string): SsaTokenEndpointError | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    // Not JSON: `record` stays undefined, which the check below refuses.
  }
  if (!isFailureRecord(record)) return undefined;
  const details = {
    retryable: record.retryable,
    status: record.status,
    error: record.error,
    errorDescription: record.errorDescription,
    requestId: record.requestId,
    retryAfter: record.retryAfter === undefined ? undefined : Math.min(record.retryAfter, MAX_SHARED_RETRY_AFTER),
  };
  if (record.code === 'ERR_SSA_ASSERTION_INVALID') return new SsaAssertionInvalidError(record.message, details, record.issues ?? []);
  if (record.issues !== undefined) return undefined;
  return new SsaTokenEndpointError(record.code, record.message, details);
}

const FIELDS = new Set(['code', 'message', 'retryable', 'status', 'error', 'errorDescription', 'requestId', 'retryAfter', 'issues']);

function isFailureRecord(value: unknown): value is FailureRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    Object.keys(record).every((field) => FIELDS.has(field)) &&
    isEndpointCode(record.code) &&
    isText(record.message) &&
    typeof record.retryable === 'boolean' &&
    (record.status === undefined || (Number.isInteger(record.status) && (record.status as number) >= 100 && (record.status as number) <= 599)) &&
    optionalText(record.error) &&
    optionalText(record.errorDescription) &&
    optionalText(record.requestId) &&
    (record.retryAfter === undefined || (typeof record.retryAfter === 'number' && Number.isFinite(record.retryAfter) && record.retryAfter >= 0)) &&
    (record.issues === undefined || (Array.isArray(record.issues) && record.issues.length <= MAX_ISSUES && record.issues.every(isIssue)))
  );
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT;
}

function optionalText(value: unknown): boolean {
  return value === undefined || isText(value);
}

function isIssue(value: unknown): value is AssertionIssue {
  if (typeof value !== 'object' || value === null) return false;
  const { cause, message, ...rest } = value as Record<string, unknown>;
  return Object.keys(rest).length === 0 && ISSUE_CAUSES.includes(cause as AssertionIssueCause) && isText(message);
}

const ISSUE_CAUSES: readonly AssertionIssueCause[] = ['scope-not-array', 'kid', 'missing-claim', 'exp-too-far', 'aud', 'alg', 'expired', 'iss', 'malformed'];


function isEndpointCode(code: unknown): code is SsaTokenEndpointErrorCode {
  return (SSA_TOKEN_ENDPOINT_ERROR_CODES as readonly unknown[]).includes(code);
}
