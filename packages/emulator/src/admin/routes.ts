import { authorizeAdmin, type AdminScope } from './auth.js';
import { SSA_CONTENT_TYPE, SSA_DETAILS, sendSsaError } from './errors.js';
import { checkAccountName, parseJsonObject, parseStatusBody, type Checked } from './validation.js';
import type { EndpointName } from '../control/endpoints.js';
import { EmulatorStateError } from '../errors.js';
import { answerWithFault } from '../http/fault-response.js';
import { showRateLimit } from '../http/rate-limit.js';
import type { RequestContext } from '../http/request-context.js';
import type { Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import type { AppRecord, KeyRecord, ServiceAccountRecord } from '../state/state.js';
import { keyDetails, serviceAccountDetails } from './state-views.js';
import { alternateGoTimeForms } from '../lib/go-time.js';

export const SERVICE_ACCOUNTS_PATH = '/authentication/v2/service-accounts';

/** APS's limits (S1, reference §4): 10 service accounts per app, 3 keys per account, "at any given time". */
export const MAX_SERVICE_ACCOUNTS_PER_APP = 10;
export const MAX_KEYS_PER_SERVICE_ACCOUNT = 3;

/** What an admin handler gets once the request passed the fault, body, token, rate-limit and scope checks. */
interface AdminRequest {
  readonly ctx: RequestContext;
  readonly app: AppRecord;
  /** The raw body (empty for GET and DELETE). */
  readonly body: Buffer;
}

type AdminHandler = (request: AdminRequest) => Promise<void> | void;

const METHODS_WITH_BODY = new Set(['POST', 'PATCH']);

/**
 * Registers the SSA service-account and key operations (S1 paths, reference §1). Every one answers with
 * `Content-Type: application/json; charset=utf-8`, `x-request-id` and the `ratelimit-*` headers, and refuses with
 * APS's `{title, detail}` bodies.
 */
export function registerAdminRoutes(router: Router, runtime: EmulatorRuntime): void {
  const { state } = runtime;
  // Keys being generated per account: a concurrent Create Key must not slip past the limit meanwhile.
  const keysInProgress = new Map<string, number>();
  // Times alternate between APS's two documented forms, one form per answer (see `alternateGoTimeForms`).
  const nextTimeForm = alternateGoTimeForms();

  const route = (endpoint: EndpointName, scope: AdminScope, handle: AdminHandler) => async (ctx: RequestContext) => {
    ctx.endpoint = endpoint;
    const body = METHODS_WITH_BODY.has(ctx.req.method ?? '') ? await ctx.readBody() : (ctx.req.resume(), Buffer.alloc(0));
    if (answerWithFault(ctx, runtime)) return;
    // Set after the fault check: a fault answers with its own content type (an HTML page, say).
    ctx.extraHeaders['Content-Type'] = SSA_CONTENT_TYPE;
    if (body === undefined) {
      showRateLimit(ctx, runtime, undefined, endpoint, runtime.settings.rateLimit);
      return sendSsaError(ctx, 413, 'invalid_request', SSA_DETAILS.bodyTooLarge);
    }
    const app = await authorizeAdmin(ctx, runtime, endpoint, scope);
    if (app) await handle({ ctx, app, body });
  };

  /** The caller's account named in the path; another app's account is "not found", as it is to APS. */
  const ownAccount = ({ ctx, app }: AdminRequest): ServiceAccountRecord | undefined => {
    const account = state.getServiceAccount(ctx.params['serviceAccountId']!);
    if (account?.clientId === app.clientId) return account;
    sendSsaError(ctx, 404, 'not_found', SSA_DETAILS.accountNotFound);
    return undefined;
  };

  /** The caller's account, which must be ENABLED to manage its keys (S1: a disabled account cannot). */
  const enabledAccount = (request: AdminRequest): ServiceAccountRecord | undefined => {
    const account = ownAccount(request);
    if (!account || account.status === 'ENABLED') return account;
    sendSsaError(request.ctx, 400, 'invalid_request', SSA_DETAILS.accountNotEnabled);
    return undefined;
  };

  const ownKey = (ctx: RequestContext, account: ServiceAccountRecord): KeyRecord | undefined => {
    const key = state.getKey(ctx.params['keyId']!);
    if (key?.serviceAccountId === account.serviceAccountId) return key;
    sendSsaError(ctx, 404, 'not_found', SSA_DETAILS.keyNotFound);
    return undefined;
  };

  const valid = <T>(ctx: RequestContext, checked: Checked<T>): checked is { ok: true; value: T } => {
    if (!checked.ok) sendSsaError(ctx, 400, 'invalid_request', checked.detail);
    return checked.ok;
  };

  const createServiceAccount: AdminHandler = ({ ctx, app, body }) => {
    if (app.type !== 'server-to-server') return sendSsaError(ctx, 403, 'invalid_client', SSA_DETAILS.notServerToServer);
    const json = parseJsonObject(body);
    if (!valid(ctx, json)) return;
    // S3: only allow-listed Autodesk clients may name another app in `clientId`.
    if (json.value['clientId'] !== undefined && json.value['clientId'] !== app.clientId) {
      return sendSsaError(ctx, 403, 'invalid_client', SSA_DETAILS.onBehalf);
    }
    const name = checkAccountName('name', json.value['name'], runtime.settings.strict);
    const firstName = checkAccountName('firstName', json.value['firstName'], runtime.settings.strict);
    const lastName = checkAccountName('lastName', json.value['lastName'], runtime.settings.strict);
    if (!valid(ctx, name) || !valid(ctx, firstName) || !valid(ctx, lastName)) return;
    const existing = state.listServiceAccounts(app.clientId);
    // The name is the email's local part, and emails compare case-insensitively.
    if (existing.some((a) => a.name.toLowerCase() === name.value.toLowerCase())) {
      return sendSsaError(ctx, 400, 'invalid_request', SSA_DETAILS.nameExists);
    }
    if (existing.length >= MAX_SERVICE_ACCOUNTS_PER_APP) return sendSsaError(ctx, 403, 'limit_exceeded', SSA_DETAILS.accountLimit);
    const account = state.createServiceAccount({
      clientId: app.clientId,
      name: name.value,
      firstName: firstName.value,
      lastName: lastName.value,
    });
    ctx.sendJson(201, { serviceAccountId: account.serviceAccountId, email: account.email });
  };

  const setAccountStatus: AdminHandler = (request) => {
    const { ctx } = request;
    const status = parseStatusBody(request.body);
    if (!valid(ctx, status)) return;
    const account = ownAccount(request);
    if (!account) return;
    if (account.status === status.value) {
      const detail = status.value === 'ENABLED' ? SSA_DETAILS.accountAlreadyEnabled : SSA_DETAILS.accountAlreadyDisabled;
      return sendSsaError(ctx, 400, 'invalid_request', detail);
    }
    ctx.sendJson(200, serviceAccountDetails(state.setServiceAccountStatus(account.serviceAccountId, status.value), nextTimeForm()));
  };

  const createKey: AdminHandler = async (request) => {
    const { ctx } = request;
    const account = enabledAccount(request);
    if (!account) return;
    const id = account.serviceAccountId;
    const inProgress = keysInProgress.get(id) ?? 0;
    if (state.listKeys(id).length + inProgress >= MAX_KEYS_PER_SERVICE_ACCOUNT) {
      return sendSsaError(ctx, 403, 'limit_exceeded', SSA_DETAILS.keyLimit);
    }
    keysInProgress.set(id, inProgress + 1);
    try {
      // The private key is handed out here, once; the state keeps only the public key (S1).
      const created = await state.createKey(id);
      ctx.sendJson(201, { kid: created.kid, privateKey: created.privateKey });
    } catch (error) {
      // Deleted while its key pair was being generated.
      if (!(error instanceof EmulatorStateError)) throw error;
      sendSsaError(ctx, 404, 'not_found', SSA_DETAILS.accountNotFound);
    } finally {
      const left = (keysInProgress.get(id) ?? 1) - 1;
      if (left === 0) keysInProgress.delete(id);
      else keysInProgress.set(id, left);
    }
  };

  const setKeyStatus: AdminHandler = (request) => {
    const { ctx } = request;
    const status = parseStatusBody(request.body);
    if (!valid(ctx, status)) return;
    const account = enabledAccount(request);
    const key = account && ownKey(ctx, account);
    if (!key) return;
    if (key.status === status.value) {
      return sendSsaError(ctx, 400, 'invalid_request', status.value === 'ENABLED' ? SSA_DETAILS.keyAlreadyEnabled : SSA_DETAILS.keyAlreadyDisabled);
    }
    state.setKeyStatus(key.kid, status.value);
    ctx.send(204, '');
  };

  const accountPath = `${SERVICE_ACCOUNTS_PATH}/:serviceAccountId`;
  const keysPath = `${accountPath}/keys`;
  router
    .add(
      'POST',
      SERVICE_ACCOUNTS_PATH,
      route('create-service-account', 'application:service_account:write', createServiceAccount),
    )
    .add(
      'GET',
      SERVICE_ACCOUNTS_PATH,
      route('get-all-service-accounts', 'application:service_account:read', ({ ctx, app }) => {
        const form = nextTimeForm();
        ctx.sendJson(200, { serviceAccounts: state.listServiceAccounts(app.clientId).map((account) => serviceAccountDetails(account, form)) });
      }),
    )
    .add(
      'GET',
      accountPath,
      route('get-service-account', 'application:service_account:read', (request) => {
        const account = ownAccount(request);
        if (account) request.ctx.sendJson(200, serviceAccountDetails(account, nextTimeForm()));
      }),
    )
    .add('PATCH', accountPath, route('enable-disable-service-account', 'application:service_account:write', setAccountStatus))
    .add(
      'DELETE',
      accountPath,
      route('delete-service-account', 'application:service_account:write', (request) => {
        const account = ownAccount(request);
        if (!account) return;
        // The account's keys go with it (S1).
        state.deleteServiceAccount(account.serviceAccountId);
        request.ctx.send(204, '');
      }),
    )
    .add('POST', keysPath, route('create-service-account-key', 'application:service_account_key:write', createKey))
    .add(
      'GET',
      keysPath,
      route('get-all-service-account-keys', 'application:service_account_key:read', (request) => {
        const account = enabledAccount(request);
        if (!account) return;
        const form = nextTimeForm();
        request.ctx.sendJson(200, { keys: state.listKeys(account.serviceAccountId).map((key) => keyDetails(key, form)) });
      }),
    )
    .add('PATCH', `${keysPath}/:keyId`, route('enable-disable-service-account-key', 'application:service_account_key:write', setKeyStatus))
    .add(
      'DELETE',
      `${keysPath}/:keyId`,
      route('delete-service-account-key', 'application:service_account_key:write', (request) => {
        const account = enabledAccount(request);
        const key = account && ownKey(request.ctx, account);
        if (!key) return;
        state.deleteKey(key.kid);
        request.ctx.send(204, '');
      }),
    );
}
