import { ssaTokenMiddleware } from '@aps-ssa/express-middleware';
import type { Request, Response } from 'express';
import { cpuMicros } from '../cpu-time.js';
import { frameworkOverhead } from './framework-overhead.js';

/** Calls per sample of the middleware's own work. */
const CALLS = 1_000_000;

export const expressOverhead = frameworkOverhead({
  id: 'express-overhead',
  framework: 'Express',
  adapter: 'ssaTokenMiddleware()',
  kind: 'middleware',
  worker: 'express-app',
  field: 'req.aps',
  profile:
    'What the middleware does per request on a warm cache: one synchronous `provider.peek()` (two clock reads and the expiry ' +
    'checks), then `req.aps` is set to the frozen context shared by every request of that token and `next()` runs in the same ' +
    'turn: no promise and no allocation of its own. Only a request that must wait for a token goes through `getToken()`. ' +
    "A gap larger than those few checks is this machine's noise.",
  async ownWork(env, rounds) {
    const middleware = ssaTokenMiddleware({ env: { ...env } });
    try {
      await middleware.provider.getToken();
      let continued = 0;
      const next = () => void continued++;
      const sample = () => {
        const before = cpuMicros();
        for (let i = 0; i < CALLS; i++) middleware({ url: '/' } as Request, {} as Response, next);
        return ((cpuMicros() - before) * 1000) / CALLS;
      };
      sample(); // warm-up: optimised code, as a server's is after its first requests
      const samples = Array.from({ length: rounds }, sample);
      if (continued !== CALLS * (rounds + 1)) throw new Error(`The middleware continued ${continued} of ${CALLS * (rounds + 1)} requests in the same turn.`);
      return samples;
    } finally {
      await middleware.close();
    }
  },
});
