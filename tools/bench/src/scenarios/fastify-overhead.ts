import { frameworkOverhead } from './framework-overhead.js';

export const fastifyOverhead = frameworkOverhead({
  id: 'fastify-overhead',
  framework: 'Fastify',
  adapter: 'app.register(ssaToken)',
  kind: 'plugin',
  worker: 'fastify-app',
  field: 'request.aps',
});
