#!/usr/bin/env node
// `npm test`: build what the tests need, run every project's tests through Nx, then sum the
// per-project Vitest JSON reports into the one closing line CI reads: "N passed, N failed".
// Exits non-zero when a test failed, a project produced no report, or no test ran at all.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
// `--exclude=<project>[,<project>]` (Nx's own option, passed on) leaves those projects out, and out of the count;
// `--projects=<project>[,<project>]` (also Nx's) runs and counts only those.
const extra = process.argv.slice(2);
const listed = (option) => extra.filter((arg) => arg.startsWith(`${option}=`)).flatMap((arg) => arg.slice(option.length + 1).split(','));
const excluded = new Set(listed('--exclude'));
const only = new Set(listed('--projects'));
const projectDirs = ['packages', 'apps', 'tools']
  .flatMap((group) => {
    const dir = join(root, group);
    return existsSync(dir) ? readdirSync(dir).map((name) => join(group, name)) : [];
  })
  .filter((dir) => {
    const manifest = join(root, dir, 'package.json');
    if (!existsSync(manifest)) return false;
    const { name, scripts } = JSON.parse(readFileSync(manifest, 'utf8'));
    return scripts?.test !== undefined && !excluded.has(name) && (only.size === 0 || only.has(name));
  });

for (const dir of projectDirs) rmSync(join(root, dir, 'test-results', 'vitest.json'), { force: true });

const nx = spawnSync(
  'npx',
  ['--no-install', 'nx', 'run-many', '-t', 'test', '--outputStyle=static', '--parallel=2', ...extra],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NX_TUI: 'false', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of projectDirs) {
  const file = join(root, dir, 'test-results', 'vitest.json');
  if (!existsSync(file)) {
    missing.push(dir);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const suiteFailures = (report.testResults ?? []).filter((r) => r.status === 'failed' && r.assertionResults?.length === 0).length;
  passed += report.numPassedTests;
  failed += report.numFailedTests + suiteFailures;
  skipped += report.numPendingTests + report.numTodoTests;
  console.log(`  ${dir}: ${report.numPassedTests} passed, ${report.numFailedTests + suiteFailures} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
}
for (const dir of missing) console.log(`  ${dir}: no test report (its tests did not run or crashed)`);
failed += missing.length;

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || nx.status !== 0 ? 1 : 0);
