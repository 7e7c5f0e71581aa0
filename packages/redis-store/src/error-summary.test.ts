import { describe, expect, it } from 'vitest';
import { summarizeError } from './error-summary.js';

describe('summarizeError', () => {
  it('keeps the name and the code, and drops the arguments Redis echoes', () => {
    const error = Object.assign(new Error("ERR unknown command 'evalsha', with args beginning with: 'a1b2' '4' 'app:{k}:token' 'v1.abc'"), {
      name: 'ReplyError',
      command: { name: 'evalsha', args: ['v1.sealed-token'] },
    });
    expect(summarizeError(error)).toBe("ReplyError [ERR]: unknown command 'evalsha' (arguments not shown)");
  });

  it('hides quoted values and token-like runs, flattens lines and truncates', () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${'x'.repeat(60)}.sig`;
    expect(summarizeError(new Error(`bad value "${token}"\nat line 2`))).toBe('Error: bad value (…) at line 2');
    expect(summarizeError(new Error(`token ${token} refused`))).toBe('Error: token [redacted] refused');
    expect(summarizeError(new Error('word '.repeat(100))).length).toBeLessThanOrEqual(201);
  });

  it('takes a system error’s code, ignores a code that is not a plain word, and describes a non-error by type', () => {
    expect(summarizeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe(
      'Error [ECONNREFUSED]: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(summarizeError(Object.assign(new Error('odd'), { code: 'v1.secret value' }))).toBe('Error: odd');
    expect(summarizeError('v1.sealed')).toBe('a non-error value was thrown (string)');
  });
});
