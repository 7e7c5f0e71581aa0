import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SsaError } from '../errors.js';
import { ScrubbedError, safeCause, scrubSecrets } from './safe-cause.js';

const SECRET = 'Zq7/wX+e%3=k9LmPq2RsT4uVw';
const TOKEN = 'opaque-token-8f3a9c1d2e4b5a6f7081';

describe('scrubSecrets', () => {
  it.each([
    ['whole', `AUTH ${SECRET}`],
    ['cut short', `args: ["${SECRET.slice(4, 20)}`],
    ['URL-encoded', `secret=${encodeURIComponent(SECRET)}`],
    ['form-encoded', `body ${new URLSearchParams({ s: SECRET })}`],
    ['JSON-escaped inside a payload', JSON.stringify({ value: JSON.stringify({ secret: SECRET }) })],
  ])('removes a known secret, %s', (_how, text) => {
    const scrubbed = scrubSecrets(text, [SECRET]);
    expect(scrubbed).toContain('[redacted]');
    for (let i = 0; i + 12 <= SECRET.length; i++) expect(scrubbed).not.toContain(SECRET.slice(i, i + 12));
  });

  it('removes credentials and secret-looking runs it was not told about, and keeps prose', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJTQS0xIn0.c2lnbmF0dXJlLXRoYXQtbXVzdC1nbw';
    const text = `Command timed out: Bearer abc.def Basic Zm9vOmJhcg== ${jwt} while writing aps-ssa:token`;
    expect(scrubSecrets(text, [])).toBe('Command timed out: Bearer [redacted] Basic [redacted] [redacted] while writing aps-ssa:token');
  });

  it('keeps a summary on one line', () => {
    expect(scrubSecrets('first line\r\nforged: log line\u0000end', [])).toBe('first line forged: log line end');
  });

  it('cuts long messages', () => {
    expect(scrubSecrets('word '.repeat(1_000), []).length).toBeLessThanOrEqual(201);
  });
});

describe('safeCause', () => {
  it("keeps a foreign error's name, code and scrubbed message, and nothing else", () => {
    const original = Object.assign(new Error(`OOM SET key {"accessToken":"${TOKEN}"}`, { cause: new Error(SECRET) }), {
      name: 'ReplyError',
      code: 'OOM',
      command: { name: 'set', args: ['key', TOKEN] },
    });
    const cause = safeCause(original, [TOKEN, SECRET]);
    expect(cause).toBeInstanceOf(ScrubbedError);
    expect(cause).toMatchObject({ name: 'ReplyError', code: 'OOM', message: 'OOM SET key {"accessToken":"[redacted]"}' });
    expect(cause.cause).toBeUndefined();
    const shown = inspect(cause, { showHidden: true, depth: 8 }) + JSON.stringify(cause);
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain('command');
  });

  it("passes the library's own errors through, and summarises what is not an error", () => {
    const own = new SsaError('ERR_SSA_NETWORK', 'fine');
    expect(safeCause(own, [])).toBe(own);
    expect(safeCause(`thrown ${TOKEN}`, [TOKEN])).toMatchObject({ name: 'Error', message: 'thrown [redacted]' });
    expect(safeCause({ token: TOKEN }, [TOKEN]).message).toBe('object');
  });
});
