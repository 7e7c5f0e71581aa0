import { AuthenticationClient, Scopes, TokenTypeHint } from '@aps_sdk/authentication';
// The SDK's own companion (a dependency of @aps_sdk/authentication): how Autodesk's docs point a client at a host.
import { ApsConfiguration, ResiliencyConfiguration, SdkManagerBuilder } from '@aps_sdk/autodesk-sdkmanager';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';
import { tokenFor } from './support.js';

/** The axios that @aps_sdk/autodesk-sdkmanager sends every SDK request with: its own CommonJS instance. */
interface RequestInterceptors {
  use(onRequest: (config: { url?: string }) => { url?: string }): number;
  eject(id: number): void;
}
const requireFromSdk = createRequire(createRequire(import.meta.url).resolve('@aps_sdk/autodesk-sdkmanager'));
const sdkAxios = requireFromSdk('axios') as { interceptors: { request: RequestInterceptors } };

/**
 * Autodesk's published `@aps_sdk/authentication` 1.0.1, unmodified, against the emulator. It joins
 * `baseAddress` (a `URL`, which prints with a trailing `/`) and the path, so every request goes to
 * `//authentication/v2/...`; and it sends `Authorization: Basic base64(clientId:clientSecret)` with nothing
 * form-encoded (issue 14, items 1 and 7).
 */
let emulator: Emulator;
let requestsBefore: number;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator.close());

function sdkClient(): AuthenticationClient {
  const configuration = new ApsConfiguration({});
  configuration.BaseAddress = new URL(emulator.url);
  // One attempt: a refusal must show as a failure, not as five retries.
  const sdkManager = SdkManagerBuilder.create()
    .addApsConfiguration(configuration)
    .addResiliencyConfiguration(new ResiliencyConfiguration(0, 10, 60_000, 30_000))
    .build();
  sdkManager.toggleLogging(false);
  return new AuthenticationClient({ sdkManager });
}

describe('@aps_sdk/authentication against the emulator', () => {
  beforeAll(() => {
    requestsBefore = emulator.requests().length;
  });

  it('gets a 2-legged token, the keys, and introspects the token', async () => {
    const client = sdkClient();
    const { clientId, clientSecret } = emulator.seed;
    const token = await client.getTwoLeggedToken(clientId, clientSecret, [Scopes.DataRead, Scopes.BucketRead]);
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });

    const jwks = await client.getKeys();
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', use: 'sig', kid: expect.any(String) })]);

    const introspection = await client.introspectToken(token.access_token, clientId, { clientSecret });
    expect(introspection).toMatchObject({ active: true, client_id: clientId, scope: 'data:read bucket:read' });

    const sent = emulator.requests().slice(requestsBefore);
    expect(sent.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
      ['POST', '/authentication/v2/token', 200],
      ['GET', '/authentication/v2/keys', 200],
      ['POST', '/authentication/v2/introspect', 200],
    ]);
  });

  it('gets the OIDC discovery document (S2 get-oidc-spec), its endpoints leading back to the emulator', async () => {
    const spec = await sdkClient().getOidcSpec();
    expect(spec).toMatchObject({
      issuer: 'https://developer.api.autodesk.com',
      token_endpoint: `${emulator.url}/authentication/v2/token`,
      jwks_uri: `${emulator.url}/authentication/v2/keys`,
      userinfo_endpoint: `${emulator.url}/userinfo`,
      introspection_endpoint: `${emulator.url}/authentication/v2/introspect`,
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(spec.scopes_supported).toHaveLength(16);
    expect(spec.scopes_supported).toEqual(expect.arrayContaining(['user-profile:read', 'data:read', 'bucket:delete', 'openid']));
    const jwks = (await (await fetch(spec.jwks_uri!)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
  });

  it("gets the SSA's user info (S2 get-user-info) with a jwt-bearer token, then revokes the token with the SDK", async () => {
    // The SDK hard-codes the profile host (https://api.userprofile.autodesk.com/userinfo); this interceptor plays the
    // part of a hosts-file entry and sends that one request to the emulator, which serves /userinfo too.
    const redirect = sdkAxios.interceptors.request.use((config) => ({
      ...config,
      url: config.url?.replace('https://api.userprofile.autodesk.com', emulator.url),
    }));
    try {
      const client = sdkClient();
      const { clientId, clientSecret, serviceAccountId, serviceAccountEmail } = emulator.seed;
      const token = await tokenFor(emulator);
      expect(await client.getUserInfo(token)).toEqual({
        sub: serviceAccountId,
        name: 'Emulator Robot',
        given_name: 'Emulator',
        family_name: 'Robot',
        preferred_username: expect.any(String),
        email: serviceAccountEmail,
        email_verified: true,
      });

      const revoked = await client.revoke(token, clientId, TokenTypeHint.AccessToken, { clientSecret });
      expect(revoked.response.status).toBe(200);
      expect(await client.introspectToken(token, clientId, { clientSecret })).toEqual({ active: false });
      await expect(client.getUserInfo(token)).rejects.toThrow(/status : 401/);
      expect(emulator.requests().slice(-4).map((entry) => [entry.endpoint, entry.path, entry.status])).toEqual([
        ['userinfo', '/userinfo', 200],
        ['revoke', '/authentication/v2/revoke', 200],
        ['introspect', '/authentication/v2/introspect', 200],
        ['userinfo', '/userinfo', 401],
      ]);
    } finally {
      sdkAxios.interceptors.request.eject(redirect);
    }
  });

  it("accepts the SDK's Basic header for a secret holding + / = % (sent as is, not form-encoded)", async () => {
    const app = emulator.state.createApp({ name: 'odd-secret-app', clientSecret: 'a+b/c=d%2Fe f' });
    const token = await sdkClient().getTwoLeggedToken(app.clientId, app.clientSecret, [Scopes.DataRead]);
    expect(token.access_token).toEqual(expect.any(String));
  });
});
