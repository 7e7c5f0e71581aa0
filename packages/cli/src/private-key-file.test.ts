import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrivateKeyFile } from './private-key-file.js';

describe('PrivateKeyFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aps-ssa-keyfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the key with mode 0600 and leaves nothing else behind', async () => {
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), false);
    await file.write('PEM');
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('PEM');
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });

  it('refuses an existing file before any key is created, unless forced', async () => {
    writeFileSync(join(dir, 'key.pem'), 'OLD');
    await expect(PrivateKeyFile.reserve(join(dir, 'key.pem'), false)).rejects.toMatchObject({
      code: 'ERR_CLI_OUT_FILE',
      message: `${join(dir, 'key.pem')} already exists and may hold another key; choose another --out path, or add --force to replace it.`,
    });
    const forced = await PrivateKeyFile.reserve(join(dir, 'key.pem'), true);
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('OLD');
    await forced.write('NEW');
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('NEW');
  });

  it('does not clobber a file that appeared after the reservation', async () => {
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), false);
    writeFileSync(join(dir, 'key.pem'), 'OTHER');
    await expect(file.write('PEM')).rejects.toMatchObject({ code: 'ERR_CLI_OUT_FILE', message: `Cannot write the private key file ${join(dir, 'key.pem')} (EEXIST).` });
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('OTHER');
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });

  it('names an unwritable place, and discard() leaves nothing behind', async () => {
    await expect(PrivateKeyFile.reserve(join(dir, 'missing', 'key.pem'), false)).rejects.toMatchObject({
      code: 'ERR_CLI_OUT_FILE',
      message: `Cannot write the private key file ${join(dir, 'missing', 'key.pem')} (ENOENT).`,
    });
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), false);
    await file.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});
