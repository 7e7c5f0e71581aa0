import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRsaKey } from '../../test/support/keys.js';
import { SsaConfigError } from '../errors.js';
import type { SsaError } from '../errors.js';
import { watchKeyFile } from './key-file.js';
import type { SigningKey } from './signing-key.js';

const dir = mkdtempSync(join(tmpdir(), 'aps-ssa-key-file-'));
const pem = makeRsaKey().pkcs1;
writeFileSync(join(dir, 'key.pem'), pem, { mode: 0o600 });
const watches: { close(): void }[] = [];
afterEach(() => watches.splice(0).forEach((watch) => watch.close()));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Writes a key file atomically (another file renamed over it), as the README says to. */
function writeKeyFile(name: string, text: string): string {
  writeFileSync(join(dir, `${name}.new`), text);
  renameSync(join(dir, `${name}.new`), join(dir, name));
  return join(dir, name);
}

/** A rotateKey() target that records the keys it is handed. */
function recorder(): { keys: SigningKey[]; rotateKey(key: SigningKey): void } {
  const keys: SigningKey[] = [];
  return { keys, rotateKey: (key) => void keys.push(key) };
}

describe('watchKeyFile', () => {
  it('applies the file at once, then each new key id it is given, with the key file path resolved beside it', async () => {
    const file = writeKeyFile('a.env', 'APS_SA_ID=SA1\nAPS_SA_KEY_ID=k1\nAPS_SA_PRIVATE_KEY_FILE=key.pem\n');
    const target = recorder();
    const watch = watchKeyFile(file, target, { interval: 10 });
    watches.push(watch);
    expect(target.keys).toEqual([{ keyId: 'k1', privateKey: join(dir, 'key.pem'), serviceAccountId: 'SA1' }]);

    writeKeyFile('a.env', `APS_SA_KEY_ID=k2\nAPS_SA_PRIVATE_KEY="${pem.replace(/\n/g, '\\n')}"\nAPS_SA_PRIVATE_KEY_FILE=\n`);
    await expect.poll(() => watch.keyId, { timeout: 15_000 }).toBe('k2');
    expect(target.keys.at(-1)).toEqual({ keyId: 'k2', privateKey: pem });
  });

  it('keeps the current key when the file changes into something unusable, and tells onError', async () => {
    const file = writeKeyFile('b.env', 'APS_SA_KEY_ID=k1\nAPS_SA_PRIVATE_KEY_FILE=key.pem\n');
    const errors: SsaError[] = [];
    const target = recorder();
    const watch = watchKeyFile(file, target, { interval: 10, onError: (error) => void errors.push(error) });
    watches.push(watch);
    writeKeyFile('b.env', 'APS_SA_KEY_ID=k2\n');
    await expect.poll(() => errors.length, { timeout: 15_000 }).toBe(1);
    expect(errors[0]).toBeInstanceOf(SsaConfigError);
    expect(errors[0]!.message).toContain('APS_SA_PRIVATE_KEY_FILE: or APS_SA_PRIVATE_KEY (one of the two) must be set');
    expect(watch.keyId).toBe('k1');
    expect(target.keys).toHaveLength(1);
  });

  it('refuses a missing or keyless file, and unknown options', () => {
    expect(() => watchKeyFile(join(dir, 'missing.env'), recorder())).toThrow(SsaConfigError);
    expect(() => watchKeyFile(writeKeyFile('c.env', 'APS_SA_PRIVATE_KEY_FILE=key.pem\n'), recorder())).toThrow(/APS_SA_KEY_ID: is missing/);
    expect(() => watchKeyFile(writeKeyFile('d.env', 'APS_SA_KEY_ID=k\nAPS_SA_PRIVATE_KEY_FILE=key.pem\n'), recorder(), { intreval: 5 } as never)).toThrow(
      /Did you mean `interval`/,
    );
  });
});
