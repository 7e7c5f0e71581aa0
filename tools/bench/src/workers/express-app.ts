// A minimal Express app, with `ssaTokenMiddleware()` (argv[2] = 'ssa', identity from the APS_*
// variables) or without it ('bare'), listening on a loopback port for the load generator.
import type { AddressInfo } from 'node:net';
import { ssaTokenMiddleware } from '@aps-ssa/express-middleware';
import express from 'express';
import { cpuMicros } from '../cpu-time.js';
import { serveCommands } from './commands.js';

const app = express();
if (process.argv[2] === 'ssa') {
  const middleware = ssaTokenMiddleware();
  // Warm: the scenario measures the per-request cost, not the first exchange.
  await middleware.provider.getToken();
  app.use(middleware);
}
app.get('/', (_req, res) => {
  res.send('ok');
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));

serveCommands({ cpu: cpuMicros }, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }, () => {
  server.closeAllConnections();
  server.close();
});
