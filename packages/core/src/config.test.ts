import { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeRsaKey } from '../test/support/keys.js';
import type { TestKey } from '../test/support/keys.js';
import { expectNoSecrets } from '../test/support/secrets.js';
import { configFromEnv, normalizeBaseUrl } from './config.js';
import { SsaConfigError, SsaOptionError } from './errors.js';
import type { SsaConfigProblem } from './errors.js';

const SECRET = 'sEcReT-Value-0123456789-abcdefghijklmnop';
let key: TestKey;
let env: Record<string, string>;
let dir: string;

beforeAll(() => {
  key = makeRsaKey();
  dir = mkdtempSync(join(tmpdir(), 'aps-ssa-config-'));
  env = {
    APS_CLIENT_ID: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
    APS_CLIENT_SECRET: SECRET,
    APS_SA_ID: '6BNJQT7RR7GTJ5QY',
    APS_SA_KEY_ID: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5',
    APS_SA_PRIVATE_KEY: key.pkcs1,
    APS_SCOPES: 'data:read, data:write  user:read,data:read',
    PATH: '/usr/bin',
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(overrides: Record<string, string | undefined>): SsaConfigProblem[] {
  const merged: Record<string, string | undefined> = { ...env, ...overrides };
  let caught: unknown;
  try {
    configFromEnv(merged);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SsaConfigError);
  const error = caught as SsaConfigError;
  expect(error.code).toBe('ERR_SSA_CONFIG');
  expectNoSecrets(error, [SECRET, ...key.material]);
  for (const problem of error.problems) expect(error.message).toContain(`  - ${problem.variable}: ${problem.message}`);
  return [...error.problems];
}

describe('configFromEnv', () => {
  it('reads the variables Autodesk samples use', () => {
    const config = configFromEnv(env);
    expect(config.clientId).toBe(env.APS_CLIENT_ID);
    expect(config.clientSecret).toBe(SECRET);
    expect(config.serviceAccountId).toBe('6BNJQT7RR7GTJ5QY');
    expect(config.keyId).toBe('c546e44b-4b98-48cc-a4fa-7a3af5289af5');
    expect(config.privateKey).toBeInstanceOf(KeyObject);
    expect(config.privateKey.export({ type: 'pkcs8', format: 'pem' })).toBe(key.pkcs8);
    expect(config.scopes).toEqual(['data:read', 'data:write', 'user:read']);
    expect(config.baseUrl).toBe('https://developer.api.autodesk.com');
    expect(config.warnings).toEqual([]);
  });

  it('reads process.env by default', () => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    try {
      expect(configFromEnv().serviceAccountId).toBe('6BNJQT7RR7GTJ5QY');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('returns a frozen object', () => {
    const config = configFromEnv(env);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.scopes)).toBe(true);
    expect(() => {
      (config as { clientId: string }).clientId = 'x';
    }).toThrow(TypeError);
  });

  it('hides the secret and the key from JSON, inspect, keys and spreads', () => {
    const config = configFromEnv(env);
    const json = JSON.stringify(config);
    expect(JSON.parse(json)).toEqual({
      clientId: env.APS_CLIENT_ID,
      clientSecret: '[redacted]',
      serviceAccountId: '6BNJQT7RR7GTJ5QY',
      keyId: 'c546e44b-4b98-48cc-a4fa-7a3af5289af5',
      privateKey: '[redacted]',
      scopes: ['data:read', 'data:write', 'user:read'],
      baseUrl: 'https://developer.api.autodesk.com',
      warnings: [],
    });
    expect(inspect(config)).toMatch(/^SsaConfig \{[\s\S]*clientSecret: '\[redacted\]'[\s\S]*privateKey: '\[redacted\]'/);
    expect(Object.keys(config)).not.toContain('clientSecret');
    expect(Object.keys(config)).not.toContain('toJSON');
    expect({ ...config }).not.toHaveProperty('clientSecret');
    expectNoSecrets([json, inspect(config), inspect(config, { showHidden: true, depth: 5 }), String(config)], [SECRET, ...key.material]);
  });

  it('accepts the key as a file, escaped, or base64', () => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, key.pkcs8);
    const forms = [
      { APS_SA_PRIVATE_KEY: undefined, APS_SA_PRIVATE_KEY_FILE: file },
      { APS_SA_PRIVATE_KEY: key.pkcs1.replace(/\n/g, '\\n') },
      { APS_SA_PRIVATE_KEY: Buffer.from(key.pkcs1).toString('base64') },
      { APS_SA_PRIVATE_KEY: file },
    ];
    for (const form of forms) {
      expect(configFromEnv({ ...env, ...form }).privateKey.export({ type: 'pkcs8', format: 'pem' })).toBe(key.pkcs8);
    }
  });

  it('accepts a loopback http base URL (the emulator) and drops a trailing slash', () => {
    expect(configFromEnv({ ...env, APS_BASE_URL: 'http://127.0.0.1:4010/' }).baseUrl).toBe('http://127.0.0.1:4010');
    expect(configFromEnv({ ...env, APS_BASE_URL: 'http://localhost:4010' }).baseUrl).toBe('http://localhost:4010');
    expect(configFromEnv({ ...env, APS_BASE_URL: 'http://[::1]:4010' }).baseUrl).toBe('http://[::1]:4010');
    expect(configFromEnv({ ...env, APS_BASE_URL: 'https://proxy.example.com/aps/' }).baseUrl).toBe('https://proxy.example.com/aps');
  });

  it('warns about a key id that is not a UUID and a misspelt variable, but accepts them', () => {
    const config = configFromEnv({ ...env, APS_SA_KEY_ID: '6BNJQT7RR7GTJ5QY', APS_SA_PRIVATEKEY: 'x', APS_SA_EMAIL: 'sa@x.adskserviceaccount.com' });
    expect(config.keyId).toBe('6BNJQT7RR7GTJ5QY');
    expect(config.warnings).toEqual([
      { variable: 'APS_SA_KEY_ID', message: expect.stringMatching(/^does not look like a key id \(a UUID such as .*\); check that it is the key id/) },
      { variable: 'APS_SA_PRIVATEKEY', message: 'is not read by aps-ssa. Did you mean `APS_SA_PRIVATE_KEY`?' },
    ]);
  });

  it('refuses scopes written as a JSON array, and warns about a scope APS does not document', () => {
    expect(problemsOf({ APS_SCOPES: '["data:read","user-profile:read"]' })).toEqual([
      { variable: 'APS_SCOPES', message: 'is written as a JSON array; list the scopes separated by spaces instead, e.g. APS_SCOPES="data:read user-profile:read".' },
    ]);
    expect(configFromEnv({ ...env, APS_SCOPES: 'data:read data:raed' }).warnings).toEqual([
      { variable: 'APS_SCOPES', message: 'lists "data:raed", which is not a scope APS documents (APS rejects the assertion of an unknown scope); check its spelling.' },
    ]);
    expect(configFromEnv({ ...env, APS_SCOPES: 'data:read:urn:adsk.objects:os.object:b/o application:service_account:read' }).warnings).toEqual([]);
  });

  it('reports every missing variable at once', () => {
    const problems = problemsOf(Object.fromEntries(Object.keys(env).map((name) => [name, undefined])));
    expect(problems.map((p) => p.variable)).toEqual(['APS_CLIENT_ID', 'APS_CLIENT_SECRET', 'APS_SA_ID', 'APS_SA_KEY_ID', 'APS_SA_PRIVATE_KEY', 'APS_SCOPES']);
    expect(problems[0]?.message).toBe("is not set; set it to the APS app's client id.");
    expect(problems[4]?.message).toMatch(/^is not set; set it to the private key that Create Key returned .* or set APS_SA_PRIVATE_KEY_FILE/);
    expect(problems[5]?.message).toMatch(/^is not set; list the scopes the token needs, separated by spaces or commas/);
  });

  it('treats empty variables as missing', () => {
    expect(problemsOf({ APS_CLIENT_SECRET: '', APS_SCOPES: ' , ' }).map((p) => p.variable)).toEqual(['APS_CLIENT_SECRET', 'APS_SCOPES']);
  });

  it('reports malformed values without echoing them', () => {
    const problems = problemsOf({
      APS_CLIENT_SECRET: `${SECRET}\n`,
      APS_SA_ID: ' 6BNJQT7RR7GTJ5QY',
      APS_SA_PRIVATE_KEY: key.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      APS_BASE_URL: 'http://aps.example.com',
    });
    expect(problems).toEqual([
      { variable: 'APS_CLIENT_SECRET', message: 'contains whitespace (a stray space or trailing newline?); remove it.' },
      { variable: 'APS_SA_ID', message: 'contains whitespace (a stray space or trailing newline?); remove it.' },
      { variable: 'APS_SA_PRIVATE_KEY', message: expect.stringMatching(/^The private key value is a public key, not a private key\. .* \(ERR_SSA_KEY_PUBLIC\)$/) },
      { variable: 'APS_BASE_URL', message: expect.stringMatching(/^uses plain http: for a host that is not this machine; the client secret and assertion would cross the network unencrypted/) },
    ]);
  });

  // Found by test/trust fuzzing: `{ APS_SCOPES: {} }` threw "(read(...) ?? "").split is not a function".
  it('reports values that are not strings (JavaScript callers), once per variable', () => {
    expect(problemsOf({ APS_SCOPES: {} } as unknown as Record<string, string>)).toEqual([
      { variable: 'APS_SCOPES', message: 'must be a string, as in process.env; got an object.' },
    ]);
    expect(problemsOf({ APS_SA_ID: 42, APS_SA_PRIVATE_KEY: null, APS_BASE_URL: ['https://x'] } as unknown as Record<string, string>)).toEqual([
      { variable: 'APS_SA_ID', message: 'must be a string, as in process.env; got a number.' },
      { variable: 'APS_SA_PRIVATE_KEY', message: 'must be a string, as in process.env; got null.' },
      { variable: 'APS_BASE_URL', message: 'must be a string, as in process.env; got an array.' },
    ]);
  });

  it('never quotes a PEM set as the key file path', () => {
    expect(problemsOf({ APS_SA_PRIVATE_KEY: undefined, APS_SA_PRIVATE_KEY_FILE: key.pkcs1 })).toEqual([
      {
        variable: 'APS_SA_PRIVATE_KEY_FILE',
        message: expect.stringMatching(/^The private key file \(its path is not shown: it is too long, or could be key material\) .* \(ERR_SSA_KEY_FILE\)$/),
      },
    ]);
  });

  it('refuses both key variables at once, and reports an unreadable key file', () => {
    expect(problemsOf({ APS_SA_PRIVATE_KEY_FILE: join(dir, 'key.pem') })).toEqual([
      { variable: 'APS_SA_PRIVATE_KEY_FILE', message: 'is set together with APS_SA_PRIVATE_KEY; set only one of the two.' },
    ]);
    expect(problemsOf({ APS_SA_PRIVATE_KEY: undefined, APS_SA_PRIVATE_KEY_FILE: join(dir, 'absent.pem') })).toEqual([
      { variable: 'APS_SA_PRIVATE_KEY_FILE', message: expect.stringMatching(/^The private key file `.*absent\.pem` does not exist .* \(ERR_SSA_KEY_FILE\)$/) },
    ]);
  });

  it('rejects base URLs that are not absolute http(s) URLs without credentials, query or fragment', () => {
    const cases: Array<[string, RegExp]> = [
      ['developer.api.autodesk.com', /^must be an absolute URL such as "https:\/\/developer\.api\.autodesk\.com"\.$/],
      ['ftp://developer.api.autodesk.com', /^must be an http\(s\) URL .*, not ftp:\.$/],
      ['https://user:pw@developer.api.autodesk.com', /^must not contain credentials/],
      ['https://developer.api.autodesk.com/?region=EMEA', /^must not have a query string or a #fragment\.$/],
    ];
    for (const [value, message] of cases) {
      expect(problemsOf({ APS_BASE_URL: value })).toEqual([{ variable: 'APS_BASE_URL', message: expect.stringMatching(message) }]);
    }
  });
});

describe('configFromEnv overrides', () => {
  it('take the place of their variables, which are then not read at all', () => {
    const { APS_SA_PRIVATE_KEY: _key, ...rest } = env;
    const keyObject = makeRsaKey().privateKey;
    const config = configFromEnv(
      { ...rest, APS_SA_PRIVATE_KEY_FILE: '/nowhere/key.pem', APS_SCOPES: '', APS_CLIENT_ID: 'has whitespace ' },
      { privateKey: keyObject, scopes: ['data:read'], clientId: 'OverrideClientId' },
    );
    // The key given is used as it is: not exported to PEM and loaded again.
    expect(config.privateKey).toBe(keyObject);
    expect(config).toMatchObject({ clientId: 'OverrideClientId', scopes: ['data:read'], serviceAccountId: env.APS_SA_ID });
  });

  it('are checked as options, and an unknown one is refused with a suggestion', () => {
    expect(() => configFromEnv(env, { keyId: 'a b' })).toThrow(SsaOptionError);
    expect(() => configFromEnv(env, { keyId: 'a b' })).toThrow('`keyId` contains whitespace');
    expect(() => configFromEnv(env, { scope: ['data:read'] } as never)).toThrow('Unknown option `scope` passed to configFromEnv(). Did you mean `scopes`?');
  });
});

describe('configFromEnv misuse', () => {
  it('rejects an environment that is not an object', () => {
    expect(() => configFromEnv(null as unknown as NodeJS.ProcessEnv)).toThrow(SsaOptionError);
    expect(() => configFromEnv(null as unknown as NodeJS.ProcessEnv)).toThrow(/^configFromEnv\(\) expects an environment object such as process\.env, got null\.$/);
  });
});

describe('normalizeBaseUrl', () => {
  it('defaults, trims the trailing slash, and throws SsaOptionError naming the option', () => {
    expect(normalizeBaseUrl(undefined)).toBe('https://developer.api.autodesk.com');
    expect(normalizeBaseUrl('https://developer.api.autodesk.com/')).toBe('https://developer.api.autodesk.com');
    expect(() => normalizeBaseUrl('http://10.0.0.8', 'baseUrl')).toThrow(SsaOptionError);
    expect(() => normalizeBaseUrl('http://10.0.0.8', 'baseUrl')).toThrow(/^`baseUrl` uses plain http: for a host that is not this machine/);
    expect(() => normalizeBaseUrl(5, 'baseUrl')).toThrow(/^`baseUrl` must be a URL string such as "https:\/\/developer\.api\.autodesk\.com", got a number\.$/);
  });
});
