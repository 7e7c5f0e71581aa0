import { describe, expect, it } from 'vitest';
import { Router } from './router.js';

describe('Router', () => {
  const handler = () => undefined;
  const router = new Router().add('GET', '/a/:id/keys/:kid', handler).add('POST', '/a/:id', handler);

  it('matches methods and captures decoded parameters', () => {
    expect(router.match('GET', '/a/X%20Y/keys/k1')).toEqual({ kind: 'found', handler, params: { id: 'X Y', kid: 'k1' } });
    expect(router.match('HEAD', '/a/1/keys/2')).toMatchObject({ kind: 'found' });
  });

  it('tells a wrong method from an unknown path', () => {
    expect(router.match('DELETE', '/a/1')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
    expect(router.match('GET', '/a')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/a//keys/2')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/a/%E0%A4%A/keys/2')).toEqual({ kind: 'not-found' });
  });
});
