import type { AddressInfo } from 'node:net';
import { createTokenProvider } from '@aps-ssa/core';
import { devCredentials } from '@aps-ssa/emulator';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);

// With no APS_* variables set, this starts the APS emulator in this process (and says so);
// otherwise it returns the environment as it is, and the app talks to APS.
const dev = await devCredentials();
const provider = createTokenProvider({ env: dev.env });

const server = serve({ fetch: createApp({ provider }).fetch, port }, (info: AddressInfo) => {
  console.log(`hono-sample listening on http://localhost:${info.port} (GET /me, GET /healthz)`);
});

function shutdown(signal: string): void {
  console.log(`${signal}: shutting down`);
  // Stop taking requests, let those in flight finish, then stop the provider and the emulator.
  server.close(() => void Promise.all([provider.close(), dev.close()]));
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
