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

  // Found by test/trust fuzzing: OpenSSL does not check an RSA key's parts when it reads one, so a
  // PEM with one character changed in its modulus loaded, and signed what no public key verifies.
  // In body line 1, characters 0-15 are the DER header and 16 starts the modulus.
  describe('a PKCS#1 PEM with one character of its modulus changed', () => {
    const changed = (column: number, replacement: (was: string) => string): string => {
      const lines = key.pkcs1.split('\n');
      const line = lines[1] ?? '';
      lines[1] = line.slice(0, column) + replacement(line[column] ?? '') + line.slice(column + 1);
      return lines.join('\n');
    };
    const damaged = /^The private key value looks like a private key but is damaged: its parts do not fit together \(a signature made with it does not verify with its own public key\)\./;

    it('inside the modulus: refused, not loaded as a key that signs garbage', () => {
      expectKeyError(() => loadPrivateKey(changed(20, (was) => (was === 'A' ? 'B' : 'A'))), 'ERR_SSA_KEY_UNRECOGNIZED', damaged);
    });

    it('its first character: refused as damaged, not as a smaller key (ERR_SSA_KEY_TOO_SMALL)', () => {
      // The modulus's top bit is set, so its first character is never `A`: `A` clears six leading bits.
      expectKeyError(() => loadPrivateKey(changed(16, () => 'A')), 'ERR_SSA_KEY_UNRECOGNIZED', damaged);
    });
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

  // Found by test/trust fuzzing: the body of an `RSA PUBLIC KEY` PEM (PKCS#1 DER in base64) was
  // reported as a damaged private key.
  it('the base64 body of a PKCS#1 public key, as a public key', () => {
    const body = key.publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    expect(body).toMatch(/^MIIBCgKCAQEA/);
    expectKeyError(() => loadPrivateKey(body), 'ERR_SSA_KEY_PUBLIC', /^The private key value \(base64-decoded\) is a public key, not a private key\./);
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
    // A `kty` is quoted only when it is short: this one is key material.
    const kty = key.pkcs1.replace(/-----[A-Z ]+-----|\s/g, '').slice(0, 64);
    expectKeyError(() => loadPrivateKey({ ...ec.export({ format: 'jwk' }), kty }), 'ERR_SSA_KEY_NOT_RSA', /is not an RSA key \(it is of an unknown `kty`\)/, [...ecMaterial, kty]);
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

  // Found by test/trust fuzzing: a value that "looks like a path" (it starts with `/` or `\\`) was
  // quoted whole in ERR_SSA_KEY_FILE, even when it was key material.
  describe('key material that looks like a path, without quoting it', () => {
    const body = (): string => key.pkcs1.replace(/-----[A-Z ]+-----|\s/g, '');

    it('a PEM body whose first characters were cut off, starting at a `/`', () => {
      expectKeyError(
        () => loadPrivateKey(`/${body().slice(41)}`),
        'ERR_SSA_KEY_UNRECOGNIZED',
        /^The private key value is neither a key in a recognised form nor an existing file \(it is not quoted, as it may hold key material\)\./,
      );
    });

    it('an escaped PEM whose BEGIN line lost a dash (it starts with the two characters `\\n`)', () => {
      const escaped = `\\n${key.pkcs1.replace('-----BEGIN', '----BEGIN').replace(/\n/g, '\\n')}`;
      expectKeyError(() => loadPrivateKey(escaped), 'ERR_SSA_KEY_UNRECOGNIZED', /^The private key value has an `-----END` line without its matching `-----BEGIN` line: it was probably cut off\./);
    });

    it('a PEM given as the path of a key file', () => {
      for (const pem of [key.pkcs1, key.pkcs1.replace(/\n/g, '\\n')]) {
        // Which error the file system gives depends on the random key: a run of 256+ characters without a `/` is a
        // path component too long to exist (ENAMETOOLONG), otherwise the file is simply not there (ENOENT).
        const error = expectKeyError(
          () => loadPrivateKeyFileSync(pem),
          'ERR_SSA_KEY_FILE',
          /^The private key file \(its path is not shown: it is too long, or could be key material\) (does not exist .*|cannot be read \(ENAMETOOLONG\))\. If the value is the key itself rather than a path, pass it as the key\.$/,
        );
        // Node's error quotes the path: it is not kept.
        expect(error.cause).toBeUndefined();
      }
    });
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
