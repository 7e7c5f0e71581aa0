import { sampleRouteScenarios, sharedSampleScenarios, useSampleApp } from '@aps-ssa/test-support';
import { describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../src/app.js';

/** Listens on a free loopback port; `close()` closes the app, so its provider too. */
async function serve(app: FastifyInstance): Promise<{ url: string; close(): Promise<void> }> {
  return { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
}

describe('fastify-sample', () => {
  const sample = useSampleApp(createApp, serve);
  sharedSampleScenarios(sample);
  sampleRouteScenarios(sample);
});
