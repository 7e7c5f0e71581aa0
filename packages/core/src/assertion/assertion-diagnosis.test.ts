import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diagnoseAssertion, explainAssertionIssues, looksLikeKeyId } from './assertion-diagnosis.js';
import { APS_TOKEN_AUDIENCE, createAssertion } from './assertion.js';
import type { AssertionIssueCause } from '../errors.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const IAT = NOW / 1000;
const now = (): number => NOW;
const KEY_ID = '5de993f4-62b0-495a-a43a-b9896d6e9582';
const GOOD_CLAIMS = {
  iss: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
  sub: 'Z752CT5MKW2S9N7E',
  aud: APS_TOKEN_AUDIENCE,
  iat: IAT,
  exp: IAT + 240,
  scope: ['user:read', 'data:read'],
};
const SIGNATURE = 'c2lnbmF0dXJlLW5vdC1jaGVja2VkLWJ5LXRoZS1kaWFnbm9zaXM';

/** An assertion with any header and claims; the diagnosis never checks the signature. */
function jwt(header: object, claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.${SIGNATURE}`;
}

function causes(assertion: string): AssertionIssueCause[] {
  return diagnoseAssertion(assertion, { now }).issues.map((i) => i.cause);
}

function only(assertion: string, cause: AssertionIssueCause, message: RegExp): void {
  const { issues } = diagnoseAssertion(assertion, { now });
  expect(issues).toHaveLength(1);
  expect(issues[0]?.cause).toBe(cause);
  expect(issues[0]?.message).toMatch(message);
  expect(issues[0]?.message).not.toContain(SIGNATURE);
  expect(issues[0]?.message).not.toContain(assertion.split('.')[1]);
}

describe('diagnoseAssertion', () => {
  it('finds nothing wrong in an assertion from createAssertion, and decodes it', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const assertion = await createAssertion({ clientId: 'c', serviceAccountId: 's', keyId: KEY_ID, privateKey, scopes: ['data:read'], now });
    const diagnosis = diagnoseAssertion(assertion, { now });
    expect(diagnosis.issues).toEqual([]);
    expect(diagnosis.header).toEqual({ alg: 'RS256', kid: KEY_ID });
    expect(diagnosis.claims).toMatchObject({ iss: 'c', sub: 's', scope: ['data:read'], exp: IAT + 240 });
  });

  it("finds nothing wrong in the APS docs' example assertion (no iat, no typ) while it is fresh", () => {
    const example =
      'eyJraWQiOiI1ZGU5OTNmNC02MmIwLTQ5NWEtYTQzYS1iOTg5NmQ2ZTk1ODIiLCJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJKbE85VEExempmSlFPR1hwSm1xOUpISlNJMEQ0VWtRNCIsInN1YiI6Ilo3NTJDVDVNS1cyUzlON0UiLCJhdWQiOiJodHRwczovL2RldmVsb3Blci5hcGkuYXV0b2Rlc2suY29tL2F1dGhlbnRpY2F0aW9uL3YyL3Rva2VuIiwiZXhwIjoxNzEwOTA3MTAwLCJzY29wZSI6WyJ1c2VyOnJlYWQiLCJkYXRhOnJlYWQiXX0.sig';
    expect(diagnoseAssertion(example, { now: () => (1710907100 - 120) * 1000 }).issues).toEqual([]);
    expect(diagnoseAssertion(example, { now: () => (1710907100 + 5) * 1000 }).issues.map((i) => i.cause)).toEqual(['expired']);
  });

  it('sees a scope that is not an array of scope strings', () => {
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, scope: 'data:read data:write' }), 'scope-not-array', /^The claim scope is "data:read data:write"; APS needs a JSON array of strings, e\.g\. \["data:read"\]\.$/);
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, scope: [] }), 'scope-not-array', /^The claim scope \[\] must be a non-empty array of scope strings/);
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, scope: ['data:read data:write'] }), 'scope-not-array', /one scope each/);
  });

  it('sees a scope APS does not document: a misspelt one, or a list written as one scope', () => {
    only(
      jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, scope: ['data:read,user-profile:read'] }),
      'unknown-scope',
      /^The claim scope lists \["data:read,user-profile:read"\], which APS does not document as scopes \(such as data:read or user-profile:read\); check the spelling, one scope per array element\.$/,
    );
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, scope: ['data:read', 'data:raed'] }), 'unknown-scope', /^The claim scope lists \["data:raed"\]/);
    expect(diagnoseAssertion(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, scope: ['data:read:urn:adsk.objects:os.object:b/o'] }), { now }).issues).toEqual([]);
  });

  it('sees a missing kid, and one that is not a UUID', () => {
    only(jwt({ alg: 'RS256' }, GOOD_CLAIMS), 'kid', /^The header has no kid \(got nothing\); set it to the key id that Create Key returned\.$/);
    only(jwt({ alg: 'RS256', kid: '' }, GOOD_CLAIMS), 'kid', /^The header has no kid \(got ""\)/);
    only(jwt({ alg: 'RS256', kid: 'Z752CT5MKW2S9N7E' }, GOOD_CLAIMS), 'kid', /^The header's kid "Z752CT5MKW2S9N7E" does not look like a key id \(a UUID .*\); check that it is the key id, not the service account id/);
  });

  it('sees each missing claim', () => {
    for (const claim of ['iss', 'sub', 'aud', 'exp', 'scope'] as const) {
      const { [claim]: _dropped, ...claims } = GOOD_CLAIMS;
      only(jwt({ alg: 'RS256', kid: KEY_ID }, claims), 'missing-claim', new RegExp(`^The claim ${claim} is missing; APS requires iss, sub, aud, exp and scope\\.$`));
    }
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, sub: 42 }), 'missing-claim', /^The claim sub must be a non-empty string, got 42\.$/);
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, exp: String(IAT + 60) }), 'missing-claim', /^The claim exp must be a NumericDate/);
  });

  it('judges exp against now (the server clock: at most now + 300 s), never against iat', () => {
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, exp: IAT + 3600 }), 'exp-too-far', /^The claim exp is 3600 s from now; APS accepts at most 300 s .* signing clock runs ahead\.$/);
    const { iat: _iat, ...noIat } = GOOD_CLAIMS;
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...noIat, exp: IAT + 301 }), 'exp-too-far', /^The claim exp is 301 s from now; APS accepts at most 300 s .* signing clock runs ahead\.$/);
    expect(causes(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, exp: IAT + 300 }))).toEqual([]);
    // A long-lived iat does not matter: APS checks exp against its clock only (no invented exp - iat rule).
    expect(causes(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, iat: IAT - 3000, exp: IAT + 200 }))).toEqual([]);
    expect(causes(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, iat: IAT + 3000, exp: IAT + 200 }))).toEqual([]);
    // Refused once exp <= now, with no leeway.
    expect(causes(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, exp: IAT }))).toEqual(['expired']);
  });

  it('sees an aud that is not exactly the production token URL, as a string or a one-element array', () => {
    for (const aud of [`${APS_TOKEN_AUDIENCE}/`, 'http://127.0.0.1:4000/authentication/v2/token', [APS_TOKEN_AUDIENCE, 'https://autodesk.com'], [], ['x']]) {
      only(
        jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, aud }),
        'aud',
        /^The claim aud is .*; it must be exactly "https:\/\/developer\.api\.autodesk\.com\/authentication\/v2\/token" \(a string, or an array of that one string\)\.$/,
      );
    }
  });

  it("does not blame aud as a one-element array of the audience (the docs' Go snippet, golang-jwt v4)", () => {
    expect(causes(jwt({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' }, { ...GOOD_CLAIMS, aud: [APS_TOKEN_AUDIENCE] }))).toEqual([]);
  });

  it('sees an algorithm other than RS256, and an expired assertion', () => {
    only(jwt({ alg: 'HS256', kid: KEY_ID }, GOOD_CLAIMS), 'alg', /^The header's alg is "HS256"; APS accepts only RS256/);
    only(jwt({ alg: 'RS256', kid: KEY_ID }, { ...GOOD_CLAIMS, iat: IAT - 400, exp: IAT - 100 }), 'expired', /^The assertion expired 100 s ago \(exp\); sign a new one for each exchange\.$/);
  });

  it('sees an iss other than the client that authenticates, when told the client id', () => {
    const assertion = jwt({ alg: 'RS256', kid: KEY_ID }, GOOD_CLAIMS);
    expect(diagnoseAssertion(assertion, { now, clientId: GOOD_CLAIMS.iss }).issues).toEqual([]);
    expect(diagnoseAssertion(assertion, { now, clientId: 'other-client' }).issues).toEqual([
      { cause: 'iss', message: 'The claim iss is "JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4", but the request authenticates as client "other-client"; iss must be that client id.' },
    ]);
  });

  it('lists every visible issue at once', () => {
    expect(causes(jwt({ alg: 'RS256' }, { iss: 'c', sub: 's', aud: 'x', exp: IAT + 900, iat: IAT, scope: 'data:read' }))).toEqual([
      'kid',
      'scope-not-array',
      'aud',
      'exp-too-far',
    ]);
  });

  it('calls anything that is not a decodable JWT malformed, without quoting it', () => {
    for (const value of ['', 'abc', 'a.b', 'e30.bm90LWpzb24.sig', 'W10.e30.sig', 'a b.c.d', 42]) {
      const { issues, header, claims } = diagnoseAssertion(value as string, { now });
      expect(header).toBeUndefined();
      expect(claims).toBeUndefined();
      expect(issues).toEqual([{ cause: 'malformed', message: expect.stringMatching(/^The assertion is not a JWT/) }]);
    }
  });
});

describe('explainAssertionIssues', () => {
  it('points at the causes that cannot be seen locally when no issue is visible', () => {
    expect(explainAssertionIssues([])).toMatch(
      /^Nothing wrong is visible in the assertion locally, so the likely cause is one APS checks on its side: the key id \(kid\) does not belong to this private key .*pairing.*disabled or deleted.*clock/,
    );
  });

  it('joins the visible issues', () => {
    const { issues } = diagnoseAssertion(jwt({ alg: 'RS256' }, { ...GOOD_CLAIMS, aud: 'x' }), { now });
    expect(explainAssertionIssues(issues)).toMatch(/^The assertion that was sent shows 2 problem\(s\): The header has no kid .* The claim aud is "x"/);
  });
});

describe('looksLikeKeyId', () => {
  it('accepts UUIDs in either case, nothing else', () => {
    expect(looksLikeKeyId(KEY_ID)).toBe(true);
    expect(looksLikeKeyId(KEY_ID.toUpperCase())).toBe(true);
    expect(looksLikeKeyId('6BNJQT7RR7GTJ5QY')).toBe(false);
    expect(looksLikeKeyId(`${KEY_ID}0`)).toBe(false);
  });
});
