import type { Scenario } from '../scenario.js';
import { cacheHit } from './cache-hit.js';
import { coldStampede } from './cold-stampede.js';
import { expressOverhead } from './express-overhead.js';
import { fastifyOverhead } from './fastify-overhead.js';
import { fleet } from './fleet.js';
import { fleetCluster } from './fleet-cluster.js';
import { memory } from './memory.js';
import { outboundInjection } from './outbound-injection.js';
import { undiciInterceptor } from './undici-interceptor.js';
import { refreshUnderLoad } from './refresh-under-load.js';
import { signing } from './signing.js';
import { tracing } from './tracing.js';

/** Every scenario, in the order they run and are reported. */
export const SCENARIOS: readonly Scenario[] = [cacheHit, expressOverhead, fastifyOverhead, outboundInjection, undiciInterceptor, coldStampede, fleet, fleetCluster, refreshUnderLoad, signing, tracing, memory];
