import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { LeakDetector } from './leak-detector.js';

/** The keys the generators draw from, made at test time; only `rsa` is a usable APS key. */
export interface KeyRing {
  /** RSA-2048: the one key that must load. */
  readonly rsa: KeyObject;
  readonly rsaPublic: KeyObject;
  /** RSA-1024 (too small), EC P-256, Ed25519, RSA-PSS: private keys that must be refused. */
  readonly others: readonly KeyObject[];
  /** Public halves and a symmetric key: never private keys. */
  readonly nonPrivate: readonly KeyObject[];
  /** Every private key text of every private key, to look for in errors. */
  readonly leaks: LeakDetector;
}

export function makeKeyRing(): KeyRing {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const others = [
    generateKeyPairSync('rsa', { modulusLength: 1024 }),
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    generateKeyPairSync('ed25519'),
    generateKeyPairSync('rsa-pss', { modulusLength: 2048 }),
  ];
  const leaks = new LeakDetector();
  for (const { privateKey } of [rsa, ...others]) addKeyMaterial(leaks, privateKey);
  return {
    rsa: rsa.privateKey,
    rsaPublic: rsa.publicKey,
    others: others.map((pair) => pair.privateKey),
    nonPrivate: [rsa.publicKey, ...others.map((pair) => pair.publicKey), createSecretKey(Buffer.alloc(32, 7))],
    leaks,
  };
}

/** Registers every text form of a private key: PEM bodies, base64/base64url of the PEMs and DER, hex of the DER, private JWK members. */
export function addKeyMaterial(leaks: LeakDetector, key: KeyObject, label = 'private key'): LeakDetector {
  const body = (pem: string): string => pem.replace(/-----[A-Z ]+-----|\s/g, '');
  const pems: string[] = [key.export({ type: 'pkcs8', format: 'pem' }) as string];
  if (key.asymmetricKeyType === 'rsa') pems.push(key.export({ type: 'pkcs1', format: 'pem' }) as string);
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const jwk = (jwkOf(key) ?? {}) as Record<string, unknown>;
  for (const pem of pems) leaks.add(label, body(pem)).add(label, Buffer.from(pem).toString('base64')).add(label, Buffer.from(pem).toString('base64url'));
  // The hex also catches a Buffer printed by util.inspect (`<Buffer 30 82 04 be …>`): the detector joins such bytes.
  leaks.add(label, der.toString('base64')).add(label, der.toString('base64url')).add(label, der.toString('hex'));
  for (const member of [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi]) if (typeof member === 'string') leaks.add(label, member);
  return leaks;
}

/** A private key in one of the forms users hold it in (README: PEM variants, base64, JWK, DER, bytes, KeyObject). */
export function keyForms(key: KeyObject): fc.Arbitrary<unknown> {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  const pkcs1 = key.asymmetricKeyType === 'rsa' ? (key.export({ type: 'pkcs1', format: 'pem' }) as string) : pkcs8;
  return textForms([pkcs1, pkcs8], key.export({ type: 'pkcs8', format: 'der' }), jwkOf(key), key);
}

/** The public half (or a symmetric key) in the same forms: never a private key. */
export function nonPrivateForms(key: KeyObject): fc.Arbitrary<unknown> {
  if (key.type === 'secret') return fc.constantFrom<unknown>(key, JSON.stringify(key.export({ format: 'jwk' })));
  const spki = key.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs1 = key.asymmetricKeyType === 'rsa' ? (key.export({ type: 'pkcs1', format: 'pem' }) as string) : spki;
  return textForms([pkcs1, spki], key.export({ type: 'spki', format: 'der' }), jwkOf(key), key);
}

function jwkOf(key: KeyObject): object | undefined {
  try {
    return key.export({ format: 'jwk' });
  } catch {
    return undefined; // RSA-PSS has no JWK form in Node.
  }
}

