import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { loadEnv } from './env-file.js';

describe('loadEnv', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aps-ssa-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('overlays the files on the environment, later files winning, without touching the environment', async () => {
    writeFileSync(join(dir, 'a.env'), 'APS_SA_ID=FROMA\nAPS_SCOPES="data:read data:write"\nAPS_SA_PRIVATE_KEY="line1\\nline2"\n');
    writeFileSync(join(dir, 'b.env'), '# later\nAPS_SA_ID=FROMB\nAPS_SA_PRIVATE_KEY=\n');
    const base = Object.freeze({ APS_SA_ID: 'FROMENV', APS_CLIENT_ID: 'client', OTHER: 'x' });
    const env = await loadEnv(base, ['a.env', join(dir, 'b.env')], dir);
    expect(env).toEqual({ APS_SA_ID: 'FROMB', APS_CLIENT_ID: 'client', OTHER: 'x', APS_SCOPES: 'data:read data:write', APS_SA_PRIVATE_KEY: '' });
    expect(base.APS_SA_ID).toBe('FROMENV');
    expect(process.env.APS_SA_ID).toBeUndefined();
  });

  it('reads real newlines back from a double-quoted \\n value', async () => {
    writeFileSync(join(dir, '.env'), 'APS_SA_PRIVATE_KEY="-----BEGIN X-----\\nAAAA\\n-----END X-----\\n"\n');
    const env = await loadEnv({}, ['.env'], dir);
    expect(env.APS_SA_PRIVATE_KEY).toBe('-----BEGIN X-----\nAAAA\n-----END X-----\n');
  });

  it('names a missing file and how to get one', async () => {
    const error = await loadEnv({}, ['missing.env'], dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({
      code: 'ERR_CLI_ENV_FILE',
      message:
        'Cannot read the env file missing.env (no such file). Check the path; `aps-ssa emulator --write-env missing.env` writes one for the emulator.',
    });
  });
});
