import { itLoadsExpectedNest } from '@aps-ssa/test-support';
import { describe } from 'vitest';

describe('the NestJS these tests run on', () => {
  itLoadsExpectedNest();
});
