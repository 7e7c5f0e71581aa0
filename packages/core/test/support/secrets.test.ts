import { describe, expect, it } from 'vitest';
import { SsaError } from '../../src/errors.js';
import { expectNoSecrets, renderings } from './secrets.js';

describe('expectNoSecrets (the leak check every error test relies on)', () => {
  const secret = 'S3cr3t-'.repeat(10);

  it('passes for an error that holds no secret', () => {
    expectNoSecrets(new SsaError('ERR_SSA_CONFIG', 'nothing to see'), [secret]);
  });

  it('catches a fragment in the message, a hidden property, or a cause', () => {
    const inMessage = new SsaError('ERR_SSA_CONFIG', `oops ${secret.slice(5, 40)}`);
    const hidden = new SsaError('ERR_SSA_CONFIG', 'fine');
    Object.defineProperty(hidden, 'request', { value: { body: secret }, enumerable: false });
    const inCause = new SsaError('ERR_SSA_CONFIG', 'fine', { cause: new Error(secret) });
    for (const error of [inMessage, hidden, inCause]) expect(() => expectNoSecrets(error, [secret])).toThrow(/leaked a secret fragment/);
  });

  it('renders JSON, inspect and each own property', () => {
    const texts = renderings({ a: 'x', b: { c: 'y' } });
    expect(texts.some((t) => t.includes('"c":"y"'))).toBe(true);
  });
});
