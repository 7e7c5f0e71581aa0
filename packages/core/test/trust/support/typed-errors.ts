import { expect } from 'vitest';
import { SsaError } from '../../../src/index.js';
import type { LeakDetector } from './leak-detector.js';

/** Every `code` core documents (`SsaErrorCode`); an error with any other code is untyped. */
export const KNOWN_CODES: readonly string[] = [
  'ERR_SSA_INVALID_OPTION',
  'ERR_SSA_CONFIG',
  'ERR_SSA_KEY_EMPTY',
  'ERR_SSA_KEY_UNRECOGNIZED',
  'ERR_SSA_KEY_PUBLIC',
  'ERR_SSA_KEY_NOT_RSA',
  'ERR_SSA_KEY_TOO_SMALL',
  'ERR_SSA_KEY_ENCRYPTED',
  'ERR_SSA_KEY_FILE',
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
  'ERR_SSA_TOKEN_UNAVAILABLE',
  'ERR_SSA_CLOSED',
  'ERR_SSA_API',
];

/** Runs `action` and returns what it threw (failing when it did not throw). */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw, got a return');
}

/**
 * Asserts that `err` is an instance of `type` (an `SsaError` subclass) whose `code` is one of
 * `codes` (all known codes by default), with a message that reads as a sentence, and that no
 * rendering of it holds a registered secret.
 */
export function expectTypedError<T extends SsaError>(
  err: unknown,
  type: abstract new (...args: never[]) => T,
  codes: readonly string[],
  leaks: LeakDetector,
): asserts err is T {
  if (!(err instanceof type)) {
    throw new Error(`expected a ${type.name}, got ${describe(err)}`);
  }
  expect(codes, `unexpected code ${err.code}: ${err.message}`).toContain(err.code);
  expect(KNOWN_CODES).toContain(err.code);
  expect(err.message.length, 'an empty message').toBeGreaterThan(20);
  expect(leaks.findIn(err, err.code)).toBeUndefined();
}

/** A short description of anything thrown, for failure messages (never a secret: only class, code and 200 chars). */
export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}(${String((err as { code?: unknown }).code)}): ${err.message.slice(0, 200)}`;
  return `${typeof err}: ${String(err).slice(0, 200)}`;
}
