import { describe, expect, it } from 'vitest';
import { isApsHost, isLoopbackHost } from './aps-hosts.js';
import { routeOf } from './routing.js';

describe('which hosts the intercept switch routes where', () => {
  it.each([
    ['developer.api.autodesk.com', 'emulator'],
    ['DEVELOPER.API.AUTODESK.COM.', 'emulator'],
    ['developer-stg.api.autodesk.com', 'emulator'],
    ['api.userprofile.autodesk.com', 'emulator'],
    ['developer.api.autodesk.com.evil.example', 'refused'],
    ['evil-developer.api.autodesk.com', 'refused'],
    ['example.com', 'refused'],
    ['10.0.0.1', 'refused'],
    ['localhost', 'direct'],
    ['app.localhost', 'direct'],
    ['127.0.0.1', 'direct'],
    ['127.10.20.30', 'direct'],
    ['::1', 'direct'],
    ['[::1]', 'direct'],
    ['::ffff:127.0.0.1', 'direct'],
    ['localhost.example.com', 'refused'],
    ['128.0.0.1', 'refused'],
  ] as const)('%s: %s', (host, route) => {
    expect(routeOf(host)).toBe(route);
    expect(isApsHost(host)).toBe(route === 'emulator');
    expect(isLoopbackHost(host)).toBe(route === 'direct');
  });
});
