import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APS_HOSTS } from './aps-hosts.js';
import { createInterceptCredentials } from './certificate-authority.js';

describe('createInterceptCredentials', () => {
  it('makes a CA and a server certificate for every APS host, signed by it, and hands out no CA key', async () => {
    const now = Date.UTC(2026, 11, 7);
    const credentials = await createInterceptCredentials(APS_HOSTS, now);
    expect(Object.keys(credentials).sort()).toEqual(['caCertificate', 'cert', 'key']);
    const ca = new X509Certificate(credentials.caCertificate);
    const server = new X509Certificate(credentials.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    for (const host of APS_HOSTS) expect(server.checkHost(host)).toBe(host);
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(server.subjectAltName).toBe(APS_HOSTS.map((host) => `DNS:${host}`).join(', '));
    // The server key is the certificate's; the CA's key is nowhere in what is returned.
    const key = createPrivateKey(credentials.key);
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
    expect(createPublicKey(key).export({ type: 'spki', format: 'pem' })).toBe(server.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(ca.publicKey.export({ type: 'spki', format: 'pem' })).not.toBe(server.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(new Date(server.validFrom).getTime()).toBeLessThan(now);
    expect(new Date(server.validTo).getTime()).toBe(now + 30 * 24 * 60 * 60 * 1000);
  });

  it('makes a new CA each time: trusting one run trusts no other', async () => {
    const [a, b] = await Promise.all([createInterceptCredentials(APS_HOSTS), createInterceptCredentials(APS_HOSTS)]);
    expect(new X509Certificate(a.cert).verify(new X509Certificate(b.caCertificate).publicKey)).toBe(false);
  });
});
