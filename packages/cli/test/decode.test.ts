import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { Workspace } from './cli-process.js';
import { memoryIo } from './memory-io.js';

// The example assertion of APS's "JWT Assertions" page (reference §9); its private key is not published.
const DOCS_ASSERTION =
  'eyJraWQiOiI1ZGU5OTNmNC02MmIwLTQ5NWEtYTQzYS1iOTg5NmQ2ZTk1ODIiLCJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJKbE85VEExempmSlFPR1hwSm1xOUpISlNJMEQ0VWtRNCIsInN1YiI6Ilo3NTJDVDVNS1cyUzlON0UiLCJhdWQiOiJodHRwczovL2RldmVsb3Blci5hcGkuYXV0b2Rlc2suY29tL2F1dGhlbnRpY2F0aW9uL3YyL3Rva2VuIiwiZXhwIjoxNzEwOTA3MTAwLCJzY29wZSI6WyJ1c2VyOnJlYWQiLCJkYXRhOnJlYWQiXX0.p9RNN28G38VCczbO6JgkTRfcb079_xDcDm2i4-HUqUdSZKre6jllx1IWhmwG0cm79EhC3OjJ0_zoPfKj2sP4lrPm27iXzd6x_SfD4LKS4zAJI2IERXjU05T9zWU4bfZWk0EinBysV0stvvEtZIBHczD_uAXCB5YLvyBX-O_kXqqkigNQupG9RsmE4GOjhG7pGLL_tdDYXkN46JAw-vMyXlhsdOntuZCjDOpcD4hsIueKwaqm6aLBKUTE1Htwpk0MUYmvl7AF03XDgWjhwRnJVOk_MkdF44bjSCAmsQ5uTYbWipUJjDqUy38b4xiRRRB0_qsg_kZ-DBOAFzUtYN6ilA';
const DOCS_EXP = 1710907100;
const TWO_YEARS_LATER = Date.parse('2026-03-21T00:00:00Z');

function jwt(header: object, claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.${Buffer.alloc(256, 1).toString('base64url')}`;
}

describe('aps-ssa decode (in-process, frozen clock)', () => {
  it("shows the docs' example assertion: header, claims, exp in human time, and that it has expired", async () => {
    const { io, stdout, stderr } = memoryIo({ now: TWO_YEARS_LATER });
    expect(await main(['decode', DOCS_ASSERTION], io)).toBe(0);
    expect(stderr()).toBe('');
    expect(stdout()).toBe(
      [
        'Header',
        '  kid  "5de993f4-62b0-495a-a43a-b9896d6e9582"',
        '  alg  "RS256"',
        '',
        'Claims',
        '  iss    "JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4"',
        '  sub    "Z752CT5MKW2S9N7E"',
        '  aud    "https://developer.api.autodesk.com/authentication/v2/token"',
        '  exp    1710907100  2024-03-20T03:58:20Z (expired 2 years ago)',
        '  scope  ["user:read","data:read"]',
        '',
        'Signature: 256 bytes, not verified',
        '',
        `SSA assertion checks (the causes of "The 'assertion' is invalid." visible locally):`,
        `  ✗ expired: The assertion expired ${TWO_YEARS_LATER / 1000 - DOCS_EXP} s ago (exp); sign a new one for each exchange.`,
        '',
      ].join('\n'),
    );
  });

  it('shows the time left while the assertion is valid, and no visible issue', async () => {
    const { io, stdout } = memoryIo({ now: (DOCS_EXP - 239) * 1000 });
    expect(await main(['decode', DOCS_ASSERTION], io)).toBe(0);
    expect(stdout()).toContain('  exp    1710907100  2024-03-20T03:58:20Z (in 3m 59s)\n');
    expect(stdout()).toContain('  ✓ none visible');
    expect(stdout()).not.toContain('✗');
  });

  it('--json: header, claims, times, signature size and issues', async () => {
    const { io, stdout } = memoryIo({ now: TWO_YEARS_LATER });
    expect(await main(['decode', '--json', DOCS_ASSERTION], io)).toBe(0);
    expect(JSON.parse(stdout())).toEqual({
      header: { kid: '5de993f4-62b0-495a-a43a-b9896d6e9582', alg: 'RS256' },
      claims: {
        iss: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
        sub: 'Z752CT5MKW2S9N7E',
        aud: 'https://developer.api.autodesk.com/authentication/v2/token',
        exp: DOCS_EXP,
        scope: ['user:read', 'data:read'],
      },
      times: { exp: { iso: '2024-03-20T03:58:20Z', relative: 'expired 2 years ago' } },
      signatureBytes: 256,
      ssaAssertion: true,
      issues: [{ cause: 'expired', message: expect.stringMatching(/^The assertion expired \d+ s ago/) }],
    });
  });

  it('lists each documented cause it can see in a bad assertion, and checks iss against APS_CLIENT_ID', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const bad = jwt(
      { alg: 'RS256', kid: 'Z752CT5MKW2S9N7E' },
      { iss: 'someone-else', sub: 'Z752CT5MKW2S9N7E', aud: 'https://developer.api.autodesk.com/authentication/v2/token', exp: now / 1000 + 3600, scope: 'data:read' },
    );
    const { io, stdout } = memoryIo({ now, env: { APS_CLIENT_ID: 'my-client' } });
    expect(await main(['decode', '--json', bad], io)).toBe(0);
    expect(JSON.parse(stdout()).issues.map((i: { cause: string }) => i.cause)).toEqual(['kid', 'scope-not-array', 'exp-too-far', 'iss']);
  });

  it('shows an access token without the SSA assertion checks', async () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const token = jwt({ alg: 'RS256', kid: 'k1' }, { aud: 'https://autodesk.com', jti: 'SA-1', iat: now / 1000 - 60, exp: now / 1000 + 3540 });
    const { io, stdout } = memoryIo({ now });
    expect(await main(['decode', `Bearer ${token}`], io)).toBe(0);
    expect(stdout()).toContain('  iat  1767225540  2025-12-31T23:59:00Z (1m 0s ago)\n');
    expect(stdout()).toContain('  exp  1767229140  2026-01-01T00:59:00Z (in 59m 0s)\n');
    expect(stdout()).not.toContain('SSA assertion checks');
  });
});

describe('aps-ssa decode (spawned)', () => {
  it('reads the JWT from stdin with -', async () => {
    const ws = new Workspace();
    try {
      const result = await ws.run(['decode', '-', '--json'], { input: `${DOCS_ASSERTION}\n` });
      expect(result.code).toBe(0);
      const doc = JSON.parse(result.stdout);
      expect(doc.claims.sub).toBe('Z752CT5MKW2S9N7E');
      expect(doc.times.exp.relative).toMatch(/^expired \d+ (years?|months?) ago$/);
    } finally {
      ws.remove();
    }
  });

  it('fails with exit 1 on something that is not a JWT, and 2 without an argument', async () => {
    const ws = new Workspace();
    try {
      const notJwt = await ws.run(['decode', 'hello.world']);
      expect(notJwt).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'aps-ssa decode: The input is not a JWT: it needs three base64url parts (header.claims.signature), the first two JSON objects. (ERR_CLI_NOT_A_JWT)\n',
      });
      const empty = await ws.run(['decode', '-'], { input: '' });
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/^aps-ssa decode: Nothing was read from stdin; .* \(ERR_CLI_STDIN\)\n$/);
      const missing = await ws.run(['decode']);
      expect(missing).toEqual({ code: 2, stdout: '', stderr: "aps-ssa decode: Missing argument JWT. See 'aps-ssa decode --help'.\n" });
    } finally {
      ws.remove();
    }
  });
});
