#!/usr/bin/env -S node --
// `node --` ends Node's own options: Node.js scans its whole command line for `--env-file` (nodejs/node#54232), and
// the emulator must be the one to answer that flag (it names --write-env instead).
import { runEmulatorCli } from './launch/cli.js';

process.exitCode = await runEmulatorCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
