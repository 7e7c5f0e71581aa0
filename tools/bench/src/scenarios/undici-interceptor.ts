import { createTokenProvider } from '@aps-ssa/core';
import { startEmulator } from '@aps-ssa/emulator';
import { ssaInterceptor } from '@aps-ssa/undici';
import { Agent } from 'undici';
import { formatNumber, formatRatio } from '../format.js';
import { alternate, mapValues } from '../measure.js';
import { figure, ratio } from '../scenario.js';
import type { Scenario } from '../scenario.js';
import { median } from '../stats.js';
import { startWorker } from '../worker-process.js';
import { load } from './outbound-injection.js';

const SETTINGS = { full: { rounds: 10, seconds: 1 }, quick: { rounds: 2, seconds: 0.5 } };

export const undiciInterceptor: Scenario = {
  id: 'undici-interceptor',
  title: 'undici interceptor: fetch() through ssaInterceptor() against fetch() with a static header',
  question: 'What does the interceptor (token, origin check, 401 watch) cost each request of a plain fetch()?',
  async run({ quick, log }) {
    const { rounds, seconds } = quick ? SETTINGS.quick : SETTINGS.full;
    const upstream = await startWorker<{ url: string }>('upstream');
    const emulator = await startEmulator({ port: 0 });
    const provider = createTokenProvider({ env: emulator.seed.env });
    // The same kind of dispatcher on both sides: only the interceptor differs.
    const plain = new Agent();
    const intercepted = new Agent();
    try {
      const { accessToken } = await provider.getToken();
      const authorization = `Bearer ${accessToken}`;
      const url = `${upstream.ready.url}/ping`;
      const withToken = intercepted.compose(ssaInterceptor({ provider, baseUrl: upstream.ready.url }));
      const clients = {
        floor: {
          label: 'floor: fetch() with a static Authorization header',
          send: () => fetch(url, { headers: { authorization }, dispatcher: plain } as unknown as RequestInit).then((r) => r.text()),
        },
        ours: { label: 'fetch() through ssaInterceptor()', send: () => fetch(url, { dispatcher: withToken } as unknown as RequestInit).then((r) => r.text()) },
      };
      log(`  warm-up, then ${rounds} alternating rounds of ${seconds} s per client`);
      for (const client of Object.values(clients)) await load(client.send, seconds / 2);
      const samples = await alternate(clients, rounds, (client) => load(client.send, seconds));
      const counts = await upstream.call<{ requests: number; withBearer: number }>('counts');
      if (counts.withBearer !== counts.requests) throw new Error(`${counts.requests - counts.withBearer} of ${counts.requests} upstream requests carried no bearer token.`);

      const figures = mapValues(clients, (client, key) => figure(client.label, 'req/s', samples[key].map((s) => s.requestsPerSecond)));
      const cpu = mapValues(clients, (client, key) => figure(`${client.label}: client CPU per request`, 'µs', samples[key].map((s) => s.cpuPerRequest)));
      const cpuToFloor = ratio('ssaInterceptor() / fetch() with a static header (client CPU per request)', cpu.ours, cpu.floor);
      const toFloor = ratio('ssaInterceptor() / fetch() with a static header (req/s)', figures.ours, figures.floor);
      return {
        figures: [figures.floor, figures.ours, cpu.floor, cpu.ours],
        ratios: [cpuToFloor, toFloor],
        parameters: { rounds, 'run (s)': seconds, upstream: 'node:http in another process, answering "ok"' },
        reading: [
          `Through the interceptor a fetch() costs ${formatNumber(median(cpu.ours.samples))} µs of client CPU against ` +
            `${formatNumber(median(cpu.floor.samples))} µs with a static header (${formatRatio(cpuToFloor.value)}; goal ≤ 1.05×).`,
        ],
      };
    } finally {
      await Promise.all([plain.close(), intercepted.close()]);
      await provider.close();
      await emulator.close();
      await upstream.stop();
    }
  },
};
