#!/usr/bin/env -S node --
// `node --` stops Node.js from reading our `--env-file PATH` flag as its own (it scans the whole command line).
import { runEmulatorCli } from './cli.js';

process.exitCode = await runEmulatorCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
