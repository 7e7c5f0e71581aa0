export { main } from './main.js';
export { processIo } from './io.js';
export type { CliIo, Env, TextSink } from './io.js';
