// @aps-ssa/core/admin: the APS service-account admin API (create, list, enable and delete service accounts and keys).
export { createAdminClient, ADMIN_SCOPES, ADMIN_TIMEOUT, MAX_ADMIN_RESPONSE_BYTES, SERVICE_ACCOUNTS_PATH } from './admin-client.js';
export type { AdminClient } from './admin-client.js';
export type {
  AdminClientOptions,
  CreateServiceAccountInput,
  CreatedKey,
  CreatedServiceAccount,
  KeyStatus,
  ServiceAccount,
  ServiceAccountKey,
  ServiceAccountStatus,
} from './admin-types.js';
export { parseApsTime } from './aps-time.js';
