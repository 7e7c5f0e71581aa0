import { createTokenProvider } from '@aps-ssa/core';
import { devCredentials } from '@aps-ssa/emulator';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);

// With no APS_* variables set, this starts the APS emulator in this process (and says so);
// otherwise it returns the environment as it is, and the app talks to APS.
const dev = await devCredentials();
const app = createApp({ provider: createTokenProvider({ env: dev.env }) });

const address = await app.listen({ port, host: 'localhost' });
console.log(`fastify-sample listening on http://localhost:${new URL(address).port} (GET /me, GET /healthz)`);

function shutdown(signal: string): void {
  console.log(`${signal}: shutting down`);
  // Stop taking requests, let those in flight finish, close the provider (the plugin's onClose), then the emulator.
  void app.close().then(() => dev.close());
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
