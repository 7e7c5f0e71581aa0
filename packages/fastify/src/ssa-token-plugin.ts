import { SsaOptionError } from '@aps-ssa/core';
import type { TokenProvider } from '@aps-ssa/core';
import {
  TOKEN_SOURCE_OPTIONS,
  describeType,
  failureLog,
  logTokenFailure,
  providerSource,
  rejectUnknownOptions,
  requireOptionsObject,
  tokenContexts,
} from '@aps-ssa/core/adapter';
import type { TokenContexts, TokenSourceOptions } from '@aps-ssa/core/adapter';
import type { FastifyError, FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { ApsRequestContext, ApsRouteConfig } from './aps-request-context.js';

/**
 * Options of {@link ssaToken}: an existing `provider`, or any option of core's `createTokenProvider`
 * (`scopes`, `baseUrl`, `env`, `retry`...), whose identity fields default to the `APS_*` environment;
 * `registry`, `client` (options of `request.aps.client`) and `log`.
 *
 * @example
 * ```ts
 * await app.register(ssaToken, { scopes: ['data:read'], retry: { budget: 5_000 }, log: (line) => app.log.warn(line) });
 * ```
 */
export interface SsaTokenOptions extends TokenSourceOptions {}

const WHERE = 'app.register(ssaToken)';
// Fastify's own register options, handed to every plugin too.
const REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

/**
 * A Fastify 5 plugin that puts a valid token of the APS service account, and an APS client that sends
 * it, on `request.aps` (`{ token, expiresAt, scopes, client }`) of every route in the scope it is
 * registered in; a route's `config: { aps: { scopes } }` gives it a token of other scopes, and
 * `config: { aps: false }` none. With no options it reads the `APS_*` environment. Plugins and routes of
 * the same identity and scopes share one provider (one cache, one exchange) and one client.
 *
 * When no valid token can be had, the request fails with core's `SsaTokenUnavailableError` through
 * Fastify's error handling: the plugin's error handler answers **503** with `Retry-After` or **502**
 * with `{ error, message }` (a generic sentence; the reason goes to `log`) and passes every other error to
 * the handler that was in place when it was registered. The providers are closed in `onClose`.
 *
 * @throws {SsaOptionError} for an unknown option ("Did you mean `scopes`?") or an invalid one.
 * @throws {SsaConfigError} when the environment lacks what the options leave out.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { ssaToken } from '@aps-ssa/fastify';
 *
 * const app = Fastify();
 * await app.register(ssaToken, { scopes: ['user-profile:read'] });
 * app.get('/me', (request) => request.aps.client.get('userprofile/v1/users/@me').json());
 * ```
 */
export const ssaToken: FastifyPluginAsync<SsaTokenOptions> = fastifyPlugin(
  async function ssaTokenPlugin(fastify, options) {
    requireOptionsObject(options as unknown, WHERE);
    rejectUnknownOptions(options, [...TOKEN_SOURCE_OPTIONS, ...REGISTER_OPTIONS], WHERE);
    const { log: given, prefix: _prefix, logLevel: _logLevel, logSerializers: _logSerializers, ...sourceOptions } = options as SsaTokenOptions & Record<string, unknown>;
    const log = failureLog(given);

    const providers = new Set<TokenProvider>();
    const sourceOf = (scopes: readonly string[] | undefined, where: string): ReturnType<typeof providerSource> => {
      const source = providerSource(scopes === undefined ? sourceOptions : { ...sourceOptions, scopes: [...scopes] }, where);
      providers.add(source.provider);
      return source;
    };
    const baseSource = sourceOf(undefined, WHERE);
    const base = tokenContexts(baseSource);
    // The contexts of each route config, made when the route is declared (or at its first request, for routes declared
    // before the plugin loaded), so that a mistake in it is reported early.
    const routes = new WeakMap<object, TokenContexts>();
    const routeContexts = (config: Exclude<ApsRouteConfig, false>, where: string): TokenContexts => {
      let found = routes.get(config);
      if (found === undefined) {
        found = tokenContexts(sourceOf(routeScopes(config, where), where));
        routes.set(config, found);
      }
      return found;
    };

    fastify.decorateRequest('aps', null as unknown as ApsRequestContext);
    fastify.decorate('apsProvider', baseSource.provider);
    fastify.addHook('onRoute', (route) => {
      const config = route.config?.aps;
      if (config !== undefined && config !== false) routeContexts(config, `the config of route ${String(route.method)} ${route.url}`);
    });
    const ssaTokenHook: onRequestHookHandler = function ssaToken(request, _reply, done) {
      const config = request.is404 ? false : request.routeOptions.config.aps;
      if (config === false) return done();
      let contexts: TokenContexts;
      try {
        contexts = config === undefined ? base : routeContexts(config, `the config of route ${request.method} ${request.routeOptions.url}`);
      } catch (error) {
        return done(error as FastifyError);
      }
      // A fresh cached token continues the request in this turn; only a wait for a token costs a promise.
      const ready = contexts.peek();
      if (ready !== undefined) {
        request.aps = ready;
        return done();
      }
      contexts.get().then((context) => {
        request.aps = context;
        done();
      }, done);
    };
    fastify.addHook('onRequest', ssaTokenHook);

    const fallback = fastify.errorHandler;
    fastify.setErrorHandler(function ssaErrorResponse(error, request, reply) {
      const answer = logTokenFailure(error, log);
      if (answer === undefined) return fallback.call(this, error as FastifyError, request, reply);
      if (answer.retryAfter !== undefined) void reply.header('retry-after', String(answer.retryAfter));
      return reply.code(answer.status).send({ error: answer.code, message: answer.message });
    });
    fastify.addHook('onClose', async () => {
      await Promise.all([...providers].map((provider) => provider.close()));
    });
  },
  { fastify: '5.x', name: '@aps-ssa/fastify' },
);

function routeScopes(config: unknown, where: string): readonly string[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new SsaOptionError('aps', `\`aps\` in ${where} must be \`{ scopes }\` or \`false\`, got ${describeType(config)}.`);
  }
  rejectUnknownOptions(config, ['scopes'], where);
  const { scopes } = config as { scopes?: unknown };
  if (!Array.isArray(scopes)) throw new SsaOptionError('scopes', `\`scopes\` in ${where} must be an array of scopes, got ${describeType(scopes)}.`);
  return scopes as readonly string[];
}
