#!/usr/bin/env node
// `npm run mutation [file...]`: runs Stryker on each file listed in stryker.config.mjs (or those given), one at a time
// with only its tests, then regenerates docs/mutation.md. The packages must be built (the npm script builds them).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MUTATED } from '../../stryker.config.mjs';

const root = join(import.meta.dirname, '..', '..');
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(MUTATED);
for (const file of files) {
  if (!(file in MUTATED)) {
    console.error(`${file} is not listed in stryker.config.mjs.`);
    process.exit(2);
  }
}
for (const file of files) {
  console.log(`\n== ${file}`);
  const run = spawnSync('npx', ['--no-install', 'stryker', 'run', 'stryker.config.mjs'], { cwd: root, stdio: 'inherit', env: { ...process.env, MUTATION_FILE: file } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
const report = spawnSync(process.execPath, [join(import.meta.dirname, 'report.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(report.status ?? 1);
