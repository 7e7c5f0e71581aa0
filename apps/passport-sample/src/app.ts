import { tokenFailureResponse, tokenHealth } from '@aps-ssa/core';
import { SsaStrategy } from '@aps-ssa/passport-strategy';
import type { SsaAuthInfo, SsaStrategyOptions } from '@aps-ssa/passport-strategy';
import express from 'express';
import type { ErrorRequestHandler, Express } from 'express';
import { Passport } from 'passport';

/**
 * Builds the sample app. `options` go to `new SsaStrategy()`: by default the `APS_*` environment;
 * `{ provider }` to share one you made, `{ env }` to read another environment.
 */
export function createApp(options: SsaStrategyOptions = {}): Express {
  // The optional verify callback maps or refuses the service account, as in any Passport strategy:
  // here, a token that cannot read profiles is refused (401) before reaching the route.
  const strategy = new SsaStrategy(options, (identity, _authInfo, done) => {
    if (!identity.scopes.includes('user-profile:read')) return done(null, false, { message: 'The token lacks user-profile:read.' });
    done(null, identity);
  });
  // An authenticator of this app's own, so that each createApp() has its strategy; the default
  // `import passport from 'passport'` is used the same way.
  const passport = new Passport();
  passport.use(strategy);
  const app = express();

  // Can a token be had, and for how long?
  app.get('/healthz', async (_req, res) => {
    const health = await tokenHealth(strategy.provider);
    // The reason names this server's service account and quotes APS: for the log, not for probers.
    if (health.status === 503) console.error(`healthz: ${health.body.error}: ${health.reason}`);
    res.status(health.status).json(health.body);
  });

  // Authenticated as the service account: req.user is its identity, req.authInfo its token and APS client.
  app.get('/me', passport.authenticate('aps-ssa', { session: false }), async (req, res) => {
    const { client } = req.authInfo as SsaAuthInfo;
    res.json(await client.get('userprofile/v1/users/@me').json());
  });

  app.use(tokenErrors);
  return app;
}

/**
 * "No token could be had": 503 when retrying may help (APS down), 502 when APS refused the
 * credentials. Callers get the code and a generic sentence; the reason goes to the log.
 */
const tokenErrors: ErrorRequestHandler = (err, _req, res, next) => {
  const answer = tokenFailureResponse(err);
  if (answer === undefined) return next(err);
  console.error(`${answer.code}: ${(err as Error).message}`);
  if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
  res.status(answer.status).json({ error: answer.code, message: answer.message });
};
