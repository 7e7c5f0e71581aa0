import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { RedisTokenStoreEvent } from '@aps-ssa/redis-store';

const WORKER = fileURLToPath(new URL('./fixtures/fleet-worker.mjs', import.meta.url));

/** A child process running `fixtures/fleet-worker.mjs`: one instance of the fleet. */
export interface FleetWorker {
  readonly process: ChildProcess;
  /** Every event its store reported, in order. */
  readonly events: RedisTokenStoreEvent[];
  call<T = unknown>(command: string, args?: object): Promise<T>;
  /** SIGKILL: the instance dies mid-flight, with no clean-up. */
  kill(): Promise<void>;
}

export interface GetResult {
  readonly tokens: string[];
  readonly failures: string[];
  readonly exchanges: number;
}

/** How a worker reaches Redis: a standalone server's port, or a connection the worker's `connect` understands. */
export type FleetConnection =
  | number
  | { readonly kind: 'cluster'; readonly nodes: readonly { host: string; port: number }[] }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly { host: string; port: number }[]; readonly name: string }
  | { readonly kind: 'url'; readonly url: string; readonly ca?: string };

/** Starts a worker with the emulator's `APS_*` variables and the given store and provider options (JSON-safe ones). */
export async function startWorker(
  env: Readonly<Record<string, string>>,
  redis: FleetConnection,
  storeOptions: object = {},
  providerOptions: object = {},
): Promise<FleetWorker> {
  const connection = typeof redis === 'number' ? { kind: 'standalone', port: redis } : redis;
  const child = fork(WORKER, [], {
    env: {
      PATH: process.env.PATH,
      ...env,
      REDIS_CONNECTION: JSON.stringify(connection),
      STORE_OPTIONS: JSON.stringify(storeOptions),
      PROVIDER_OPTIONS: JSON.stringify(providerOptions),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const events: RedisTokenStoreEvent[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const started = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`The fleet worker exited before starting (code ${code}, signal ${signal}).`)));
    child.on('message', (message: { type: string; id?: number; event?: RedisTokenStoreEvent; result?: unknown; error?: { message: string } }) => {
      if (message.type === 'started') resolve();
      if (message.type === 'event') events.push(message.event!);
      if (message.type === 'reply') {
        const call = pending.get(message.id!);
        pending.delete(message.id!);
        if (message.error === undefined) call?.resolve(message.result);
        else call?.reject(new Error(message.error.message));
      }
    });
  });
  child.on('exit', () => {
    for (const call of pending.values()) call.reject(new Error('The fleet worker exited.'));
    pending.clear();
  });
  await started;
  return {
    process: child,
    events,
    call<T>(command: string, args: object = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
