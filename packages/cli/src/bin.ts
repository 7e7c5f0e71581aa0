#!/usr/bin/env -S node --
// `node --` ends Node's own option parsing: without it Node intercepts `--env-file PATH` anywhere in argv,
// even after the script name (nodejs/node#54232), and exits 9 when PATH does not exist.
import { processIo } from './io.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), processIo());
