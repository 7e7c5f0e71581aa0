import { SsaOptionError, SsaTokenUnavailableError } from '@aps-ssa/core';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen } from '@aps-ssa/test-support';
import { ssaErrorHandler } from './ssa-error-handler.js';

describe('ssaErrorHandler() options', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('rejects unknown options and a log that is not a function', () => {
    expect(() => ssaErrorHandler({ logger: console.error } as never)).toThrow(SsaOptionError);
    expect(() => ssaErrorHandler({ logger: console.error } as never)).toThrow('Unknown option `logger` passed to ssaErrorHandler(). Known options: `log`.');
    expect(() => ssaErrorHandler({ log: 'console' } as never)).toThrow('`log` must be a function, got a string.');
  });

  it('logs the detail to console.error by default, and answers even when the logger throws', async () => {
    const detail = 'No valid APS access token for service account SA-1 (client C-1): APS said no.';
    const lines: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(line));
    const app = express();
    app.get('/default', () => {
      throw new SsaTokenUnavailableError(detail, true, { retryAfter: 5 });
    });
    app.get('/throwing', (_req, _res, next) => next(new SsaTokenUnavailableError(detail, false)));
    app.use('/default', ssaErrorHandler());
    app.use(
      '/throwing',
      ssaErrorHandler({
        log: () => {
          throw new Error('logger down');
        },
      }),
    );
    const server = await listen(app);
    try {
      const response = await fetch(`${server.url}/default`);
      expect([response.status, response.headers.get('retry-after')]).toEqual([503, '5']);
      expect(await response.text()).not.toContain('SA-1');
      expect(lines).toEqual([`ERR_SSA_TOKEN_UNAVAILABLE: ${detail}`]);
      expect((await fetch(`${server.url}/throwing`)).status).toBe(502);
    } finally {
      await server.close();
    }
  });
});
