// @aps-ssa/undici: the service account's token on undici's dispatchers, so the global fetch carries it to APS.
export { ssaInterceptor } from './ssa-interceptor.js';
export type { SsaInterceptorOptions } from './ssa-interceptor.js';
