import { generateKeyPairSync } from 'node:crypto';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EmulatorOptionError } from '../errors.js';
import { formatEnvFile } from './env-file.js';

describe('formatEnvFile', () => {
  it('round-trips a multi-line PEM and spaced values through util.parseEnv', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const env = { APS_SA_PRIVATE_KEY: pem, APS_SCOPES: 'data:read user-profile:read', APS_BASE_URL: 'http://127.0.0.1:1234' };
    const text = formatEnvFile(env, 'first line\nsecond line');
    expect(text.startsWith('# first line\n# second line\nAPS_SA_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(6);
    expect(parseEnv(text)).toEqual(env);
  });

  it('refuses values that cannot round-trip and bad names', () => {
    expect(() => formatEnvFile({ A: 'say "hi"' })).toThrow(
      new EmulatorOptionError('The value of A contains a quote or backslash and cannot be written to an env file.'),
    );
    expect(() => formatEnvFile({ 'A B': 'x' })).toThrow(new EmulatorOptionError('Invalid variable name "A B".'));
  });
});
