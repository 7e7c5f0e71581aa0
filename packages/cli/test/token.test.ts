import type { Emulator } from '@aps-ssa/emulator';
import { describe, expect, it } from 'vitest';
import type { Workspace } from './cli-process.js';
import { useSeededEmulatorWorkspace } from './emulator-workspace.js';

describe('aps-ssa assertion and aps-ssa token, spawned against the emulator', () => {
  let emulator: Emulator;
  let ws: Workspace;
  let envFile: string;

  useSeededEmulatorWorkspace((opened) => ({ emulator, ws, envFile } = opened));

  it('assertion prints a signed assertion that the emulator accepts', async () => {
    const result = await ws.run(['assertion', '--env-file', envFile]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const assertion = result.stdout.trim();
    const [header, claims] = assertion.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'RS256', kid: emulator.seed.keyId });
    expect(claims).toMatchObject({
      iss: emulator.seed.clientId,
      sub: emulator.seed.serviceAccountId,
      aud: 'https://developer.api.autodesk.com/authentication/v2/token',
      scope: [...emulator.seed.scopes],
    });
    const response = await fetch(`${emulator.url}/authentication/v2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${emulator.seed.clientId}:${emulator.seed.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    expect(response.status).toBe(200);
  });

  it('assertion --json has the assertion, its header and claims', async () => {
    const result = await ws.run(['assertion', '--env-file', envFile, '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.assertion.split('.')).toHaveLength(3);
    expect(doc.header).toEqual({ alg: 'RS256', kid: emulator.seed.keyId });
    expect(doc.claims.sub).toBe(emulator.seed.serviceAccountId);
  });

  it('token prints just the access token, which the emulator introspects as active', async () => {
    const result = await ws.run(['token', '--env-file', envFile]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const introspection = await fetch(`${emulator.url}/authentication/v2/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${emulator.seed.clientId}:${emulator.seed.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: result.stdout.trim() }),
    });
    expect(await introspection.json()).toMatchObject({ active: true, userid: emulator.seed.serviceAccountId });
  });

  it('token --json gives the metadata without the token, and with it only on --show-token', async () => {
    const before = Date.now();
    const plain = await ws.run(['token', '--env-file', envFile, '--json']);
    expect(plain.code).toBe(0);
    const doc = JSON.parse(plain.stdout);
    expect(Object.keys(doc).sort()).toEqual(['expiresAt', 'expiresIn', 'jti', 'requestId', 'scopes', 'tokenType']);
    expect(doc).toMatchObject({ tokenType: 'Bearer', expiresIn: 3599, scopes: [...emulator.seed.scopes] });
    expect(doc.jti).toMatch(/^SA-/);
    expect(Date.parse(doc.expiresAt)).toBeGreaterThanOrEqual(before + 3599_000);
    const lastIssued = emulator.requests().at(-1)?.issued;
    expect(lastIssued?.jti).toBe(doc.jti);

    const shown = JSON.parse((await ws.run(['token', '--env-file', envFile, '--json', '--show-token'])).stdout);
    expect(shown.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('reads the variables from the environment when no --env-file is given', async () => {
    const result = await ws.run(['token', '--json'], { env: { ...emulator.seed.env } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).tokenType).toBe('Bearer');
  });

  it('lets --env-file values win over the environment', async () => {
    const result = await ws.run(['token', '--env-file', envFile, '--json'], { env: { APS_SA_ID: 'WRONGWRONGWRONG1' } });
    expect(result.code).toBe(0);
  });

  it('fails with exit 1 naming the missing variable', async () => {
    const bad = ws.writeSeedEnv(emulator, 'no-client.env', { APS_CLIENT_ID: '' });
    const result = await ws.run(['token', '--env-file', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("aps-ssa token: APS_CLIENT_ID is not set; set it to the APS app's client id. (ERR_SSA_CONFIG)\n");
  });

  it('lists every problem, one variable a line, and never echoes the secret', async () => {
    const bad = ws.writeSeedEnv(emulator, 'two.env', { APS_SCOPES: '', APS_SA_PRIVATE_KEY: 'not a key', APS_CLIENT_SECRET: 'hunter2-secret' });
    const result = await ws.run(['assertion', '--env-file', bad, '--json']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('aps-ssa assertion: the configuration has 2 problems (ERR_SSA_CONFIG):');
    expect(lines.slice(1).map((line) => line.trim().split(' ')[0])).toEqual(['APS_SA_PRIVATE_KEY', 'APS_SCOPES']);
    const doc = JSON.parse(result.stdout);
    expect(doc.error.code).toBe('ERR_SSA_CONFIG');
    expect(doc.error.problems.map((p: { variable: string }) => p.variable)).toEqual(['APS_SA_PRIVATE_KEY', 'APS_SCOPES']);
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret');
  });

  it('fails with exit 1, the reason and the code when APS refuses the client', async () => {
    const bad = ws.writeSeedEnv(emulator, 'bad-secret.env', { APS_CLIENT_SECRET: 'not-the-secret' });
    const result = await ws.run(['token', '--env-file', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^aps-ssa token: The token endpoint refused the client credentials \(HTTP 401 invalid_credentials: "The client credentials are invalid."\)\. .* \(ERR_SSA_INVALID_CLIENT\)\n$/,
    );
    expect(result.stderr).not.toContain('not-the-secret');
  });

  it('fails with exit 1 and a JSON error document when the exchange fails with --json', async () => {
    emulator.faults.inject({ kind: 'server-error', status: 503 });
    const result = await ws.run(['token', '--env-file', envFile, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'ERR_SSA_SERVER', status: 503 } });
    expect(result.stderr).toMatch(/^aps-ssa token: The token endpoint failed \(HTTP 503.*\(ERR_SSA_SERVER\)\n$/);
  });
});
