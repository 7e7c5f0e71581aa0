import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRsaKey } from '../test/support/keys.js';
import type { TestKey } from '../test/support/keys.js';
import { expectNoSecrets } from '../test/support/secrets.js';
import { SsaKeyError } from './errors.js';
import type { SsaKeyErrorCode } from './errors.js';
import { loadPrivateKey, loadPrivateKeyFile, loadPrivateKeyFileSync } from './private-key.js';
import type { PrivateKeyInput } from './private-key.js';

let key: TestKey;
let dir: string;

beforeAll(() => {
  key = makeRsaKey();
  dir = mkdtempSync(join(tmpdir(), 'aps-ssa-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectSameKey(loaded: KeyObject): void {
  expect(loaded.type).toBe('private');
  expect(loaded.asymmetricKeyType).toBe('rsa');
  expect(loaded.export({ type: 'pkcs8', format: 'pem' })).toBe(key.pkcs8);
}

function expectKeyError(input: () => unknown, code: SsaKeyErrorCode, message: RegExp, secrets: string[] = key.material): SsaKeyError {
  let caught: unknown;
  try {
    input();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SsaKeyError);
  const error = caught as SsaKeyError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expectNoSecrets(error, secrets);
  return error;
}

function writeTemp(name: string, contents: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

describe('loadPrivateKey accepts', () => {
  const forms: Array<[string, () => PrivateKeyInput]> = [
    ['a PKCS#1 PEM (what Create Key returns)', () => key.pkcs1],
    ['a PKCS#8 PEM', () => key.pkcs8],
    ['a PEM with literal \\n escapes', () => key.pkcs1.replace(/\n/g, '\\n')],
    ['a PEM with literal \\r\\n escapes', () => key.pkcs8.replace(/\n/g, '\\r\\n')],
    ['a PEM with CRLF line ends', () => key.pkcs1.replace(/\n/g, '\r\n')],
    ['a double-quoted PEM with surrounding whitespace', () => `  "${key.pkcs1}"\n`],
    ['a single-quoted escaped PEM', () => `'${key.pkcs8.replace(/\n/g, '\\n')}'`],
    ['a PEM flattened onto one line with spaces', () => key.pkcs1.replace(/\n/g, ' ')],
    ['the base64 of a PKCS#1 PEM', () => Buffer.from(key.pkcs1).toString('base64')],
    ['the base64 of a PKCS#8 PEM, wrapped', () => Buffer.from(key.pkcs8).toString('base64').replace(/.{76}/g, '$&\n')],
    ['the base64url of a PEM', () => Buffer.from(key.pkcs1).toString('base64url')],
    ['the base64 of PKCS#8 DER', () => key.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64')],
    ['a JWK object', () => key.privateKey.export({ format: 'jwk' })],
    ['a JWK as JSON text', () => JSON.stringify(key.privateKey.export({ format: 'jwk' }))],
    ['the base64 of a JWK', () => Buffer.from(JSON.stringify(key.privateKey.export({ format: 'jwk' }))).toString('base64')],
    ['a KeyObject', () => key.privateKey],
    ['PEM bytes', () => Buffer.from(key.pkcs1)],
    ['PKCS#1 DER bytes', () => key.privateKey.export({ type: 'pkcs1', format: 'der' })],
    ['a bundle with a certificate block before the key', () => `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${key.pkcs1}`],
    ['the JSON that Create Key returned, pasted whole', () => JSON.stringify({ kid: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5', privateKey: key.pkcs1 })],
  ];
  it.each(forms)('%s', (_name, input) => expectSameKey(loadPrivateKey(input())));

  it('returns the very KeyObject it was given', () => {
    expect(loadPrivateKey(key.privateKey)).toBe(key.privateKey);
  });

  it('reads an absolute file path', () => expectSameKey(loadPrivateKey(writeTemp('abs.pem', key.pkcs1))));
  it('reads a relative file path, quoted', () => {
    const path = relative(process.cwd(), writeTemp('rel.key', key.pkcs8));
    expectSameKey(loadPrivateKey(`"${path}"`));
  });
  it('reads a file holding a base64 PEM, a JWK, or DER', () => {
    expectSameKey(loadPrivateKey(writeTemp('b64', Buffer.from(key.pkcs1).toString('base64'))));
    expectSameKey(loadPrivateKey(writeTemp('key.jwk', JSON.stringify(key.privateKey.export({ format: 'jwk' })))));
    expectSameKey(loadPrivateKey(writeTemp('key.der', key.privateKey.export({ type: 'pkcs8', format: 'der' }))));
  });
  it('reads a file with loadPrivateKeyFile and loadPrivateKeyFileSync', async () => {
    const path = writeTemp('async.pem', key.pkcs1.replace(/\n/g, '\r\n'));
    expectSameKey(await loadPrivateKeyFile(path));
    expectSameKey(loadPrivateKeyFileSync(path));
  });
});

describe('loadPrivateKey rejects', () => {
  it('empty input', () => {
    for (const input of ['', '   \n', '""', "''"]) expectKeyError(() => loadPrivateKey(input), 'ERR_SSA_KEY_EMPTY', /is empty\. Expected the PEM/);
    expectKeyError(() => loadPrivateKey(undefined as unknown as string), 'ERR_SSA_KEY_EMPTY', /^No private key was given\./);
  });

  it('garbage, without quoting it', () => {
    const error = expectKeyError(() => loadPrivateKey('hello-there'), 'ERR_SSA_KEY_UNRECOGNIZED', /not in a recognised form\. Expected the PEM/);
    expect(error.message).not.toContain('hello-there');
    expectKeyError(() => loadPrivateKey(42 as unknown as string), 'ERR_SSA_KEY_UNRECOGNIZED', /is a number, which is not a key/);
    expectKeyError(() => loadPrivateKey('{"kty": '), 'ERR_SSA_KEY_UNRECOGNIZED', /starts with `\{` but is not valid JSON/);
    expectKeyError(() => loadPrivateKey('{"n": "abc"}'), 'ERR_SSA_KEY_UNRECOGNIZED', /has no `kty` member/);
  });

  it('a PEM cut off before its END line', () => {
    const truncated = key.pkcs1.slice(0, 300);
    expectKeyError(() => loadPrivateKey(truncated), 'ERR_SSA_KEY_UNRECOGNIZED', /without its matching `-----END` line: it was probably cut off/);
  });

  it('a PEM with a damaged body', () => {
    const lines = key.pkcs1.split('\n');
    const damaged = [lines[0], ...lines.slice(1, -2).map((l) => l.slice(0, 40)), lines.at(-2), ''].join('\n');
    expectKeyError(() => loadPrivateKey(damaged), 'ERR_SSA_KEY_UNRECOGNIZED', /looks like a private key but is damaged: OpenSSL could not decode/);
    const notBase64 = key.pkcs1.replace(/\n[A-Za-z]/, '\n!');
    expectKeyError(() => loadPrivateKey(notBase64), 'ERR_SSA_KEY_UNRECOGNIZED', /is damaged: its PEM body is not base64/);
  });

  it('an incomplete private JWK, without quoting it', () => {
    const { p: _p, ...jwk } = key.privateKey.export({ format: 'jwk' });
    expectKeyError(() => loadPrivateKey(jwk), 'ERR_SSA_KEY_UNRECOGNIZED', /needs the members n, e, d, p, q, dp, dq and qi/);
  });

  it('public keys in every form', () => {
    const message = /is a public key, not a private key\. Use the private key that Create Key returned\. APS keeps only the public half/;
    expectKeyError(() => loadPrivateKey(key.publicKey.export({ type: 'spki', format: 'pem' }) as string), 'ERR_SSA_KEY_PUBLIC', message);
    expectKeyError(() => loadPrivateKey(key.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string), 'ERR_SSA_KEY_PUBLIC', message);
    expectKeyError(() => loadPrivateKey(key.publicKey.export({ format: 'jwk' })), 'ERR_SSA_KEY_PUBLIC', message);
    expectKeyError(() => loadPrivateKey(key.publicKey), 'ERR_SSA_KEY_PUBLIC', message);
    const der = key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expectKeyError(() => loadPrivateKey(der), 'ERR_SSA_KEY_PUBLIC', message);
  });

  it('a certificate', () => {
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ2Fy\n-----END CERTIFICATE-----\n';
    expectKeyError(() => loadPrivateKey(certificate), 'ERR_SSA_KEY_PUBLIC', /is a certificate, not a private key/);
  });

  it('keys that are not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ecMaterial = [ec.export({ type: 'pkcs8', format: 'pem' }).replace(/-----[A-Z ]+-----|\s/g, '')];
    expectKeyError(() => loadPrivateKey(ec.export({ type: 'pkcs8', format: 'pem' })), 'ERR_SSA_KEY_NOT_RSA', /is not an RSA key \(it is EC \(prime256v1\)\)\. APS service account keys are RSA/, ecMaterial);
    expectKeyError(() => loadPrivateKey(ec.export({ type: 'sec1', format: 'pem' })), 'ERR_SSA_KEY_NOT_RSA', /is not an RSA key \(it is EC\)/, ecMaterial);
    expectKeyError(() => loadPrivateKey(ec.export({ format: 'jwk' })), 'ERR_SSA_KEY_NOT_RSA', /is not an RSA key \(it is EC\)/, ecMaterial);
    const ed = generateKeyPairSync('ed25519').privateKey;
    expectKeyError(() => loadPrivateKey(ed), 'ERR_SSA_KEY_NOT_RSA', /is not an RSA key \(it is ED25519\)/);
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey;
    expectKeyError(() => loadPrivateKey(pss.export({ type: 'pkcs8', format: 'pem' })), 'ERR_SSA_KEY_NOT_RSA', /is not an RSA key \(it is RSA-PSS \(which cannot sign RS256\)\)/);
  });

  it('RSA keys under 2048 bits', () => {
    const small = makeRsaKey(1024);
    expectKeyError(() => loadPrivateKey(small.pkcs1), 'ERR_SSA_KEY_TOO_SMALL', /is a 1024-bit RSA key; APS needs at least 2048 bits/, small.material);
  });

  it('encrypted PEMs, PKCS#8 and PKCS#1', () => {
    for (const type of ['pkcs8', 'pkcs1'] as const) {
      const { privateKey } = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type, format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse' },
      });
      const body = privateKey.replace(/-----[A-Z ]+-----|Proc-Type.*|DEK-Info.*|\s/g, '');
      expectKeyError(() => loadPrivateKey(privateKey), 'ERR_SSA_KEY_ENCRYPTED', /is encrypted with a passphrase\. Decrypt it once/, [body]);
    }
  });

  it('a path-looking string naming no file, saying so', () => {
    for (const path of ['/nonexistent/aps/key.pem', './missing-key.pem', 'secrets/sa.key', '~/no-such-aps-key']) {
      expectKeyError(() => loadPrivateKey(path), 'ERR_SSA_KEY_FILE', /^The private key file `.+` does not exist \(a relative path is resolved from the current directory\)\./);
    }
  });

  it('a directory, an empty file, and a file holding no key', async () => {
    expectKeyError(() => loadPrivateKey(dir), 'ERR_SSA_KEY_FILE', /is a directory/);
    expectKeyError(() => loadPrivateKey(writeTemp('empty.pem', '')), 'ERR_SSA_KEY_EMPTY', /^The private key file `.+empty\.pem` is empty/);
    const junk = writeTemp('junk.pem', 'not a key at all');
    expectKeyError(() => loadPrivateKey(junk), 'ERR_SSA_KEY_UNRECOGNIZED', /^The private key file `.+junk\.pem` is not in a recognised form/);
    await expect(loadPrivateKeyFile(join(dir, 'absent.pem'))).rejects.toMatchObject({ code: 'ERR_SSA_KEY_FILE', message: expect.stringMatching(/absent\.pem` does not exist/) });
    expectKeyError(() => loadPrivateKeyFileSync('  '), 'ERR_SSA_KEY_FILE', /^No private key file path was given/);
  });
});
