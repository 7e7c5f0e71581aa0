import type { CliIo } from '../src/io.js';

/** An in-process io: captured stdout/stderr, a given environment, stdin text and clock. */
export function memoryIo(options: { env?: Record<string, string>; stdin?: string; now?: number; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: (async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    })(),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => options.now ?? Date.now(),
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}
