import { frameworkOverhead } from './framework-overhead.js';

export const expressOverhead = frameworkOverhead({
  id: 'express-overhead',
  framework: 'Express',
  adapter: 'ssaTokenMiddleware()',
  kind: 'middleware',
  worker: 'express-app',
  field: 'req.aps',
  profile:
    "Where the cost is (a CPU profile of the app under load, sampled every 100 µs): the middleware's own frames, `ssaToken`, the " +
    '`getToken()` it calls with its `Date.now()`, and the promise callback that sets `req.aps` and calls `next()`, add up to about 1 µs ' +
    "per request, under 1 % of what a request costs here. A larger gap is this machine's noise or second-order effects of continuing " +
    'the request one promise turn later (garbage collection, how Node batches the socket writes) that changed sign from run to run. ' +
    'No cheap fix is left in the hot path: skipping that promise turn would need a synchronous accessor for a cached token in core.',
});
