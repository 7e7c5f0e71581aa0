import { tokenFailureResponse } from '@aps-ssa/core';
import { adapterContract, EXPRESS_MAJORS, listen } from '@aps-ssa/test-support';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Passport } from 'passport';
import { describe } from 'vitest';
import { SsaStrategy } from '../src/index.js';
import type { SsaAuthInfo } from '../src/index.js';

/** How an app answers "no token" (the express-middleware package ships one; here it is spelt out with core). */
const tokenErrors =
  (log: (line: string) => void): ErrorRequestHandler =>
  (err, _req, res, next) => {
    const answer = tokenFailureResponse(err);
    if (answer === undefined) return next(err);
    log(`${answer.code}: ${(err as Error).message}`);
    if (answer.retryAfter !== undefined) res.set('Retry-After', String(answer.retryAfter));
    res.status(answer.status).json({ error: answer.code, message: answer.message });
  };

describe.each(EXPRESS_MAJORS)('%s', (_name, express) => {
  adapterContract({
    where: 'new SsaStrategy()',
    create: (options) => new SsaStrategy(options),
    async serve({ options, scoped, log }) {
      const passport = new Passport();
      const strategy = new SsaStrategy(options);
      passport.use(strategy);
      const app = express();
      const me: RequestHandler = async (req, res, next) => {
        try {
          res.json(await (req.authInfo as SsaAuthInfo).client.get('userprofile/v1/users/@me').json());
        } catch (error) {
          next(error);
        }
      };
      app.get('/me', passport.authenticate('aps-ssa', { session: false }), me);
      for (const [name, scopes] of Object.entries(scoped)) {
        passport.use(`aps-ssa-${name}`, new SsaStrategy({ ...options, scopes: [...scopes] }));
        app.get(`/scoped/${name}`, passport.authenticate(`aps-ssa-${name}`, { session: false }), (req, res) => void res.json((req.authInfo as SsaAuthInfo).scopes));
      }
      app.use(tokenErrors(log));
      const served = await listen(app);
      return { url: served.url, provider: strategy.provider, shutdown: async () => (await served.close(), await strategy.close()) };
    },
  });
});