function textForms(pems: readonly string[], der: Buffer, jwk: object | undefined, key: KeyObject): fc.Arbitrary<unknown> {
  const pem = fc.constantFrom(...pems);
  const jwkForms = jwk === undefined ? [] : [fc.constant(jwk), fc.constant(JSON.stringify(jwk)), fc.constant(JSON.stringify(jwk, null, 2))];
  return fc.oneof(
    pem,
    pem.map((p) => p.replace(/\n/g, '\\n')),
    pem.map((p) => p.replace(/\n/g, '\r\n')),
    pem.map((p) => p.replace(/\n/g, ' ')),
    pem.map((p) => `  "${p.replace(/\n/g, '\\n')}"\n`),
    pem.map((p) => p.replace(/-----[A-Z ]+-----|\s/g, '')),
    pem.map((p) => Buffer.from(p).toString('base64')),
    pem.map((p) => Buffer.from(p).toString('base64url')),
    fc.constant(der.toString('base64')),
    pem.map((p) => Buffer.from(p)),
    fc.constant(Buffer.from(der)),
    fc.constant(key),
    ...jwkForms,
  );
}

/** One damage done to a text or a byte string: cut, sliced, a piece removed, junk inserted, a character replaced... */
const textMutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (t: string) => t.slice(a % (t.length + 1), (a % (t.length + 1)) + (b % (t.length + 1)))),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 80 })).map(([a, n]) => (t: string) => t.slice(0, a % (t.length + 1)) + t.slice((a % (t.length + 1)) + n)),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 12 })).map(([a, s]) => (t: string) => t.slice(0, a % (t.length + 1)) + s + t.slice(a % (t.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom('A', '/', '+', '=', '-', '_', '\n', '\\n', ' ', '"', '\0', 'é', '-----END')).map(
    ([a, c]) =>
      (t: string) =>
        t.slice(0, a % (t.length + 1)) + c + t.slice((a % (t.length + 1)) + 1),
  ),
  fc.string({ unit: 'binary', maxLength: 20 }).map((junk) => (t: string) => junk + t),
  fc.string({ unit: 'binary', maxLength: 20 }).map((junk) => (t: string) => t + junk),
  fc.constant((t: string) => t.toLowerCase()),
  fc.constant((t: string) => t + t),
);

/** Applies `change` to a text, to bytes (as latin1), or to member number `pick` of a JWK object. */
function mutate(input: unknown, change: (text: string) => string, pick: number): unknown {
  if (typeof input === 'string') return change(input);
  if (input instanceof Uint8Array) return Buffer.from(change(Buffer.from(input).toString('latin1')), 'latin1');
  if (typeof input === 'object' && input !== null && !('export' in input)) {
    const members = Object.keys(input);
    const name = members[pick % members.length] ?? 'kty';
    return { ...input, [name]: change(String((input as Record<string, unknown>)[name])) };
  }
  return input;
}

/** A value of `forms` (e.g. {@link keyForms}), damaged 0 to 3 times. */
export function damaged(forms: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(forms, fc.array(fc.tuple(textMutation, fc.nat()), { maxLength: 3 }))
    .map(([form, changes]) => changes.reduce<unknown>((value, [change, pick]) => mutate(value, change, pick), form));
}

/** Values that are no key at all: any text, bytes, JSON, objects, paths, numbers... */
export const notKeys: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.base64String({ maxLength: 400 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ kty: fc.constantFrom('RSA', 'EC', 'OKP', 'oct', 'rsa', ''), n: fc.base64String(), e: fc.constantFrom('AQAB', ''), d: fc.base64String() }, { requiredKeys: ['kty'] }),
  fc.tuple(fc.constantFrom('', './', '../', '/', '~/', 'C:\\', '/tmp/'), fc.stringMatching(/^[\w.-]{1,30}$/), fc.constantFrom('', '.pem', '.key', '.json', '.der')).map(
    ([prefix, name, ext]) => `${prefix}aps-ssa-no-such-${name}${ext}`,
  ),
  fc.constantFrom('-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', '{', '""', "''", '\\n', '/', '.', '~'),
  fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true, maxDepth: 2 }),
);
