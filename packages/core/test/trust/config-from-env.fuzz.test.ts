// Trust: configFromEnv under thousands of generated environments. Each either gives a frozen config
// whose secrets are hidden, or an SsaConfigError naming every bad variable; never another exception,
// and never the client secret or key material in any output.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { SsaConfigError, configFromEnv } from '../../src/index.js';
import { damaged, keyForms, makeKeyRing, nonPrivateForms, notKeys } from './support/key-inputs.js';
import type { KeyRing } from './support/key-inputs.js';
import { expectTypedError } from './support/typed-errors.js';

// Thousands of generated runs: seconds on a quiet machine, a minute or more on a shared, loaded one (a property
// test has no time to prove; the default 30 s failed only under load).
const FUZZ_TIMEOUT = 180_000;

const RUNS = 2000;
const SECRET = `CANARYsecret${randomBytes(32).toString('hex')}`;

/** A generated value and whether configFromEnv must accept it (`undefined`: either way). */
type Tagged = readonly [value: unknown, valid: boolean | undefined];

let ring: KeyRing;
let dir: string;
let files: { valid: string[]; invalid: string[] };

beforeAll(() => {
  ring = makeKeyRing();
  ring.leaks.add('client secret', SECRET);
  dir = mkdtempSync(join(tmpdir(), 'aps-ssa-trust-env-'));
  const pkcs1 = ring.rsa.export({ type: 'pkcs1', format: 'pem' }) as string;
  const write = (name: string, contents: string | Buffer): string => {
    writeFileSync(join(dir, name), contents);
    return join(dir, name);
  };
  mkdirSync(join(dir, 'a-directory.pem'));
  files = {
    valid: [
      write('key.pem', pkcs1),
      write('escaped.txt', pkcs1.replace(/\n/g, '\\n')),
      write('key.b64', Buffer.from(pkcs1).toString('base64')),
      write('key.json', JSON.stringify(ring.rsa.export({ format: 'jwk' }))),
      write('key.der', ring.rsa.export({ type: 'pkcs8', format: 'der' })),
    ],
    invalid: [
      write('empty.pem', ''),
      write('garbage.pem', randomBytes(300)),
      write('public.pem', ring.rsaPublic.export({ type: 'spki', format: 'pem' })),
      write('cut.pem', pkcs1.slice(0, 700)),
      join(dir, 'a-directory.pem'),
      join(dir, 'missing.pem'),
    ],
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isId = (value: string): boolean => value !== '' && !/\s/.test(value);
const unset: fc.Arbitrary<Tagged> = fc.constant([undefined, false]);

function id(valid: fc.Arbitrary<string>): fc.Arbitrary<Tagged> {
  return fc.oneof(
    valid.map((v): Tagged => [v, true]),
    fc.tuple(valid, fc.constantFrom(' ', '\n', '\t', '\r\n', '\u00a0')).map(([v, ws]): Tagged => [`${v}${ws}`, false]),
    fc.string({ unit: 'binary', maxLength: 40 }).map((v): Tagged => [v, v === '' ? false : isId(v)]),
    unset,
  );
}

function env() {
  const inlineKey: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 3, arbitrary: keyForms(ring.rsa).filter((v) => typeof v === 'string').map((v): Tagged => [v, true]) },
    { weight: 3, arbitrary: damaged(keyForms(ring.rsa)).filter((v) => typeof v === 'string').map((v): Tagged => [v, undefined]) },
    ...ring.others.map((key) => keyForms(key).filter((v) => typeof v === 'string').map((v): Tagged => [v, false])),
    nonPrivateForms(ring.rsaPublic).filter((v) => typeof v === 'string').map((v): Tagged => [v, false]),
    notKeys.filter((v): v is string => typeof v === 'string').map((v): Tagged => [v, undefined]),
    fc.constantFrom(...files.valid).map((v): Tagged => [v, true]),
    { weight: 3, arbitrary: unset },
  );
  const keyFile: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 4, arbitrary: unset },
    fc.constantFrom(...files.valid).map((v): Tagged => [v, true]),
    fc.constantFrom(...files.invalid).map((v): Tagged => [v, false]),
    fc.string({ unit: 'binary', maxLength: 40 }).map((v): Tagged => [v, undefined]),
  );
  const scopes: fc.Arbitrary<Tagged> = fc.oneof(
    fc
      .tuple(fc.array(fc.constantFrom('data:read', 'data:write', 'user-profile:read', 'bucket:read', 'x'), { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', ',', ', ', '\n', '  '))
      .map(([list, separator]): Tagged => [list.join(separator), true]),
    fc.stringMatching(/^[\s,]{0,6}$/).map((v): Tagged => [v, false]),
    fc.string({ unit: 'binary', maxLength: 60 }).map((v): Tagged => [v, v.split(/[\s,]+/).some((s) => s !== '')]),
    unset,
  );
  const baseUrl: fc.Arbitrary<Tagged> = fc.oneof(
    fc
      .constantFrom('https://developer.api.autodesk.com', 'https://developer.api.autodesk.com/', 'http://127.0.0.1:8787', 'http://localhost:1/', 'http://[::1]:9', 'https://proxy.example/aps')
      .map((v): Tagged => [v, true]),
    fc
      .constantFrom(
        'http://developer.api.autodesk.com',
        'http://127.0.0.1.evil.test',
        'ftp://developer.api.autodesk.com',
        `https://user:${SECRET}@developer.api.autodesk.com`,
        `https://${SECRET}@developer.api.autodesk.com`,
        'https://developer.api.autodesk.com/?x=1',
        'https://developer.api.autodesk.com/#x',
        'developer.api.autodesk.com',
        'javascript:alert(1)',
        '//developer.api.autodesk.com',
      )
      .map((v): Tagged => [v, false]),
    fc.webUrl({ withQueryParameters: true, withFragments: true }).map((v): Tagged => [v, undefined]),
    fc.string({ unit: 'binary', maxLength: 60 }).map((v): Tagged => [v, undefined]),
    { weight: 3, arbitrary: fc.constant<Tagged>([undefined, true]) },
  );
  const extras = fc.dictionary(
    fc.oneof(fc.constantFrom('APS_CLIENTID', 'APS_CLIENT_SECRT', 'APS_SA_KEY', 'APS_SCOPE', 'APS_SA_EMAIL', 'APS_', 'PATH'), fc.stringMatching(/^APS_[A-Z_]{0,20}$/)),
    fc.oneof(fc.constant(SECRET), fc.string({ maxLength: 20 })),
    { maxKeys: 3 },
  );
  return fc.record({
    APS_CLIENT_ID: id(fc.stringMatching(/^[A-Za-z0-9]{32}$/)),
    APS_CLIENT_SECRET: id(fc.constant(SECRET)),
    APS_SA_ID: id(fc.stringMatching(/^[A-Z0-9]{16}$/)),
    APS_SA_KEY_ID: id(fc.uuid()),
    APS_SA_PRIVATE_KEY: inlineKey,
    APS_SA_PRIVATE_KEY_FILE: keyFile,
    APS_SCOPES: scopes,
    APS_BASE_URL: baseUrl,
    extras,
  });
}

describe('configFromEnv: generated environments', { timeout: FUZZ_TIMEOUT }, () => {
  it(`a frozen config with hidden secrets, or an SsaConfigError naming each bad variable (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(env(), ({ extras, ...tagged }) => {
        const input: Record<string, string> = {};
        for (const [name, value] of Object.entries(extras)) if (!(CONFIG_VARIABLES as readonly string[]).includes(name)) input[name] = value;
        for (const [name, [value]] of Object.entries(tagged)) if (value !== undefined) input[name] = value as string;
        const inline = tagged.APS_SA_PRIVATE_KEY[0];
        const file = tagged.APS_SA_PRIVATE_KEY_FILE[0];
        // Which variables must be reported: each invalid one; both key variables set, or neither.
        const isKeyVariable = (name: string): boolean => name.startsWith('APS_SA_PRIVATE_KEY');
        const mustFail = Object.entries(tagged)
          .filter(([name, [value, valid]]) => valid === false && !(isKeyVariable(name) && value === undefined))
          .map(([name]) => name);
        const keyClash = inline !== undefined && inline !== '' && file !== undefined && file !== '';
        const noKey = (inline === undefined || inline === '') && (file === undefined || file === '');
        const mayPass = !keyClash && !noKey && mustFail.length === 0;
        const mustPass = mayPass && Object.entries(tagged).every(([name, [value, valid]]) => valid === true || (isKeyVariable(name) && (value === undefined || value === '')));

        let config: ReturnType<typeof configFromEnv>;
        try {
          config = configFromEnv(input);
        } catch (err) {
          expectTypedError(err, SsaConfigError, ['ERR_SSA_CONFIG'], ring.leaks);
          expect(mustPass, `refused a valid environment: ${err.message}`).toBe(false);
          const reported = err.problems.map((p) => p.variable);
          for (const problem of err.problems) expect(CONFIG_VARIABLES).toContain(problem.variable);
          for (const name of mustFail) {
            // A clash is reported on the file variable, and hides what is wrong with either value.
            if (keyClash && isKeyVariable(name)) continue;
            expect(reported).toContain(name);
          }
          if (keyClash) expect(reported).toContain('APS_SA_PRIVATE_KEY_FILE');
          if (noKey) expect(reported).toContain('APS_SA_PRIVATE_KEY');
          return;
        }
        expect(mayPass, 'accepted an invalid environment').toBe(true);
        expect(Object.isFrozen(config)).toBe(true);
        expect(config.clientId).toBe(input.APS_CLIENT_ID);
        expect(config.clientSecret).toBe(input.APS_CLIENT_SECRET);
        expect(config.privateKey.asymmetricKeyType).toBe('rsa');
        expect(config.scopes.length).toBeGreaterThan(0);
        expect(new URL(config.baseUrl).protocol).toMatch(/^https?:$/);
        expect(ring.leaks.findIn(config, 'SsaConfig')).toBeUndefined();
        for (const warning of config.warnings) expect(ring.leaks.findIn(warning, 'warning')).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  // JavaScript callers can pass any object as `env` (a parsed config file, a test fixture).
  it(`values that are not strings: a typed error or a config, never a TypeError (${RUNS} runs)`, () => {
    const value = fc.oneof(fc.string({ maxLength: 10 }), fc.anything({ maxDepth: 1 }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...CONFIG_VARIABLES), value), (input) => {
        try {
          configFromEnv(input as NodeJS.ProcessEnv);
        } catch (err) {
          expectTypedError(err, SsaConfigError, ['ERR_SSA_CONFIG'], ring.leaks);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
