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

describe('scrubSecrets: known secrets', () => {
  it('removes a short letters-only secret at the start of a long message, and every later copy', () => {
    const rest = 'and then some more words '.repeat(10);
    expect(scrubSecrets(`hunter said hunter ${rest}`, ['hunter'])).toBe(`${`[redacted] said [redacted] ${rest}`.slice(0, 200)}…`);
    expect(scrubSecrets('hunter2! was the password', ['hunter2!'])).toBe('[redacted] was the password');
  });

  it('removes a secret of exactly 12 characters, and one of 13 cut to its first or last 12', () => {
    expect(scrubSecrets('a twelvechars1 b', ['twelvechars1'])).toBe('a [redacted] b');
    expect(scrubSecrets('x thirteenchar x', ['thirteenchars'])).toBe('x [redacted] x');
    expect(scrubSecrets('x hirteenchars x', ['thirteenchars'])).toBe('x [redacted] x');
    // 11 characters of a longer secret are not a window of it: ordinary words survive.
    expect(scrubSecrets('x thirteencha x', ['thirteenchars'])).toBe('x thirteencha x');
  });

  it('removes a long letters-only secret (no digit, so only known-secret matching can find it), whole or in part', () => {
    const secret = 'correcthorsebatterystaplewithmore';
    expect(scrubSecrets(`got ${secret}.`, [secret])).toBe('got [redacted].');
    expect(scrubSecrets(`got ${secret.slice(5, 19)}.`, [secret])).toBe('got [redacted].');
    expect(scrubSecrets(`got ${secret}.`, [])).toBe(`got ${secret}.`);
  });

  it('merges overlapping and adjacent pieces into one mark, and keeps what lies between two', () => {
    const secret = 'abcdefghijklmnopqrstuvwxyz';
    expect(scrubSecrets(`${secret}${secret} and ${secret}`, [secret])).toBe('[redacted] and [redacted]');
  });

  it('removes a short secret with a space in its form-encoded form', () => {
    expect(scrubSecrets('body secret=hunter+2&x=1', ['hunter 2'])).toBe('body secret=[redacted]&x=1');
    expect(scrubSecrets('body secret=hunter%202&x=1', ['hunter 2'])).toBe('body secret=[redacted]&x=1');
  });

  it('ignores an empty secret', () => {
    expect(scrubSecrets('nothing to hide', [''])).toBe('nothing to hide');
  });

  const TRICKY = 'correct horse "battery" \\staple/+=%&ü';
  it.each([
    ['as it is', (s: string) => s],
    ['URL-encoded', (s: string) => encodeURIComponent(s)],
    ['URL-encoded in lower case', (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['form-encoded', (s: string) => new URLSearchParams({ v: s }).toString().slice(2)],
    ['JSON-escaped', (s: string) => JSON.stringify(s).slice(1, -1)],
    ['base64', (s: string) => Buffer.from(s).toString('base64')],
    ['base64url', (s: string) => Buffer.from(s).toString('base64url')],
  ])('removes a secret with spaces, quotes and backslashes, %s, whole or in part', (_how, encode) => {
    const form = encode(TRICKY);
    for (const shown of [form, form.slice(3), form.slice(0, -3)]) {
      const scrubbed = scrubSecrets(`echo: ${shown} :end`, [TRICKY]);
      expect(scrubbed).toBe('echo: [redacted] :end');
    }
  });
});

describe('scrubSecrets: credentials and secret-looking runs', () => {
  it.each([
    ['Bearer  two-spaces'],
    ['Bearer\ta-tab'],
    ['bearer lower-case'],
    ['BASIC upper-case'],
  ])('removes the credential after %j', (text) => {
    const scheme = text.slice(0, 6).trim();
    expect(scrubSecrets(`auth: ${text} end`, [])).toBe(`auth: ${scheme} [redacted] end`);
  });

  it('keeps a scheme word inside another word, and prose after a lone scheme', () => {
    expect(scrubSecrets('unBearer x', [])).toBe('unBearer x');
    expect(scrubSecrets('Basic', [])).toBe('Basic');
  });

  it('removes runs of 24+ token characters holding a letter and a digit, and keeps shorter or single-kind runs', () => {
    const run = 'a1b2c3d4e5f6g7h8i9j0k1l2';
    expect(scrubSecrets(`x ${run} y`, [])).toBe('x [redacted] y');
    expect(scrubSecrets(`x ${run.slice(1)} y`, [])).toBe(`x ${run.slice(1)} y`);
    expect(scrubSecrets(`x ${'abcdefgh'.repeat(4)} y`, [])).toBe(`x ${'abcdefgh'.repeat(4)} y`);
    expect(scrubSecrets(`x ${'12345678'.repeat(4)} y`, [])).toBe(`x ${'12345678'.repeat(4)} y`);
    for (const run of ['Zq7/wX+e%3=k9LmPq2RsT4uVw', 'A1_b2-C3.d4~E5+f6/G7=h8%9', 'eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJTQS0xIn0']) {
      expect(scrubSecrets(`x ${run} y`, [])).toBe('x [redacted] y');
    }
  });

  it('keeps a UUID (a request id), but not a longer run that contains one', () => {
    const id = '3F2B8C1E-5a7d-4e9f-8b6a-0c1d2e3f4a5b';
    expect(scrubSecrets(`(x-request-id: ${id})`, [])).toBe(`(x-request-id: ${id})`);
    expect(scrubSecrets(`id ${id}0`, [])).toBe('id [redacted]');
    expect(scrubSecrets(`id 0${id}`, [])).toBe('id [redacted]');
  });
});

describe('scrubSecrets: one visible line, cut short', () => {
  it.each([
    ['CR LF', 'a\r\nb'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1 CSI and NEL', 'a\u009b\u0085b'],
    ['bidi override and isolate', 'a\u202e\u2066b'],
    ['zero-width and line separator', 'a\u200b\u2028b'],
    ['byte order mark and Arabic letter mark', 'a\ufeff\u061cb'],
  ])('turns %s into one space', (_what, text) => {
    expect(scrubSecrets(text, [])).toBe('a b');
  });

  it('keeps printable text beyond ASCII', () => {
    expect(scrubSecrets('café – naïve “quotes” 東京', [])).toBe('café – naïve “quotes” 東京');
  });

  it('cuts a message over 200 characters to its first 200 and an ellipsis, never to nothing', () => {
    expect(scrubSecrets('a'.repeat(200), [])).toBe('a'.repeat(200));
    expect(scrubSecrets('a'.repeat(201), [])).toBe(`${'a'.repeat(200)}…`);
    expect(scrubSecrets(`${'word '.repeat(100)}`, [])).toBe(`${'word '.repeat(40)}…`);
  });

  it('scans the first 2,000 characters only: what a redaction brings forward stops there, however long the message', () => {
    const run = 'a1'.repeat(995); // 1,990 characters, scrubbed to one mark
    expect(scrubSecrets(`${run} end of the scanned part`, [])).toBe('[redacted] end of th');
    expect(scrubSecrets(`${'a1'.repeat(1_000_000)} tail`, [])).toBe('[redacted]');
  });
});

describe('safeCause', () => {
  it.each([
    ['a name with a line break', { name: 'Reply\nError' }, { name: 'Error' }],
    ['a name holding a known secret', { name: 'hunter2' }, { name: 'Error' }],
    ['a name holding a secret-looking run', { name: 'a1b2c3d4e5f6g7h8i9j0k1l2m3' }, { name: 'Error' }],
    ['a name of 61 characters', { name: 'N'.repeat(61) }, { name: 'Error' }],
    ['an empty name', { name: '' }, { name: 'Error' }],
    ['a name of 60 characters', { name: 'N'.repeat(60) }, { name: 'N'.repeat(60) }],
    ['a name with $ . - _', { name: 'My$Error.sub-kind_2' }, { name: 'My$Error.sub-kind_2' }],
    ['a code that is a connection string', { code: 'redis://:hunter2@db:6379' }, { code: undefined }],
    ['a code holding a known secret', { code: 'hunter2' }, { code: undefined }],
    ['a code of 41 characters', { code: 'C'.repeat(41) }, { code: undefined }],
    ['an empty code', { code: '' }, { code: undefined }],
    ['a code that is an object', { code: { secret: 'hunter2' } }, { code: undefined }],
    ['a code of 40 characters', { code: 'C'.repeat(40) }, { code: 'C'.repeat(40) }],
    ['a dotted code', { code: 'ERR_SOCKET.closed-1' }, { code: 'ERR_SOCKET.closed-1' }],
    ['a numeric code', { code: 42 }, { code: '42' }],
  ])('summarises a foreign error with %s', (_what, fields, expected) => {
    const cause = safeCause(Object.assign(new Error('failed'), fields), ['hunter2']);
    expect(cause.message).toBe('failed');
    if ('name' in expected) expect(cause.name).toBe(expected.name);
    if ('code' in expected && expected.code === undefined) expect(cause).not.toHaveProperty('code');
    else if ('code' in expected) expect(cause).toHaveProperty('code', expected.code);
  });

  it('describes thrown values that are not errors by their type only', () => {
    expect(safeCause(null, []).message).toBe('null');
    expect(safeCause(undefined, []).message).toBe('undefined');
    expect(safeCause(42, []).message).toBe('number');
    expect(safeCause(Symbol('hunter2'), []).message).toBe('symbol');
  });

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
