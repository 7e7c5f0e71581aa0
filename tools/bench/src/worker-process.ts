import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** A forked `dist/workers/*.js` process, driven over IPC by commands (see `workers/commands.ts`). */
export interface WorkerProcess<Ready> {
  /** What the worker reported once ready (its port, its URL...). */
  readonly ready: Ready;
  call<T = unknown>(command: string, args?: object): Promise<T>;
  /** Disconnects (the worker then exits on its own), and kills it if it has not after a second. */
  stop(): Promise<void>;
}

interface Message {
  type: 'ready' | 'reply';
  id?: number;
  result?: unknown;
  error?: string;
}

export interface WorkerOptions {
  /** The worker's whole environment (PATH is added). */
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  /** Node.js options of the worker (`--expose-gc`...). */
  readonly execArgv?: readonly string[];
}

/** Forks `dist/workers/<name>.js` in its own process (and event loop), and resolves once it says it is ready. */
export async function startWorker<Ready = unknown>(name: string, options: WorkerOptions = {}): Promise<WorkerProcess<Ready>> {
  const script = fileURLToPath(new URL(`./workers/${name}.js`, import.meta.url));
  const child = fork(script, [...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const exited = once(child, 'exit');
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`Worker ${name} exited before it was ready (code ${code}, signal ${signal}).`)));
    child.on('message', (message: Message) => {
      if (message.type === 'ready') resolve(message.result as Ready);
      if (message.type === 'reply') {
        const call = pending.get(message.id!);
        pending.delete(message.id!);
        if (message.error === undefined) call?.resolve(message.result);
        else call?.reject(new Error(`Worker ${name}: ${message.error}`));
      }
    });
  });
  child.on('exit', () => {
    for (const call of pending.values()) call.reject(new Error(`Worker ${name} exited.`));
    pending.clear();
  });
  return {
    ready,
    call<T>(command: string, args: object = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
  await exited;
  clearTimeout(timer);
}

/** Starts workers side by side; when one fails to start, stops the others and throws its error. */
export async function startWorkers<K extends string, Ready>(specs: Readonly<Record<K, { name: string } & WorkerOptions>>): Promise<Record<K, WorkerProcess<Ready>>> {
  const keys = Object.keys(specs) as K[];
  const started = await Promise.allSettled(keys.map((key) => startWorker<Ready>(specs[key].name, specs[key])));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await stopAll(started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : undefined)));
    throw failed.reason;
  }
  return Object.fromEntries(keys.map((key, i) => [key, (started[i] as PromiseFulfilledResult<WorkerProcess<Ready>>).value])) as Record<K, WorkerProcess<Ready>>;
}

/** Stops every worker, even when some fail to. */
export async function stopAll(workers: readonly (WorkerProcess<unknown> | undefined)[]): Promise<void> {
  await Promise.allSettled(workers.map((worker) => worker?.stop()));
}
