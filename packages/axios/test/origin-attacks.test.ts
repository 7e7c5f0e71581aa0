// Trust: useSsaToken() under the origin-attack cases of every outbound path (test-support's describeOriginAttacks).
// axios (follow-redirects) follows each redirect, judged hop by hop in beforeRedirect.
import axios from 'axios';
import { describeOriginAttacks } from '@aps-ssa/test-support';
import { useSsaToken } from '../src/index.js';

describeOriginAttacks('axios with useSsaToken() carries the token to the APS base URL, and nothing else', ({ provider, aps }) => {
  const client = axios.create({ timeout: 5_000 });
  useSsaToken(client, { provider, baseUrl: aps.url });
  return { send: (path, init = {}) => client.request({ url: `${aps.url}/${path}`, method: init.method ?? 'GET', data: init.body }) };
});
