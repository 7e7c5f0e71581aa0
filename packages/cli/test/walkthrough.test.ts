import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, Workspace } from './cli-process.js';

/** The `npx aps-ssa …` lines of the README's walkthrough, in order. */
function walkthroughCommands(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Walkthrough')) ?? '';
  return section.split('\n').filter((line) => line.startsWith('npx aps-ssa '));
}

describe("the README walkthrough: the docs' three steps with the CLI alone", () => {
  let ws: Workspace;
  let emulator: ReturnType<typeof spawn> | undefined;

  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(() => {
    emulator?.kill('SIGTERM');
    ws.remove();
  });

  it('runs as written: emulator in one terminal, then keys create, assertion and token', async () => {
    const [start, ...steps] = walkthroughCommands();
    expect(start).toBe('npx aps-ssa emulator --write-env .env');
    expect(steps.map((line) => line.split('#')[0]?.trim())).toEqual([
      'npx aps-ssa keys create --env-file .env --out key.pem >> .env',
      'npx aps-ssa assertion --env-file .env',
      'npx aps-ssa token --env-file .env',
    ]);
    // npx runs the workspace's node_modules/.bin/aps-ssa; the scratch directory puts the same link first on PATH.
    const local = (line: string) => line.replace(/^npx aps-ssa /, 'aps-ssa ');

    // Spawned without a shell (the line has no shell syntax), so that SIGTERM reaches the emulator itself.
    const [command = '', ...args] = local(start ?? '').split(' ');
    emulator = spawn(command, args, { cwd: ws.dir, env: ws.env() });
    const stopped = collect(emulator);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      emulator?.stdout?.on('data', (chunk: string) => {
        seen += chunk;
        if (seen.includes('written to .env')) resolve();
      });
      emulator?.on('close', () => reject(new Error(`the emulator stopped: ${seen}`)));
    });
    const seeded = parseEnv(readFileSync(ws.path('.env'), 'utf8'));

    const results = [];
    for (const step of steps) results.push(await ws.sh(local(step)));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);

    const [created, assertion, token] = results;
    const env = parseEnv(readFileSync(ws.path('.env'), 'utf8'));
    expect(env.APS_SA_KEY_ID).not.toBe(seeded.APS_SA_KEY_ID);
    expect(env).toMatchObject({ APS_SA_ID: seeded.APS_SA_ID, APS_SA_PRIVATE_KEY_FILE: ws.path('key.pem'), APS_SA_PRIVATE_KEY: '' });
    expect(statSync(ws.path('key.pem')).mode & 0o777).toBe(0o600);
    expect(created?.stderr).toContain(`Created key ${env.APS_SA_KEY_ID} for service account ${seeded.APS_SA_ID}.`);

    const header = JSON.parse(Buffer.from(assertion?.stdout.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'RS256', kid: env.APS_SA_KEY_ID });

    const introspection = await fetch(`${env.APS_BASE_URL}/authentication/v2/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${env.APS_CLIENT_ID}:${env.APS_CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ token: token?.stdout.trim() ?? '' }),
    });
    expect(await introspection.json()).toMatchObject({ active: true, userid: seeded.APS_SA_ID });

    emulator.kill('SIGTERM');
    expect((await stopped).code).toBe(0);
  });
});
