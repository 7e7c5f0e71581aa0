#!/usr/bin/env node
// The `test` script: `vitest run`, where `--file README` (repeatable) picks the READMEs to run. Vitest refuses
// unknown options, so they travel to test/readme-blocks.test.ts as README_BLOCKS_FILE (comma-separated).
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
const files = argv.flatMap((arg, index) => (argv[index - 1] === '--file' ? [arg] : []));
const rest = argv.filter((arg, index) => arg !== '--file' && argv[index - 1] !== '--file');
const env = files.length > 0 ? { ...process.env, README_BLOCKS_FILE: files.join(',') } : process.env;
const vitest = spawnSync('npx', ['--no-install', 'vitest', 'run', ...rest], { stdio: 'inherit', env });
process.exit(vitest.status ?? 1);
