// `npm run mutation` (tools/mutation/run.mjs): StrykerJS mutation testing of the modules that guard secrets and
// tokens (issue 25). Not part of `npm test` or CI. The runner mutates one file at a time (MUTATION_FILE), with only the
// tests listed for it, then tools/mutation/report.mjs regenerates docs/mutation.md from the JSON reports and from
// tools/mutation/equivalent.json (why each surviving mutant is equivalent).
//
// One file: `node tools/mutation/run.mjs packages/core/src/http/safe-cause.ts`.

/**
 * The files mutated (every module that decides what may leak or where a token may go), each with its package and the
 * tests that exercise it (paths inside the package). Edit this list only.
 */
export const MUTATED = {
  'packages/core/src/client/origin-policy.ts': ['packages/core', ['src/client/origin-policy.test.ts', 'test/trust/origin-attacks.test.ts']],
  'packages/core/src/loopback-host.ts': ['packages/core', ['src/loopback-host.test.ts', 'src/client/origin-policy.test.ts']],
  'packages/core/src/http/safe-cause.ts': ['packages/core', ['src/http/safe-cause.test.ts', 'test/trust/echoed-secrets.test.ts']],
  'packages/core/src/http/retry-after.ts': ['packages/core', ['src/http/retry-after.test.ts', 'test/provider/retry-after.test.ts']],
  'packages/core/src/redacted.ts': ['packages/core', ['src/redacted.test.ts', 'src/access-token.test.ts']],
  'packages/core/src/assertion/assertion.ts': ['packages/core', ['src/assertion/assertion.test.ts', 'test/signer/signer.test.ts']],
  'packages/redis-store/src/token-cipher.ts': ['packages/redis-store', ['src/token-cipher.test.ts']],
  'packages/redis-store/src/shared-failure.ts': ['packages/redis-store', ['src/shared-failure.test.ts']],
  'packages/emulator/src/tokens/assertion-judge.ts': ['packages/emulator', ['test/assertion-rules.test.ts']],
};

const file = process.env.MUTATION_FILE;
if (file !== undefined && !(file in MUTATED)) throw new Error(`MUTATION_FILE=${file} is not listed in stryker.config.mjs.`);

/** Where the JSON report of one file's run goes. */
export function reportPath(mutated) {
  return `reports/mutation/${mutated.replace(/[/.]/g, '_')}.json`;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // vitest.mutation.config.mjs runs the tests MUTATED lists for MUTATION_FILE.
  vitest: { configFile: 'vitest.mutation.config.mjs', related: false },
  // In place: a sandbox copy breaks the package configs that import ../../vitest.shared.mjs. Stryker restores the
  // file when it ends: do not edit it during a run.
  inPlace: true,
  // Off, so that only the mutated file is rewritten: on, Stryker adds `// @ts-nocheck` in place to every source file of
  // the repository and, restoring them, drops the executable bit of the packages' bin scripts. Vitest does not type-check.
  disableTypeChecks: false,
  mutate: file === undefined ? Object.keys(MUTATED) : [file],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: reportPath(file ?? 'all') },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
