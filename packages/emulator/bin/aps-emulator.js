#!/usr/bin/env -S node --
// `node --` ends Node's own options: Node.js scans its whole command line for --env-file (nodejs/node#54232), and
// the emulator must be the one to answer that flag (it names --write-env instead).
// This file exists before the build so that npm links the command at install time; the program is dist/bin.js.
import '../dist/bin.js';
