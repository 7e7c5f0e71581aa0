/**
 * The names under which requests are counted, logged, rate-limited and targeted by faults. `token` is a token
 * request whose grant is missing or unknown; a fault aimed at `token` hits every token request. The SSA admin
 * endpoints are named by their S1 `operationId`, the resource endpoints (`resources/`) by their spec's `operationId` in
 * kebab case.
 *
 * @example
 * ```ts
 * emulator.faults.inject({ kind: 'server-error', endpoint: 'token:client_credentials' });
 * emulator.counters()['userprofile'].unauthorized;
 * emulator.counters()['create-service-account-key'].limit_exceeded;
 * ```
 */
export const ENDPOINTS = [
  'token',
  'token:jwt-bearer',
  'token:client_credentials',
  'keys',
  'introspect',
  'revoke',
  'openid-configuration',
  'userprofile',
  'userinfo',
  'create-service-account',
  'get-all-service-accounts',
  'get-service-account',
  'enable-disable-service-account',
  'delete-service-account',
  'create-service-account-key',
  'get-all-service-account-keys',
  'enable-disable-service-account-key',
  'delete-service-account-key',
  'create-bucket',
  'get-buckets',
  'get-bucket-details',
  'get-hubs',
  'get-formats',
] as const;

export type EndpointName = (typeof ENDPOINTS)[number];
