import { describe, expect, it } from 'vitest';
import { SsaError, SsaOptionError } from '../errors.js';
import { ProviderEvents } from './provider-events.js';
import type { InvalidatedEvent } from './provider-events.js';

const identity = { clientId: 'c', serviceAccountId: 's', keyId: 'k', scopes: ['data:read'], baseUrl: 'https://developer.api.autodesk.com' };
const invalidated: InvalidatedEvent = { identity, expiresAt: 1 };

describe('ProviderEvents', () => {
  it('calls listeners with the payload until they are removed', () => {
    const events = new ProviderEvents();
    const seen: unknown[] = [];
    const off = events.on('invalidated', (event) => seen.push(event));
    events.emit('invalidated', invalidated);
    off();
    events.emit('invalidated', invalidated);
    expect(seen).toEqual([invalidated]);
  });

  it('keeps delivering when a listener throws', () => {
    const events = new ProviderEvents();
    const seen: string[] = [];
    events.on('invalidated', () => {
      throw new Error('listener bug');
    });
    events.on('invalidated', () => seen.push('second'));
    expect(() => events.emit('invalidated', invalidated)).not.toThrow();
    expect(seen).toEqual(['second']);
  });

  it('rejects an unknown event with a suggestion', () => {
    const events = new ProviderEvents();
    const attempt = () => events.on('refresh-fail' as never, () => undefined);
    expect(attempt).toThrow(SsaOptionError);
    expect(attempt).toThrow('Unknown token provider event `refresh-fail`. Did you mean `refresh-failed`?');
    expect(() => events.on('x' as never, () => undefined)).toThrow(
      'Unknown token provider event `x`. Events: refreshed, refresh-failed, served-stale, invalidated.',
    );
  });

  it('rejects a listener that is not a function', () => {
    const events = new ProviderEvents();
    expect(() => events.on('refreshed', 'log' as never)).toThrow('The listener of `refreshed` must be a function.');
  });

  it('forgets every listener on clear', () => {
    const events = new ProviderEvents();
    let calls = 0;
    events.on('served-stale', () => calls++);
    events.clear();
    events.emit('served-stale', { identity, expiresAt: 1, error: new SsaError('ERR_SSA_SERVER', 'down') });
    expect(calls).toBe(0);
  });
});
