// Trust: the interceptor under the origin-attack cases of every outbound path (test-support's describeOriginAttacks).
// The global fetch follows each redirect, hop by hop, through the interceptor on the global dispatcher.
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { describeOriginAttacks } from '@aps-ssa/test-support';
import { ssaInterceptor } from '../src/index.js';

const send = (url: string, init?: RequestInit): Promise<unknown> => fetch(url, { signal: AbortSignal.timeout(5_000), ...init }).then((r) => r.arrayBuffer());

describeOriginAttacks('the global fetch through ssaInterceptor() carries the token to the APS base URL, and nothing else', ({ provider, aps }) => {
    const previous = getGlobalDispatcher();
    const agent = new Agent();
    setGlobalDispatcher(agent.compose(ssaInterceptor({ provider, baseUrl: aps.url })));
    return {
      send: (path, init) => send(`${aps.url}/${path}`, init),
      async close() {
        setGlobalDispatcher(previous);
        await agent.close();
      },
    };
  },
);

