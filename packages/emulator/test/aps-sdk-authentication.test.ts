import { AuthenticationClient, Scopes } from '@aps_sdk/authentication';
// The SDK's own companion (a dependency of @aps_sdk/authentication): how Autodesk's docs point a client at a host.
import { ApsConfiguration, ResiliencyConfiguration, SdkManagerBuilder } from '@aps_sdk/autodesk-sdkmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';

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
    .addResiliencyConfiguration(new ResiliencyConfiguration(0, 10, 60_000, 5_000))
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

  it("accepts the SDK's Basic header for a secret holding + / = % (sent as is, not form-encoded)", async () => {
    const app = emulator.state.createApp({ name: 'odd-secret-app', clientSecret: 'a+b/c=d%2Fe f' });
    const token = await sdkClient().getTwoLeggedToken(app.clientId, app.clientSecret, [Scopes.DataRead]);
    expect(token.access_token).toEqual(expect.any(String));
  });
});
