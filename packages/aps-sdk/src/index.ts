export { ssaAuthenticationProvider } from './ssa-authentication-provider.js';
export type { SsaAuthenticationProvider, SsaAuthenticationProviderOptions } from './ssa-authentication-provider.js';
export type { ApsAuthenticationProvider, SdkManagerLike } from './authentication-provider.js';
export type { ProviderSourceOptions } from '@aps-ssa/core/adapter';
