export { instrumentApsSsa, INSTRUMENTATION_NAME } from './instrument-aps-ssa.js';
export type { ApsSsaInstrumentation, ApsSsaInstrumentationOptions } from './instrument-aps-ssa.js';
