import { sampleRouteScenarios, serveHono, sharedSampleScenarios, useSampleApp } from '@aps-ssa/test-support';
import { describe } from 'vitest';
import { createApp } from '../src/app.js';

describe('hono-sample', () => {
  const sample = useSampleApp(createApp, serveHono);
  sharedSampleScenarios(sample);
  sampleRouteScenarios(sample);
});
