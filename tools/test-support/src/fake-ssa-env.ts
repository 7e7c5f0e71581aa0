import { generateKeyPairSync } from 'node:crypto';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/**
 * A well-formed set of APS_* variables with a fresh key, for tests that build providers without talking to APS.
 * Frozen, so that a test cannot change it for the next.
 */
export const FAKE_SSA_ENV = Object.freeze({
  APS_CLIENT_ID: 'JlO9TA1zjfJQOGXpJmq9JHJSI0D4UkQ4',
  APS_CLIENT_SECRET: 'client-secret-value',
  APS_SA_ID: 'Z752CT5MKW2S9N7E',
  APS_SA_KEY_ID: '5de993f4-62b0-495a-a43a-b9896d6e9582',
  APS_SA_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
  APS_SCOPES: 'data:read',
});
