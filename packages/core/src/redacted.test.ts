import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactedObject, redactedPrototype } from './redacted.js';

const CREDENTIALS = redactedPrototype('Credentials', ['secret', 'token']);

describe('redactedObject', () => {
  it('shows each secret as [redacted] in JSON and inspect, readable by name but not enumerable', () => {
    const value = redactedObject(CREDENTIALS, { id: 'app', secret: 'hunter2', token: 'tok-1' });
    expect(value.secret).toBe('hunter2');
    expect(JSON.stringify(value)).toBe(`{"id":"app","secret":"${REDACTED}","token":"${REDACTED}"}`);
    expect(inspect(value)).toBe(`Credentials { id: 'app', secret: '${REDACTED}', token: '${REDACTED}' }`);
    expect(Object.keys(value)).toEqual(['id']);
    expect({ ...value }).toEqual({ id: 'app' });
    expect(Object.isFrozen(value)).toBe(true);
    expect(REDACTED).toBe('[redacted]');
  });

  it('leaves an absent or undefined secret absent: no [redacted] suggests a secret that is not there', () => {
    const value = redactedObject(CREDENTIALS, { id: 'app', token: undefined });
    expect(JSON.stringify(value)).toBe('{"id":"app"}');
    expect(inspect(value)).toBe("Credentials { id: 'app' }");
    expect(Object.getOwnPropertyNames(value)).toEqual(['id']);
    expect('token' in value).toBe(false);
  });

  it('leaves an undefined ordinary field out too', () => {
    const value = redactedObject(CREDENTIALS, { id: undefined, note: 'n' });
    expect(JSON.stringify(value)).toBe('{"note":"n"}');
  });

  it('refuses a prototype that was not made by redactedPrototype (it would know no secret to hide)', () => {
    expect(() => redactedObject({}, { id: 'app', secret: 'hunter2' })).toThrow(
      new TypeError('redactedObject() takes a prototype made by redactedPrototype().'),
    );
  });

  it('passes inspect options on (depth) and names each prototype', () => {
    const nested = redactedObject(redactedPrototype('Nested', []), { a: { b: { c: { d: 1 } } } });
    expect(inspect(nested, { depth: 0 })).toBe('Nested { a: [Object] }');
    expect(inspect(nested, { depth: 5 }).replace(/\s+/g, ' ')).toBe('Nested { a: { b: { c: { d: 1 } } } }');
  });

  it('shows the same view through toJSON and inside a larger object', () => {
    const value = redactedObject(CREDENTIALS, { id: 'app', secret: 'hunter2' });
    expect(value).toHaveProperty('toJSON');
    expect(JSON.stringify({ credentials: value })).toBe(`{"credentials":{"id":"app","secret":"${REDACTED}"}}`);
    expect(inspect({ credentials: value })).toBe(`{ credentials: Credentials { id: 'app', secret: '${REDACTED}' } }`);
    expect(Object.isFrozen(Object.getPrototypeOf(value))).toBe(true);
  });
});
