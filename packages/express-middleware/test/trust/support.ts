import { createHash } from 'node:crypto';
import { listen } from '@aps-ssa/test-support';
import express from 'express';
import { afterAll, beforeAll } from 'vitest';
import { ssaErrorHandler } from '../../src/index.js';
import type { SsaTokenMiddleware } from '../../src/index.js';

/** A short, non-secret name of a token, to tell tokens apart in assertions and messages. */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

/** A running app: `/token` needs only the middleware, `/me` also calls APS with `req.aps.client`. */
export interface TestApp {
  readonly url: string;
  get(path: '/token' | '/me'): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }>;
  /** What `ssaErrorHandler()` logged: the detail behind each generic error body. */
  readonly logged: string[];
  close(): Promise<void>;
}

/**
 * Any request taking longer than this has hung. The tests configure retry budgets of 3 s and exchange
 * timeouts of 2 s (two hung attempts: 4 s); the rest is slack for a loaded machine.
 */
export const HANG_LIMIT = 10_000;

export async function serveApp(middleware: SsaTokenMiddleware): Promise<TestApp> {
  const app = express();
  app.get('/token', middleware, (req, res) => {
    res.json({ fingerprint: fingerprint(req.aps.token.accessToken), expiresAt: req.aps.expiresAt });
  });
  app.get('/me', middleware, async (req, res, next) => {
    try {
      res.json(await req.aps.client.get('userprofile/v1/users/@me').json());
    } catch (error) {
      next(error);
    }
  });
  const logged: string[] = [];
  app.use(ssaErrorHandler({ log: (line) => logged.push(line) }));
  const server = await listen(app);
  return {
    url: server.url,
    logged,
    async get(path) {
      const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(HANG_LIMIT) });
      const text = await response.text();
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
    },
    close: server.close,
  };
}

/** Polls `check` until it returns true (or `limit` ms pass); resolves to whether it did. */
export async function eventually(check: () => Promise<boolean>, limit = 10_000, every = 50): Promise<boolean> {
  const deadline = Date.now() + limit;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
  return false;
}

/** Collects unhandled rejections for the file (a failed token refresh must never become one). */
export function trackUnhandledRejections(): { readonly reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown): void => void reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => void process.off('unhandledRejection', listener) };
}

/**
 * Counts the lines Express's own error logger writes (`logerror` in express/lib/application.js, which
 * `console.error`s an unhandled error outside NODE_ENV=test), told apart by the caller's stack from
 * the lines the test or the library write. Wraps whatever `console.error` is when the file's tests
 * start, so call it after `CanaryWatch#captureOutput()`: the lines still reach the watch.
 */
export function countExpressLogs(): { readonly count: number } {
  const counter = { count: 0 };
  let restore: (() => void) | undefined;
  beforeAll(() => {
    const inner = console.error;
    console.error = (...args: unknown[]) => {
      if (/[\\/]express[\\/]lib[\\/]application\.js/.test(new Error().stack ?? '')) counter.count++;
      inner.apply(console, args);
    };
    restore = () => void (console.error = inner);
  });
  afterAll(() => restore?.());
  return counter;
}
