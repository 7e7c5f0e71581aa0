import { sampleRouteScenarios, sharedSampleScenarios, useSampleApp } from '@aps-ssa/test-support';
import { describe } from 'vitest';
import { createApp } from '../src/app.js';

describe('express-sample', () => {
  const sample = useSampleApp(createApp);
  sharedSampleScenarios(sample);
  sampleRouteScenarios(sample);
});
