export { EXPRESS_MAJORS } from './express-majors.js';
export { expectNoSecrets } from './expect-no-secrets.js';
export { FAKE_SSA_ENV } from './fake-ssa-env.js';
export { FAST_FAILURE } from './fast-failure.js';
export { listen } from './listen.js';
export { logged } from './logged.js';
export { describeSampleMain } from './sample-main.js';
export { sharedSampleScenarios, UNAVAILABLE, useSampleApp } from './sample-app.js';
export type { SampleAppHarness } from './sample-app.js';
