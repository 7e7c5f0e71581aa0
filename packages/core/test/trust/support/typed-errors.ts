import { expect } from 'vitest';
import { SSA_ERROR_CODES, SsaError } from '../../../src/index.js';
import type { LeakDetector } from './leak-detector.js';

/** Every `code` core documents (`SsaErrorCode`); an error with any other code is untyped. */
export const KNOWN_CODES: readonly string[] = SSA_ERROR_CODES;

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
