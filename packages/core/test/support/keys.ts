import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** An RSA key pair made at test time, with the forms users hold a private key in. */
export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs1: string;
  pkcs8: string;
  /** Every secret text of the key: both PEMs, their base64 bodies, and the JWK's private members. */
  material: string[];
}

export function makeRsaKey(modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const jwk = privateKey.export({ format: 'jwk' });
  const body = (pem: string): string => pem.replace(/-----[A-Z ]+-----|\s/g, '');
  const material = [
    body(pkcs1),
    body(pkcs8),
    Buffer.from(pkcs1).toString('base64'),
    Buffer.from(pkcs8).toString('base64'),
    ...[jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].filter((v): v is string => typeof v === 'string'),
  ];
  return { privateKey, publicKey, pkcs1, pkcs8, material };
}
