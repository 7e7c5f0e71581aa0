import { frameworkOverhead } from './framework-overhead.js';

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
});
