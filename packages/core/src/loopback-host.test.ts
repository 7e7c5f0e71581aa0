import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback-host.js';

const hostnameOf = (url: string) => new URL(url).hostname;

describe('isLoopbackHost', () => {
  it.each(['http://localhost:4010', 'http://LOCALHOST', 'http://[::1]:4010', 'http://[0:0:0:0:0:0:0:1]', 'http://127.0.0.1', 'http://127.0.0.10', 'http://127.255.255.254', 'http://127.1', 'http://0x7f000001'])(
    'is true for %s',
    (url) => {
      expect(isLoopbackHost(hostnameOf(url))).toBe(true);
    },
  );

  it.each([
    'http://localhost.evil.com',
    'http://evil-localhost',
    'http://127.0.0.1.evil.com',
    'http://evil127.0.0.1.com',
    'http://128.0.0.1',
    'http://0.0.0.0',
    'http://[::2]',
    'http://[::ffff:127.0.0.1]',
    'http://example.com',
  ])('is false for %s', (url) => {
    expect(isLoopbackHost(hostnameOf(url))).toBe(false);
  });
});
