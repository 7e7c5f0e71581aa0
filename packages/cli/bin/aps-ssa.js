#!/usr/bin/env -S node --
// `node --` keeps Node.js from reading our --env-file flag as its own (it scans the whole command line).
// This file exists before the build so that npm links the command at install time; the program is dist/bin.js.
import '../dist/bin.js';
