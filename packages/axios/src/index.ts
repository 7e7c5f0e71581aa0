// @aps-ssa/axios: the service account's token on an axios instance's requests to APS.
export { useSsaToken } from './use-ssa-token.js';
export type { SsaAxiosHandle, SsaAxiosOptions } from './use-ssa-token.js';
