// Trust: loadPrivateKey under thousands of generated inputs. Every input ends in an RSA-2048+
// private KeyObject or an SsaKeyError with a documented code, and no error shows key material.
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SSA_ERROR_CODES, SsaKeyError, loadPrivateKey } from '../../src/index.js';
import { damaged, keyForms, makeKeyRing, nonPrivateForms, notKeys } from './support/key-inputs.js';
import type { KeyRing } from './support/key-inputs.js';
import { expectTypedError, thrownBy } from './support/typed-errors.js';

// Thousands of generated runs: seconds on a quiet machine, a minute or more on a shared, loaded one (a property
// test has no time to prove; the default 30 s failed only under load).
const FUZZ_TIMEOUT = 180_000;

const KEY_CODES = SSA_ERROR_CODES.filter((code) => code.startsWith('ERR_SSA_KEY_'));
// Pure parsing: thousands of runs take a few seconds.
const RUNS = { forms: 500, damaged: 4000, garbage: 3000, bodyFlips: 1000 };

let ring: KeyRing;
beforeAll(() => {
  ring = makeKeyRing();
});

/** Loads `input`; a returned key must be a usable APS key, anything thrown a typed key error. */
function loadOrTypedError(input: unknown): KeyObject | SsaKeyError {
  let key: KeyObject;
  try {
    key = loadPrivateKey(input as never);
  } catch (err) {
    expectTypedError(err, SsaKeyError, KEY_CODES, ring.leaks);
    return err;
  }
  expect(key.type).toBe('private');
  expect(key.asymmetricKeyType).toBe('rsa');
  expect(key.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
  return key;
}

const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('loadPrivateKey: every documented form of a key, generated', { timeout: FUZZ_TIMEOUT }, () => {
  it(`loads the same RSA key from each form (${RUNS.forms} runs)`, () => {
    fc.assert(
      fc.property(keyForms(ring.rsa), (input) => {
        const key = loadOrTypedError(input);
        expect(key).not.toBeInstanceOf(Error);
        expect(pkcs8(key as KeyObject)).toBe(pkcs8(ring.rsa));
      }),
      { numRuns: RUNS.forms },
    );
  });

  it(`refuses other private keys with TOO_SMALL or NOT_RSA, in every form (${RUNS.forms} runs)`, () => {
    const expected = ['ERR_SSA_KEY_TOO_SMALL', 'ERR_SSA_KEY_NOT_RSA', 'ERR_SSA_KEY_NOT_RSA', 'ERR_SSA_KEY_NOT_RSA'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: ring.others.length - 1 }).chain((i) => keyForms(ring.others[i]!).map((input) => [i, input] as const)),
        ([i, input]) => {
          const err = thrownBy(() => loadPrivateKey(input as never));
          expectTypedError(err, SsaKeyError, [expected[i]!], ring.leaks);
        },
      ),
      { numRuns: RUNS.forms },
    );
  });

  // The README: a public key is ERR_SSA_KEY_PUBLIC. Fails today for the base64 of a PKCS#1
  // `RSA PUBLIC KEY` DER (a PEM body without its lines): reported as a damaged private key.
  it(`refuses the RSA public key with ERR_SSA_KEY_PUBLIC, in every form (${RUNS.forms} runs)`, () => {
    fc.assert(
      fc.property(nonPrivateForms(ring.rsaPublic), (input) => {
        const err = thrownBy(() => loadPrivateKey(input as never));
        expectTypedError(err, SsaKeyError, ['ERR_SSA_KEY_PUBLIC'], ring.leaks);
      }),
      { numRuns: RUNS.forms },
    );
  });

  it(`refuses other public keys and a symmetric key, in every form (${RUNS.forms} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: ring.nonPrivate.length - 1 }).chain((i) => nonPrivateForms(ring.nonPrivate[i]!)),
        (input) => {
          const err = thrownBy(() => loadPrivateKey(input as never));
          // A short Ed25519 body is not recognised as anything: refused all the same.
          expectTypedError(err, SsaKeyError, ['ERR_SSA_KEY_PUBLIC', 'ERR_SSA_KEY_NOT_RSA', 'ERR_SSA_KEY_UNRECOGNIZED'], ring.leaks);
        },
      ),
      { numRuns: RUNS.forms },
    );
  });
});

describe('loadPrivateKey: damaged keys and garbage', { timeout: FUZZ_TIMEOUT }, () => {
  it(`damaged forms of any key: a usable RSA key or a typed error, never key material in it (${RUNS.damaged} runs)`, () => {
    const anyKey = fc.oneof(
      damaged(keyForms(ring.rsa)),
      damaged(keyForms(ring.rsa)),
      ...ring.others.map((key) => damaged(keyForms(key))),
      ...ring.nonPrivate.map((key) => damaged(nonPrivateForms(key))),
    );
    fc.assert(
      fc.property(anyKey, (input) => void loadOrTypedError(input)),
      { numRuns: RUNS.damaged },
    );
  });

  it(`anything that is no key: a typed error, never a crash (${RUNS.garbage} runs)`, () => {
    fc.assert(
      fc.property(notKeys, (input) => {
        const err = thrownBy(() => loadPrivateKey(input as never));
        expectTypedError(err, SsaKeyError, KEY_CODES, ring.leaks);
      }),
      { numRuns: RUNS.garbage },
    );
  });

  // The README: "a damaged body" is ERR_SSA_KEY_UNRECOGNIZED. OpenSSL does not check an RSA key's
  // consistency when it parses one, so a PEM with one character changed in its body (a bad copy and
  // paste) can load as a key whose signatures no public key verifies: APS then answers "The
  // 'assertion' is invalid." and nothing local says why. A loaded key must sign verifiably.
  it(`a PEM body with one character changed is refused, or still signs for the original public key (${RUNS.bodyFlips} runs)`, () => {
    const pem = ring.rsa.export({ type: 'pkcs1', format: 'pem' }) as string;
    const lines = pem.trimEnd().split('\n');
    const bodyLines = lines.length - 2;
    const data = Buffer.from('aps-ssa self-test');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: bodyLines }),
        fc.nat(63),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
        (line, column, replacement) => {
          const text = lines[line]!;
          if (column >= text.length || text[column] === replacement || text[column] === '=') return;
          const changed = [...lines.slice(0, line), text.slice(0, column) + replacement + text.slice(column + 1), ...lines.slice(line + 1)].join('\n');
          const loaded = loadOrTypedError(changed);
          if (loaded instanceof SsaKeyError) {
            expect(loaded.code).toBe('ERR_SSA_KEY_UNRECOGNIZED');
            return;
          }
          const signature = sign('sha256', data, loaded);
          expect(verify('sha256', data, ring.rsaPublic, signature), `line ${line}, column ${column} -> ${replacement} loaded as a broken key`).toBe(true);
        },
      ),
      { numRuns: RUNS.bodyFlips },
    );
  });
});

// Inputs the generators above found, kept as plain cases so that the report names them exactly.
describe('loadPrivateKey: key material never becomes a "path" in ERR_SSA_KEY_FILE', { timeout: FUZZ_TIMEOUT }, () => {
  const cases: Array<[string, (pem: string) => string]> = [
    // A one-line value starting with `/` (or `\`) "looks like a path": the base64 body of the key
    // with its first characters lost in a copy and paste...
    ['a PEM body whose first characters were cut off', (pem) => {
      const body = pem.replace(/-----[A-Z ]+-----|\s/g, '');
      return body.slice(body.indexOf('/', 40));
    }],
    // ...or an escaped PEM whose BEGIN line was damaged, which starts with the two characters `\n`.
    ['an escaped PEM whose BEGIN line lost a dash', (pem) => `\\n${pem.replace('-----BEGIN', '----BEGIN').replace(/\n/g, '\\n')}`],
  ];
  it.each(cases)('%s', (_name, damage) => {
    const input = damage(ring.rsa.export({ type: 'pkcs1', format: 'pem' }) as string);
    const err = thrownBy(() => loadPrivateKey(input));
    expectTypedError(err, SsaKeyError, KEY_CODES, ring.leaks);
  });
});
