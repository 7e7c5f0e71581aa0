import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { served } from './listen.js';

/** Serves `app` with `@hono/node-server` on a free loopback port; resolves to its URL and a close that drops open connections. */
export async function serveHono(app: Hono): Promise<{ url: string; close(): Promise<void> }> {
  let server!: Server;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve()) as Server;
  });
  return served(server);
}
