// Shared Vitest settings for every project in the workspace (each project's vitest.config.ts imports it).
// Each project writes a JSON report that tools/scripts/run-tests.mjs sums into the closing
// "N passed, N failed" line that CI reads. SWC compiles the tests so that NestJS decorators
// (legacy decorators with metadata) work the same way in every package.
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig, mergeConfig } from 'vitest/config';

/**
 * @param {string} projectRoot absolute path of the project (pass `import.meta.dirname`)
 * @param {import('vitest/config').UserConfig} [overrides]
 */
export function projectConfig(projectRoot, overrides = {}) {
  const base = defineConfig({
    root: projectRoot,
    plugins: [
      swc.vite({
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
      }),
    ],
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 30_000,
      reporters: ['default', 'json'],
      outputFile: { json: resolve(projectRoot, 'test-results/vitest.json') },
    },
  });
  return mergeConfig(base, overrides);
}
