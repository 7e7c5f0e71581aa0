import { generateKeyPairSync } from 'node:crypto';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envLine, keySettingsLines } from './env-lines.js';

describe('keySettingsLines', () => {
  it('points at the key file and unsets an inline key written earlier in the same env file', () => {
    const lines = keySettingsLines({ serviceAccountId: 'SA1', keyId: 'k-1', privateKeyFile: '/home/me/key.pem' });
    expect(lines).toEqual(['APS_SA_ID=SA1', 'APS_SA_KEY_ID=k-1', 'APS_SA_PRIVATE_KEY_FILE=/home/me/key.pem', 'APS_SA_PRIVATE_KEY=']);
    const appended = parseEnv(`APS_SA_PRIVATE_KEY="-----BEGIN X-----\\nA\\n-----END X-----"\nAPS_SA_KEY_ID=old\n${lines.join('\n')}\n`);
    expect(appended).toEqual({ APS_SA_ID: 'SA1', APS_SA_KEY_ID: 'k-1', APS_SA_PRIVATE_KEY_FILE: '/home/me/key.pem', APS_SA_PRIVATE_KEY: '' });
  });

  it('inlines the PEM when asked, and it reads back with real newlines', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const lines = keySettingsLines({ serviceAccountId: 'SA1', keyId: 'k-1', privateKey: pem });
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('APS_SA_PRIVATE_KEY_FILE=');
    expect(parseEnv(lines.join('\n')).APS_SA_PRIVATE_KEY).toBe(pem);
  });
});

describe('envLine', () => {
  it.each([
    ['/plain/path-1.pem', 'X=/plain/path-1.pem'],
    ['/with space/key.pem', "X='/with space/key.pem'"],
    ["/it's/key.pem", 'X="/it\'s/key.pem"'],
  ])('quotes %s only as needed, readable back', (value, line) => {
    expect(envLine('X', value)).toBe(line);
    expect(parseEnv(line).X).toBe(value);
  });
});
