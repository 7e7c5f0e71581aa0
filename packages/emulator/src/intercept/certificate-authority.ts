import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

/**
 * What the intercept proxy needs to answer TLS for the APS hosts: the local CA's certificate (public, handed to
 * clients so they trust it) and the server key and certificate. The CA's private key is not here: it signs the
 * server certificate and is dropped, so it is in no log, no file and no long-lived object.
 */
export interface InterceptCredentials {
  /** PEM of the CA certificate that issued `cert`. Public. */
  readonly caCertificate: string;
  /** PEM (PKCS#8) of the server's private key. */
  readonly key: string;
  /** PEM of the server certificate, valid for every APS host. */
  readonly cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Long enough for any emulator run, short enough that a leaked certificate soon stops mattering. */
const VALIDITY_MS = 30 * DAY_MS;
/** Clients whose clock runs a little behind still accept a certificate made just now. */
const BACKDATE_MS = 60 * 60 * 1000;

const generateRsaKeyPair = promisify(generateKeyPair);

async function forgeKeyPair(): Promise<{ privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pkcs8: string }> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey), pkcs8: privateKey };
}

function newCertificate(publicKey: forge.pki.PublicKey, now: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial (leading 0 nibble kept below 8) of 16 random bytes, as RFC 5280 §4.1.2.2 asks.
  cert.serialNumber = `0${randomBytes(16).toString('hex').slice(1)}`;
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + VALIDITY_MS);
  return cert;
}

/**
 * Makes a fresh CA (RSA-2048, keys from `node:crypto`) and a server certificate for `hosts` signed by it. A new CA
 * per start: trusting one emulator run's CA trusts nothing of another's.
 */
export async function createInterceptCredentials(hosts: readonly string[], now = Date.now()): Promise<InterceptCredentials> {
  const [caKeys, serverKeys] = await Promise.all([forgeKeyPair(), forgeKeyPair()]);
  const caName = [
    { name: 'commonName', value: `aps-emulator local CA ${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: 'aps-ssa emulator (development only)' },
  ];
  const ca = newCertificate(caKeys.publicKey, now);
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const server = newCertificate(serverKeys.publicKey, now);
  server.setSubject([{ name: 'commonName', value: hosts[0]! }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2, value })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  return { caCertificate: forge.pki.certificateToPem(ca), key: serverKeys.pkcs8, cert: forge.pki.certificateToPem(server) };
}
