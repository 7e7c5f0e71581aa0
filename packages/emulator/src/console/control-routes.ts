import { loopbackAccessProblem, type LoopbackSurface } from './access.js';
import { controlWriteRefusal } from './csrf.js';
import { EmulatorOptionError } from '../errors.js';
import type { FaultSpec } from '../control/faults.js';
import type { RequestContext } from '../http/request-context.js';
import type { Handler, Router } from '../http/router.js';
import type { EmulatorRuntime } from '../runtime.js';
import { keyView, serviceAccountView } from '../admin/state-views.js';

/** Every control path lives under this prefix, never on an APS path. */
export const CONTROL_PREFIX = '/_emulator';
const CONTROL_CONTENT_TYPE = 'application/json; charset=utf-8';

function reply(ctx: RequestContext, status: number, body: unknown): void {
  ctx.sendJson(status, body, { contentType: CONTROL_CONTENT_TYPE });
}

function badRequest(ctx: RequestContext, message: string): void {
  reply(ctx, 400, { error: 'bad_request', message });
}

/** Reads a JSON object body, or answers 400 and returns `undefined`. */
async function readJsonObject(ctx: RequestContext): Promise<Record<string, unknown> | undefined> {
  const body = await ctx.readBody();
  if (body === undefined) {
    reply(ctx, 413, { error: 'bad_request', message: 'The request body is too large.' });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    badRequest(ctx, 'The body must be a JSON object.');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    badRequest(ctx, 'The body must be a JSON object.');
    return undefined;
  }
  return value as Record<string, unknown>;
}

/** Runs `apply` on a JSON body field, answering 400 with the validation message when it throws. */
async function update(ctx: RequestContext, field: string, apply: (value: unknown) => unknown): Promise<void> {
  const body = await readJsonObject(ctx);
  if (!body) return;
  if (!(field in body)) return badRequest(ctx, `The body must be {"${field}": …}.`);
  try {
    reply(ctx, 200, apply(body[field]));
  } catch (error) {
    if (error instanceof EmulatorOptionError || error instanceof TypeError) return badRequest(ctx, error.message);
    throw error;
  }
}

function stateSnapshot(runtime: EmulatorRuntime) {
  const { state } = runtime;
  return {
    seed: runtime.seedIdentity,
    settings: { ...runtime.settings.toJSON(), clockOffsetMs: runtime.clock.offset },
    apps: state.listApps().map((app) => ({
      clientId: app.clientId,
      name: app.name,
      serviceAccounts: state.listServiceAccounts(app.clientId).map((account) => ({
        ...serviceAccountView(account),
        name: account.name,
        firstName: account.firstName,
        lastName: account.lastName,
        keys: state.listKeys(account.serviceAccountId).map(keyView),
      })),
    })),
  };
}

function requestsQuery(ctx: RequestContext, runtime: EmulatorRuntime): void {
  const since = Number(ctx.url.searchParams.get('since') ?? 0);
  const limit = Number(ctx.url.searchParams.get('limit') ?? Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(since) || since < 0 || !Number.isInteger(limit) || limit < 1) {
    return badRequest(ctx, '`since` must be an integer >= 0 and `limit` an integer >= 1.');
  }
  reply(ctx, 200, { requests: runtime.log.since(since, limit) });
}

export interface ControlRouteOptions {
  /** Serve non-loopback clients and `Host` names too (`consoleAllowRemote`). */
  readonly allowRemote: boolean;
}

const CONTROL_SURFACE: LoopbackSurface = { name: 'The emulator control surface', path: `${CONTROL_PREFIX}/state` };

/**
 * The JSON control surface for out-of-process tests and the console. Not APS: nothing here is counted,
 * logged or rate-limited, and nothing returns a secret.
 */
export function registerControlRoutes(router: Router, runtime: EmulatorRuntime, options: ControlRouteOptions): void {
  const { clock, counters, faults, settings } = runtime;
  // Every request, reads included, is refused to other machines and rebound host names (DNS rebinding).
  const local =
    (handler: Handler): Handler =>
    (ctx) => {
      const problem = loopbackAccessProblem(ctx.req, options.allowRemote, CONTROL_SURFACE);
      if (problem === undefined) return handler(ctx);
      ctx.req.resume();
      reply(ctx, 403, { error: 'forbidden', message: problem });
    };
  // Every state change is also refused to cross-site pages (CSRF); see controlWriteRefusal.
  const write = (handler: Handler): Handler => (ctx) => {
    const refusal = controlWriteRefusal(ctx.req);
    if (!refusal) return handler(ctx);
    ctx.req.resume();
    reply(ctx, refusal.status, { error: refusal.error, message: refusal.message });
  };
  // Each route is registered through `local`, so none can be added without the loopback check.
  const control = {
    add(method: string, path: string, handler: Handler) {
      router.add(method, path, local(handler));
      return control;
    },
  };
  control
    .add('GET', `${CONTROL_PREFIX}/state`, (ctx) => reply(ctx, 200, stateSnapshot(runtime)))
    .add('GET', `${CONTROL_PREFIX}/counters`, (ctx) => reply(ctx, 200, counters.snapshot()))
    .add(
      'POST',
      `${CONTROL_PREFIX}/reset-counters`,
      write((ctx) => {
        counters.reset();
        reply(ctx, 200, counters.snapshot());
      }),
    )
    .add('GET', `${CONTROL_PREFIX}/requests`, (ctx) => requestsQuery(ctx, runtime))
    .add('GET', `${CONTROL_PREFIX}/faults`, (ctx) => reply(ctx, 200, { pending: faults.pending() }))
    .add(
      'POST',
      `${CONTROL_PREFIX}/faults`,
      write(async (ctx) => {
        const body = await readJsonObject(ctx);
        if (!body) return;
        try {
          reply(ctx, 201, faults.inject(body as unknown as FaultSpec));
        } catch (error) {
          if (error instanceof EmulatorOptionError) return badRequest(ctx, error.message);
          throw error;
        }
      }),
    )
    .add(
      'DELETE',
      `${CONTROL_PREFIX}/faults`,
      write((ctx) => {
        faults.clear();
        reply(ctx, 200, { pending: [] });
      }),
    )
    .add('GET', `${CONTROL_PREFIX}/clock`, (ctx) => reply(ctx, 200, { offsetMs: clock.offset, now: new Date(clock.now()).toISOString() }))
    .add(
      'PUT',
      `${CONTROL_PREFIX}/clock`,
      write((ctx) =>
        update(ctx, 'offsetMs', (value) => {
          clock.setOffset(value as number);
          return { offsetMs: clock.offset, now: new Date(clock.now()).toISOString() };
        }),
      ),
    )
    .add('GET', `${CONTROL_PREFIX}/token-lifetime`, (ctx) => reply(ctx, 200, { seconds: settings.tokenLifetime }))
    .add(
      'PUT',
      `${CONTROL_PREFIX}/token-lifetime`,
      write((ctx) => update(ctx, 'seconds', (value) => ({ seconds: settings.setTokenLifetime(value) }))),
    )
    .add('GET', `${CONTROL_PREFIX}/rate-limit`, (ctx) => reply(ctx, 200, { perMinute: settings.rateLimit }))
    .add(
      'PUT',
      `${CONTROL_PREFIX}/rate-limit`,
      write((ctx) => update(ctx, 'perMinute', (value) => ({ perMinute: settings.setRateLimit(value) }))),
    );
}
