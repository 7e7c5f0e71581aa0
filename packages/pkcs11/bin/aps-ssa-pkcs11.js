#!/usr/bin/env node
// This file exists before the build so that npm links the command at install time; the program is dist/bin.js.
import '../dist/bin.js';
