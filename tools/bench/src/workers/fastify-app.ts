// A minimal Fastify app, with the `ssaToken` plugin (argv[2] = 'ssa', identity from the APS_*
// variables) or without it ('bare'), listening on a loopback port for the load generator.
import { ssaToken } from '@aps-ssa/fastify';
import Fastify from 'fastify';
import { cpuMicros } from '../cpu-time.js';
import { serveCommands } from './commands.js';

const app = Fastify();
if (process.argv[2] === 'ssa') {
  await app.register(ssaToken);
  // Warm: the scenario measures the per-request cost, not the first exchange.
  await app.apsProvider.getToken();
}
app.get('/', () => 'ok');
const url = await app.listen({ port: 0, host: '127.0.0.1' });

serveCommands({ cpu: cpuMicros }, { url: `${url}/` }, () => app.close());
